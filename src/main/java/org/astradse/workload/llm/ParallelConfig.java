package org.astradse.workload.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.astradse.InputException;

/**
 * How a Megatron-style run splits the model and the batch (LLM-MODEL.md notation: TP {@code t}, PP {@code p}, virtual
 * stages {@code v}, CP {@code c}, EP {@code e}, DP; micro-batch {@code b}, global batch {@code B} in sequences).
 *
 * @param tp                 tensor-parallel degree
 * @param pp                 pipeline stages
 * @param vpp                virtual (interleaved) stages per pipeline rank
 * @param cp                 context-parallel degree
 * @param ep                 expert-parallel degree (MoE)
 * @param dp                 data-parallel degree, or 0 when it is derived from the cluster's GPUs
 * @param sp                 sequence parallelism with TP
 * @param microBatch         b, sequences
 * @param globalBatch        B, sequences
 * @param recompute          none, selective or full
 * @param optimizer          none, distributed (ZeRO-1 over DP×CP), zero2, zero3 or fsdp
 * @param precision          bf16, fp16 or fp8 (the GEMMs' precision; attention and element-wise work stay 16-bit)
 * @param overlapGradReduce  DP gradient reduce overlapped with the last micro-batch's backward
 * @param overlapParamGather the distributed optimizer's parameter all-gather overlapped with the next forward
 * @param expertTp           TP size of the experts (Megatron's expert_tensor_parallel_size); default 1, as Megatron-Core's
 *                           MoE guidance and the Megatron-Bridge MoE recipes (Qwen3, DeepSeek-V3, Mixtral) set it:
 *                           the experts take the sequence-parallel tokens whole
 * @param tpCommOverlap      TP collectives pipelined with their GEMMs (auto: on for Hopper and later GPUs)
 * @param attention          flash (fused, scores never stored), unfused (Megatron-LM's default attention: batched GEMMs,
 *                           the scores through HBM and stored) or auto (the default, resolved by the trainer: unfused
 *                           for fp16 runs and on GPUs without FP8 — Ampere and older, where Megatron-LM ran without
 *                           FlashAttention unless asked (Narayanan et al. 2021, Korthikanti et al. 2022, MegaScale's
 *                           Megatron-LM baseline) — flash on Hopper and later, whose Transformer Engine recipes fuse it)
 * @param epCommOverlap      the MoE all-to-all of one micro-batch overlapped with another's compute (Megatron-Core's
 *                           {@code --overlap-moe-expert-parallel-comm}, DeepSeek-V3's DualPipe idea); off by default
 * @param gradReduceBf16     gradients kept and reduced in bf16 (2 B) instead of fp32 (4 B); default: for FP8 runs (the
 *                           Megatron-Core / NeMo recipes, whose DDP default keeps gradients in the parameters' 16-bit
 *                           type), fp32 otherwise (Megatron-LM forces fp32 accumulation for bf16 and fp16 runs)
 * @param cpuOffloadLayers   activation offloading to host memory (Megatron-Core {@code --cpu-offloading-num-layers},
 *                           Megatron-Bridge's GB200 recipes): the activations of each pipeline rank's first N layers
 *                           leave HBM during the forward pass and come back for the backward; 0 (default): none
 * @param moeDispatcher      how MoE tokens reach their experts: {@code hierarchical} (the default: DeepEP / HybridEP,
 *                           Megatron-Core's flex dispatcher, which Megatron-Bridge's recipes name for DeepSeek-V3 and
 *                           Qwen3-30B-A3B on every GPU and Qwen3-235B-A22B on GB200 / GB300: a token crosses the scale-out
 *                           network once per scale-up domain holding one of its experts, then fans out over the scale-up
 *                           links) or {@code alltoall} (Megatron-Core's all-to-all dispatcher: one copy per chosen expert,
 *                           as its recipes run Qwen3-235B-A22B on H100, B200 and B300); the same inside one domain
 */
public record ParallelConfig(int tp, int pp, int vpp, int cp, int ep, int dp, boolean sp, int microBatch, int globalBatch,
                             String recompute, String optimizer, String precision, boolean overlapGradReduce,
                             boolean overlapParamGather, int expertTp, String tpCommOverlap, String attention,
                             boolean gradReduceBf16, boolean epCommOverlap, int cpuOffloadLayers, String moeDispatcher) {

    public static final List<String> RECOMPUTE = List.of("none", "selective", "full");
    public static final List<String> OPTIMIZERS = List.of("none", "distributed", "zero2", "zero3", "fsdp");
    public static final List<String> PRECISIONS = List.of("bf16", "fp16", "fp8");
    public static final List<String> DISPATCHERS = List.of("alltoall", "hierarchical");

    /** The keys of a {@code parallel:} mapping (a contract), in the order {@link #byKey} gives them. */
    public static final List<String> KEYS = List.of("tp", "pp", "vpp", "cp", "ep", "dp", "sp", "micro-batch", "global-batch",
            "recompute", "optimizer", "precision", "overlap-grad-reduce", "overlap-param-gather", "expert-tp", "tp-comm-overlap",
            "attention", "grad-reduce-in-bf16", "ep-comm-overlap", "cpu-offload-layers", "moe-dispatcher");

    /** tp·pp·cp: the GPUs one data-parallel replica spans. */
    public long modelParallel() {
        return (long) tp * pp * cp;
    }

    /**
     * The data-parallel degree on {@code gpus} GPUs: the written dp, or gpus / (tp·pp·cp) when dp is derived — a real
     * number when that does not divide (the trainer refuses such a layout; a constraint may still compare it).
     */
    public double dpOn(long gpus) {
        return dp > 0 ? dp : (double) gpus / modelParallel();
    }

    /**
     * Every key of the layout as it resolves on {@code gpus} GPUs (defaults filled in, dp derived; a whole dp as an
     * integer): what a study's constraints see under {@code parallel}. {@code attention} and {@code tp-comm-overlap}
     * stay {@code auto} when not written (the trainer resolves them per GPU).
     */
    public java.util.Map<String, Object> byKey(long gpus) {
        double d = dpOn(gpus);
        Object[] v = {tp, pp, vpp, cp, ep, d == Math.rint(d) ? (Object) (long) d : (Object) d, sp, microBatch, globalBatch,
                recompute, optimizer, precision, overlapGradReduce, overlapParamGather, expertTp, tpCommOverlap, attention,
                gradReduceBf16, epCommOverlap, cpuOffloadLayers, moeDispatcher};
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < KEYS.size(); i++) out.put(KEYS.get(i), v[i]);
        return out;
    }

    /** Parameters sharded over data parallelism (ZeRO-3 / FSDP). */
    public boolean shardedParams() {
        return optimizer.equals("zero3") || optimizer.equals("fsdp");
    }

    /** This layout with another attention implementation (the trainer resolves {@code auto}). */
    public ParallelConfig withAttention(String a) {
        return new ParallelConfig(tp, pp, vpp, cp, ep, dp, sp, microBatch, globalBatch, recompute, optimizer, precision,
                overlapGradReduce, overlapParamGather, expertTp, tpCommOverlap, a, gradReduceBf16, epCommOverlap, cpuOffloadLayers, moeDispatcher);
    }

    public ParallelConfig withDp(int d) {
        return new ParallelConfig(tp, pp, vpp, cp, ep, d, sp, microBatch, globalBatch, recompute, optimizer, precision,
                overlapGradReduce, overlapParamGather, expertTp, tpCommOverlap, attention, gradReduceBf16, epCommOverlap, cpuOffloadLayers, moeDispatcher);
    }

    static ParallelConfig fromTree(JsonNode p, Path file, String at) {
        if (p == null || !p.isObject())
            throw InputException.at(file, at.isEmpty() ? "parallel" : at.substring(0, at.length() - 1),
                    (p == null ? "missing" : "found " + p) + "; expected a mapping with tp, pp, micro-batch, global-batch, …");
        Fields f = new Fields(p, file, at);
        f.allow(KEYS.toArray(String[]::new));
        int tp = f.positiveInt("tp", 1);
        String opt = f.choice("optimizer", "distributed", OPTIMIZERS);
        return new ParallelConfig(tp, f.positiveInt("pp", 1), f.positiveInt("vpp", 1), f.positiveInt("cp", 1),
                f.positiveInt("ep", 1), f.has("dp") ? f.positiveInt("dp", null) : 0, f.bool("sp", tp > 1),
                f.positiveInt("micro-batch", 1), f.positiveInt("global-batch", null), f.choice("recompute", "none", RECOMPUTE),
                opt, f.choice("precision", "bf16", PRECISIONS), f.bool("overlap-grad-reduce", true),
                f.bool("overlap-param-gather", true), f.positiveInt("expert-tp", 1),
                f.choice("tp-comm-overlap", "auto", List.of("auto", "true", "false")),
                f.choice("attention", "auto", List.of("auto", "flash", "unfused")), f.bool("grad-reduce-in-bf16", f.choice("precision", "bf16", PRECISIONS).equals("fp8")),
                f.bool("ep-comm-overlap", false), f.nonNegativeInt("cpu-offload-layers", 0),
                f.choice("moe-dispatcher", "hierarchical", DISPATCHERS));
    }
}
