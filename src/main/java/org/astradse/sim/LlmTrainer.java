package org.astradse.sim;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.astradse.hw.Cluster;
import org.astradse.hw.GemmModel;
import org.astradse.hw.GpuProfile;
import org.astradse.hw.NcclModel;
import org.astradse.network.Units;
import org.astradse.workload.llm.LlmMath;
import org.astradse.workload.llm.ParallelConfig;
import org.astradse.workload.llm.TrainConfig;
import org.astradse.workload.llm.TransformerModel;
import org.astradse.workload.et.EtNode;
import org.astradse.workload.et.EtWriter;

/**
 * One Megatron-style training iteration on a cluster: what a rank of each pipeline stage executes, timed by the GPU
 * profile's kernel models and the fabric profiles' collective model, run through the pipeline schedule.
 *
 * <p><b>Representative ranks.</b> All ranks of one pipeline stage (its TP, CP, EP and DP peers) execute the same
 * sequence at the same times — their collectives are the group's — so one rank per stage is simulated.
 *
 * <p><b>Per layer and micro-batch</b> (LLM-MODEL.md §2.3, §4): the QKV, output, MLP (or grouped expert) GEMMs on
 * T = b·s/c tokens (backward: a data- and a weight-gradient GEMM each), fused attention (causal: half the
 * s×s work), element-wise work (norms, residuals, activation, FP8 casts) from its HBM bytes; TP collectives
 * (2 all-reduces per direction, or with SP all-gather + reduce-scatter pairs plus the backward's re-gather), pipelined
 * with their GEMMs when TP overlap is on (t chunks: max(gemm, comm) + min/t), exposed otherwise; CP's ring K/V
 * exchange (c−1 steps, hidden behind the attention blocks it feeds); EP's dispatch and combine all-to-all, exposed;
 * full recompute repeats the forward before the backward, selective the attention forward.
 *
 * <p><b>Streams</b> (a semantics choice of the generator, where ASTRA-sim's trace feeder runs one communication at a
 * time per NPU): TP/CP/EP traffic sits on the compute stream as above; PP transfers delay only the dependent
 * micro-batch on the next stage; DP runs on its own stream, gradient buckets reduced as the last micro-batch's
 * backward produces them, the distributed optimizer's parameter gather overlapped with the next forward.
 *
 * <p><b>Pipeline</b>: Megatron's 1F1B (warm-up p−r−1 forwards) or interleaved schedule (warm-up (p−r−1)·2 + (v−1)·p,
 * micro-batches in groups of p per model chunk), executed in order per stage with cross-stage dependencies; the
 * memory of in-flight micro-batches is read off the same schedule.
 */
public final class LlmTrainer {
    private LlmTrainer() {
    }

    /** Gradient bucket of Megatron's DDP: 40 M parameters (LLM-MODEL.md §4.3; unverified). */
    static final double BUCKET_PARAMS = 40e6;
    /**
     * Framework memory beside the tensors: CUDA context, NCCL buffers, workspaces. LLM-MODEL.md §3.3 budgets 3–6 GB
     * plus 5–10 % (unverified); the published runs that fit an 80 GB GPU bound it lower (Nemotron-4 340B on 128 H100,
     * NeMo 24.07, leaves ~3 GiB beside its tensors), so 2 GiB and no fragmentation term.
     */
    static final double FRAMEWORK_BYTES = 2.0 * Units.BINARY_GB_BYTES;

    public static TrainResult run(TrainConfig cfg) {
        return new Run(cfg).result();
    }

    /** Why this layout cannot run at all (degrees, batch, schedule; not memory, which is a result), or null. */
    public static String layoutProblem(TrainConfig cfg) {
        return new Run(cfg).layoutProblem();
    }

    private static final class Run {
        final TransformerModel m;
        final ParallelConfig p;
        final Cluster cl;
        final GpuProfile gpu;
        final GpuProfile.KernelParams kp;
        final int n;
        int dp;
        int mbs; // micro-batches per iteration
        final int t;
        final int c;
        final int e;
        final int te;
        final int pp;
        final int v;
        int edp;
        final double tokens; // b·s/c: tokens of one micro-batch on one rank's CP shard
        final boolean tpOverlap;
        // what every GEMM of the run shares: its precision's peak and element size, the in-step kernel parameters
        final boolean fp8;
        final GpuProfile.GemmParams inStep;
        final double gemmPeak;
        final int gemmBytes;
        // collectives of the run by (op, bytes, group): a layer's TP pair recurs in every layer kind and at the ends
        private final Map<CollKey, Double> colls = new java.util.HashMap<>();
        private final Map<Long, Cluster> groups = new java.util.HashMap<>();
        private double[] head;
        final double peak16;
        double params;
        double active;

        Run(TrainConfig cfg) {
            m = cfg.model();
            // attention auto: 2021–23 Megatron's unfused attention for fp16 runs and on GPUs before FP8 (Ampere and
            // older: Megatron-LM ran without FlashAttention by default there), fused (flash) otherwise
            boolean unfused = cfg.parallel().precision().equals("fp16") || !cfg.cluster().gpu().peakTflops().containsKey("fp8");
            p = cfg.parallel().attention().equals("auto") ? cfg.parallel().withAttention(unfused ? "unfused" : "flash") : cfg.parallel();
            cl = cfg.cluster();
            gpu = cl.gpu();
            kp = gpu.kernels();
            n = cl.totalGpus();
            t = p.tp();
            c = p.cp();
            e = p.ep();
            te = p.expertTp();
            pp = p.pp();
            v = p.vpp();
            tokens = (double) p.microBatch() * m.seqLen() / c;
            // TP overlap (Transformer Engine userbuffers) in the recipes of FP8-capable (Hopper and later) GPUs
            tpOverlap = p.tpCommOverlap().equals("auto") ? gpu.peakTflops().containsKey("fp8") : p.tpCommOverlap().equals("true");
            peak16 = gpu.peakTflops("bf16");
            fp8 = p.precision().equals("fp8");
            GpuProfile.GemmParams g = gpu.gemm();
            inStep = new GpuProfile.GemmParams(kp.kernelFloorUs(), g.maxEfficiency() * (fp8 ? kp.fp8GemmEfficiency() : 1),
                    g.tileIntensity(), g.inputBwEfficiency(), g.exposedWriteFraction(), g.splitKFixupUs(), g.fittedOn());
            gemmPeak = fp8 ? gpu.peakTflops("fp8") : peak16;
            gemmBytes = fp8 ? 1 : 2;
            params = LlmMath.totalParams(m);
            active = LlmMath.activeParams(m);
        }

        TrainResult result() {
            String why = layoutProblem();
            if (why != null) return TrainResult.infeasible(why, n, dp, mbs, params, active, Map.of(), Double.NaN);
            return simulate();
        }

        /** The layout rules a Megatron run checks at start-up; null when the layout can run. */
        String layoutProblem() {
            long inner = p.modelParallel();
            if (p.dp() > 0) {
                dp = p.dp();
                if (inner * dp != n)
                    return String.format(Locale.ROOT, "dp·tp·pp·cp = %d·%d·%d·%d = %d ≠ the cluster's %d GPUs", dp, t, pp, c, inner * dp, n);
            } else {
                if (n % inner != 0)
                    return String.format(Locale.ROOT, "tp·pp·cp = %d·%d·%d = %d does not divide the cluster's %d GPUs", t, pp, c, inner, n);
                dp = (int) p.dpOn(n);
            }
            if (m.heads() % t != 0) return "tp " + t + " does not divide heads " + m.heads();
            if (m.kvHeads() % t != 0) return "tp " + t + " does not divide kv-heads " + m.kvHeads();
            stageLayers = layersPerStage(m.pipelineLayers(), pp * v);
            if (stageLayers == null)
                return "pp·vpp = " + pp + "·" + v + " = " + (pp * v) + " does not divide layers " + m.pipelineLayers()
                        + (m.mtpLayers() > 0 ? " (" + m.layers() + " + " + m.mtpLayers() + " multi-token-prediction)" : "")
                        + " (nor layers + 1 or + 2, Megatron's split counting the loss and the embedding as layers)";
            if (m.mtpLayers() > 0 && stageLayers[pp * v - 1] < m.mtpLayers())
                return "the last pipeline stage holds " + stageLayers[pp * v - 1] + " layers, fewer than mtp-layers "
                        + m.mtpLayers() + " (multi-token prediction sits on the last stage)";
            stageStart = new int[pp * v];
            for (int gs = 1; gs < pp * v; gs++) stageStart[gs] = stageStart[gs - 1] + stageLayers[gs - 1];
            if (v > 1 && pp == 1) return "vpp " + v + " needs pp > 1 (interleaving splits a pipeline rank's layers)";
            long perStep = (long) p.microBatch() * dp;
            if (p.globalBatch() % perStep != 0)
                return "global-batch " + p.globalBatch() + " is not a multiple of micro-batch·dp = " + p.microBatch() + "·" + dp
                        + " = " + perStep;
            // the schedule is executed step by step: a pipeline rank's steps (micro-batches × model chunks, forward and
            // backward) are kept in memory, so an iteration of millions of micro-batches is refused, not run out of memory
            if (p.globalBatch() / perStep * v > MAX_SCHEDULE_STEPS)
                return String.format(Locale.ROOT, "global-batch %d gives %d micro-batches per pipeline (× vpp %d), more than "
                        + "the %,d the schedule is executed for", p.globalBatch(), p.globalBatch() / perStep, v, MAX_SCHEDULE_STEPS);
            mbs = (int) (p.globalBatch() / perStep);
            // Megatron's interleaved schedule runs micro-batches in groups of pp per model chunk: it refuses fewer
            // micro-batches than pp and a count that is not a multiple of pp
            if (v > 1 && (mbs < pp || mbs % pp != 0))
                return "the interleaved schedule (vpp " + v + ") needs the micro-batches (global-batch / (micro-batch·dp) = "
                        + mbs + ") to be a multiple of pp " + pp;
            if (c > 1 && m.seqLen() % (2L * c) != 0)
                return "seq-len " + m.seqLen() + " is not a multiple of 2·cp = " + (2 * c) + " (CP splits the sequence in 2·cp chunks)";
            // a micro-batch's tokens are the M dimension of every GEMM of the layer (the GEMM model's bound, 2^31)
            double mbTokens = (double) p.microBatch() * m.seqLen() / c;
            if (mbTokens >= 0x1p31)
                return String.format(Locale.ROOT, "micro-batch·seq-len/cp = %d·%d/%d = %,.0f tokens per micro-batch and rank, "
                        + "2^31 or more (a GEMM dimension)", p.microBatch(), m.seqLen(), c, mbTokens);
            if (!m.moe() && e > 1) return "ep " + e + " on a dense model (experts 0)";
            if (!m.moe() && te > 1) return "expert-tp " + te + " on a dense model (experts 0)";
            // Megatron's sequence parallelism splits the sequence over the TP ranks (its argument check: seq_length
            // divisible by tensor_model_parallel_size)
            if (p.sp() && t > 1 && m.seqLen() / c % t != 0)
                return "seq-len " + m.seqLen() + (c > 1 ? " / cp " + c : "") + " is not a multiple of tp " + t
                        + " (sequence parallelism splits the sequence over the TP ranks)";
            if (m.moe()) {
                if (m.experts() % e != 0) return "ep " + e + " does not divide experts " + m.experts();
                long slice = (long) t * c * dp;
                if (slice % ((long) te * e) != 0)
                    return "expert-tp·ep = " + te + "·" + e + " = " + (te * e) + " does not divide tp·cp·dp = " + slice;
                edp = (int) (slice / ((long) te * e));
                if (m.expertFfnHidden() % te != 0) return "expert-tp " + te + " does not divide expert-ffn-hidden " + m.expertFfnHidden();
            }
            if (m.ffnHidden() % t != 0 && (!m.moe() || m.denseLayers() > 0))
                return "tp " + t + " does not divide ffn-hidden " + m.ffnHidden();
            // Megatron-Core's --cpu-offloading-num-layers counts a pipeline rank's layers: more than it holds is a typo
            int perRank = 0;
            for (int r = 0; r < pp; r++) {
                int held = 0;
                for (int k = 0; k < v; k++) held += stageLayers[k * pp + r];
                perRank = Math.max(perRank, held);
            }
            if (p.cpuOffloadLayers() > perRank)
                return "cpu-offload-layers " + p.cpuOffloadLayers() + " is more than the " + perRank + " layers a pipeline rank holds";
            return null;
        }

        // ---- kernels ----

        /** One GEMM's GPU time inside a training step, ns. */
        double gemm(double mm, double nn, double kk) {
            return grouped(mm, nn, kk, 1);
        }

        /** {@code groups} GEMMs of one shape in one kernel (GemmModel's grouped GEMM), ns. */
        double grouped(double mm, double nn, double kk, long groups) {
            long M = Math.max(1, Math.round(mm));
            long N = Math.max(1, Math.round(nn));
            long K = Math.max(1, Math.round(kk));
            double us = GemmModel.time(inStep, gpu.sms(), gemmPeak, gpu.hbmGBps(), M, N, K, gemmBytes, groups).timeUs();
            return Units.microsToNanos(us) / kp.stepEfficiency();
        }

        /**
         * As {@link #gemmFb} for {@code groups} experts' GEMMs of this shape in one grouped kernel each: the forward, the
         * data gradient and the weight gradient (each expert's own, over its own tokens).
         */
        double[] groupedFb(double mm, double nn, double kk, long groups) {
            double dgrad = grouped(mm, kk, nn, groups);
            double wgrad = grouped(kk, nn, mm, groups);
            return new double[] {grouped(mm, nn, kk, groups), dgrad + wgrad, dgrad, wgrad};
        }

        /**
         * Forward, backward (data + weight gradient), data gradient and weight gradient of one GEMM of the forward's
         * shape [M,K]·[K,N], ns.
         */
        double[] gemmFb(double mm, double nn, double kk) {
            double dgrad = gemm(mm, kk, nn);
            double wgrad = gemm(kk, nn, mm);
            return new double[] {gemm(mm, nn, kk), dgrad + wgrad, dgrad, wgrad};
        }

        /** A memory-bound kernel moving {@code bytes}, ns. */
        double memBound(double bytes) {
            double s = bytes / (Units.decimalGBpsToBytesPerSecond(gpu.hbmGBps()) * kp.memoryEfficiency());
            return Math.max(Units.secondsToNanos(s), bytes > 0 ? Units.microsToNanos(kp.kernelFloorUs()) : 0) / kp.stepEfficiency();
        }

        /** A collective on a group of {@code size} ranks {@code stride} apart, ns (NcclModel, NCCL's choice of algorithm). */
        double coll(String op, double bytes, long stride, long size) {
            if (size <= 1 || bytes <= 0) return 0;
            long b = Math.round(bytes);
            return colls.computeIfAbsent(new CollKey(op, b, stride, size), k -> Units.microsToNanos(
                    NcclModel.time(group(stride, size), op, b, "auto").timeUs()));
        }

        /** The footprint of a group of {@code size} ranks {@code stride} apart ({@link Cluster#group}), cached. */
        Cluster group(long stride, long size) {
            return groups.computeIfAbsent(stride << 32 | size, g -> cl.group(stride, size));
        }

        /**
         * What a TP collective adds to the GEMM it feeds or follows: all of it, or with TP overlap (Transformer
         * Engine userbuffers, SP only) the excess of the two pipelined in t chunks plus one chunk's fill.
         */
        double tpExposed(double g, double comm) {
            if (comm <= 0) return 0;
            return tpOverlap && p.sp() ? Math.max(g, comm) + Math.min(g, comm) / t - g : comm;
        }

        // ---- one layer, one micro-batch ----

        /** The blocks of the layer {@link #layer} computed last: attention and MLP compute, forward and backward, ns. */
        double[] lastBlocks;
        /** The host waiting of the MoE layer {@link #layer} computed last, per micro-batch (its recomputed forward too), ns. */
        double lastMoeWait;

        /** Element-wise sum of two {forward, backward, dgrad, wgrad} GEMM times. */
        static double[] sum(double[] x, double[] y) {
            double[] r = new double[x.length];
            for (int i = 0; i < x.length; i++) r[i] = x[i] + y[i];
            return r;
        }

        /**
         * Key and value elements per token that one rank's CP ring passes: its TP shard's heads only — g/t KV heads of
         * 2d (TP splits the query groups; the layout check makes t divide g), or with MLA its a/t heads' K and V.
         * (Megatron-Core's ring attention exchanges the local K/V tensors, which TP has already split by head.)
         */
        double kvWidth() {
            return m.mla() == null ? 2.0 * m.kvHeads() / t * m.headDim() : (double) m.heads() / t * (m.qkDim() + m.vDim());
        }

        /** Forward / backward times of one layer on one micro-batch: {compute, tp, cp, ep, dp} each. */
        double[][] layer(boolean moeLayer) {
            double h = m.hidden();
            double ad = (double) m.heads() * m.headDim();
            double gd = (double) m.kvHeads() * m.headDim();
            double T = tokens;
            double Tsp = p.sp() ? T / t : T;
            double act = T * h * 2; // the activation tensor A of the micro-batch's shard (bf16), bytes
            boolean fp8 = p.precision().equals("fp8");

            // GEMMs: forward time, backward time
            double[] qkv;
            double[] o;
            TransformerModel.Mla mla = m.mla();
            if (mla == null) {
                qkv = gemmFb(T, (ad + 2 * gd) / t, h);
                o = gemmFb(T, h, ad / t);
            } else {
                // MLA: the latents' down-projections are replicated on the TP ranks, the up-projections split by head
                double a = m.heads();
                qkv = mla.qLoraRank() > 0
                        ? sum(gemmFb(T, mla.qLoraRank(), h), gemmFb(T, a * m.qkDim() / t, mla.qLoraRank()))
                        : gemmFb(T, a * m.qkDim() / t, h);
                qkv = sum(qkv, sum(gemmFb(T, mla.kvLoraRank() + mla.ropeDim(), h),
                        gemmFb(T, a * (m.headDim() + m.vDim()) / t, mla.kvLoraRank())));
                o = gemmFb(T, h, a * m.vDim() / t);
            }
            double[] up;
            double[] down;
            double moeExtraF = 0;
            double moeExtraB = 0;
            double tokensRank = 0;
            if (moeLayer) {
                int local = m.experts() / e;
                double perInstance = (double) p.microBatch() * m.seqLen() * dp * m.topk() / ((double) m.experts() * edp);
                double rows = Math.max(1, perInstance) * local;
                double fe = m.expertFfnHidden();
                // one grouped GEMM over the local experts, each on its balanced share of the tokens
                up = groupedFb(Math.max(1, perInstance), (m.gatedMlp() ? 2 : 1) * fe / te, h, local);
                down = groupedFb(Math.max(1, perInstance), h, fe / te, local);
                double[] router = gemmFb(Tsp, m.experts(), h);
                moeExtraF = router[0];
                moeExtraB = router[1];
                if (m.sharedExperts() > 0) {
                    double[] su = gemmFb(T, (m.gatedMlp() ? 2 : 1) * fe * m.sharedExperts() / t, h);
                    double[] sd = gemmFb(T, h, fe * m.sharedExperts() / t);
                    moeExtraF += su[0] + sd[0];
                    moeExtraB += su[1] + sd[1];
                }
                // permutation of the dispatched tokens (read + write, in and out) and the expert activation
                tokensRank = (double) p.microBatch() * m.seqLen() * te / ((double) t * c);
                double permute = 4 * tokensRank * m.topk() * h * 2;
                double actFn = rows * fe / te * 2 * (m.gatedMlp() ? 3 : 2);
                moeExtraF += memBound(permute + actFn);
                moeExtraB += memBound(2 * (permute + actFn));
            } else {
                up = gemmFb(T, (m.gatedMlp() ? 2 : 1) * (double) m.ffnHidden() / t, h);
                down = gemmFb(T, h, (double) m.ffnHidden() / t);
            }
            // fused attention: causal, so half of the 4·T·s·a·d/t forward FLOPs; backward 2× the forward's FLOPs
            double attnFlops = 2 * T * m.seqLen() * LlmMath.attentionCoreWidth(m) / t * 0.5;
            double attnF;
            double attnB;
            if (p.attention().equals("flash")) {
                double rate = Units.tflopsToFlopsPerSecond(peak16) * kp.stepEfficiency();
                attnF = Units.secondsToNanos(attnFlops / (rate * kp.attentionForward()));
                attnB = Units.secondsToNanos(2 * attnFlops / (rate * kp.attentionBackward()));
            } else {
                // 2022 Megatron: batched QKᵀ and AV GEMMs over every key (no causal skip), the scores through HBM
                double heads = (double) p.microBatch() * m.heads() / t;
                double sq = T / p.microBatch();
                double g1 = gemm(sq, m.seqLen(), m.qkDim()) + gemm(sq, m.vDim(), m.seqLen());
                double scores = heads * sq * m.seqLen() * 2;
                attnF = heads * g1 + memBound(scores * 6);
                attnB = 2 * heads * g1 + memBound(scores * 8);
            }
            attnF = Math.max(attnF, Units.microsToNanos(kp.kernelFloorUs()) / kp.stepEfficiency());
            attnB = Math.max(attnB, Units.microsToNanos(kp.kernelFloorUs()) / kp.stepEfficiency());
            // element-wise: norms, residual adds and dropouts on the SP shard; the MLP activation on the TP shard
            double ewBytes = 2 * (Tsp * h * 12 + (moeLayer ? 0 : T * (m.gatedMlp() ? 3 : 2) * (double) m.ffnHidden() / t));
            if (fp8) ewBytes += 3 * (T * h * 2 + T * ad / t + (moeLayer ? 0 : T * (double) m.ffnHidden() / t));
            double ewF = memBound(ewBytes);
            double ewB = memBound(2 * ewBytes);

            // TP collectives (LLM-MODEL.md §4.1): with SP an all-gather before QKV and the MLP's first GEMM, a
            // reduce-scatter after the output projection and the MLP's last; backward the mirror plus the re-gather
            // of the SP input for the weight gradients. Without SP an all-reduce after each forward pair, before
            // each backward pair. A MoE layer's MLP keeps its tokens sequence-sharded (no TP collective around it).
            double ag = 0;
            double rs = 0;
            double ar = 0;
            if (t > 1) {
                if (p.sp()) {
                    ag = coll("all_gather", act, 1, t);
                    rs = coll("reduce_scatter", act, 1, t);
                } else {
                    ar = coll("all_reduce", act, 1, t);
                }
            }
            boolean mlpTp = !moeLayer || te > 1;
            double tpF;
            double computeF = qkv[0] + o[0] + up[0] + down[0] + attnF + ewF + moeExtraF;
            double computeB = qkv[1] + o[1] + up[1] + down[1] + attnB + ewB + moeExtraB;
            // the layer's two blocks (attention, MLP), for the Chakra export: its compute split where its collectives sit
            double aF = qkv[0] + attnF + o[0] + ewF / 2;
            double aB = qkv[1] + attnB + o[1] + ewB / 2;
            double recomputeA = p.recompute().equals("full") ? aF : p.recompute().equals("selective") ? attnF : 0;
            double recomputeM = p.recompute().equals("full") ? computeF - aF : 0;
            lastBlocks = new double[] {aF, computeF - aF, aB + recomputeA, computeB - aB + recomputeM};
            // backward (Megatron's LinearWithGradAccumulationAndAsyncCommunication): a column-parallel GEMM's
            // backward launches the SP re-gather of its input beside its data-gradient GEMM and the reduce-scatter
            // (without SP: the all-reduce) of that gradient beside its weight-gradient GEMM; only the excess is
            // exposed. The row-parallel GEMM's backward first gathers its output gradient (SP), like a forward gather.
            double tpB;
            if (p.sp()) {
                tpF = tpExposed(qkv[0], ag) + tpExposed(o[0], rs) + (mlpTp ? tpExposed(up[0], ag) + tpExposed(down[0], rs) : 0);
                tpB = tpExposed(o[2], ag) + Math.max(0, ag - qkv[2]) + Math.max(0, rs - qkv[3]);
                if (mlpTp) tpB += tpExposed(down[2], ag) + Math.max(0, ag - up[2]) + Math.max(0, rs - up[3]);
            } else {
                tpF = (mlpTp ? 2 : 1) * ar;
                tpB = Math.max(0, ar - qkv[3]) + (mlpTp ? Math.max(0, ar - up[3]) : 0);
            }
            return finish(computeF, tpF, computeB, tpB, attnF, attnB, moeLayer, tokensRank);
        }

        double[][] finish(double computeF, double tpF, double computeB, double tpB, double attnF, double attnB, boolean moeLayer,
                          double tokensRank) {
            // CP: ring attention passes K and V (2·(s/c)·g·d·2 bytes per micro-batch sequence) c−1 times, each step
            // hidden behind the attention block it feeds; backward passes K, V and their gradients
            double cpF = 0;
            double cpB = 0;
            if (c > 1) {
                double kv = tokens * kvWidth() * 2;
                double step = coll("sendrecv", kv, t, c);
                cpF = Math.max(0, (c - 1) * step - attnF * (c - 1) / c);
                cpB = Math.max(0, (c - 1) * 2 * step - attnB * (c - 1) / c);
            }
            // EP: dispatch and combine all-to-all of the k copies of each token, forward and backward
            double epF = 0;
            double epB = 0;
            if (moeLayer && e > 1) {
                double bytes = tokensRank * m.topk() * m.hidden() * 2;
                double a2a = p.moeDispatcher().equals("hierarchical") ? hierarchicalAllToAll(tokensRank) : coll("alltoall", bytes, te, e);
                epF = 2 * a2a;
                epB = 2 * a2a;
                // overlapped, one micro-batch's forward all-to-all hides behind another's backward compute of the layer
                // and vice versa (1F1B pairs a forward with a backward in the steady state); only the excess is exposed
                if (p.epCommOverlap()) epF = Math.max(0, epF - computeB);
            }
            // the host floor of a MoE layer's forward (GpuProfile.KernelParams.moeHostUs): Megatron-Core's token
            // dispatcher reads the router's per-expert token counts on the host (a device-to-host synchronisation: the
            // host's lead over the GPU is gone) before it can size the all-to-all and the grouped GEMM, so the GPU then
            // waits for the host to issue the rest of the layer and the next layer's attention. A short forward —
            // few tokens per micro-batch, fast GPUs — takes the host's time instead; the waiting is compute-stream time.
            // The backward has no such synchronisation (the splits are known) and stays GPU-bound.
            if (moeLayer) {
                double wait = Units.microsToNanos(kp.moeHostUs()) - (computeF + tpF + cpF + epF);
                lastMoeWait = Math.max(0, wait) * (p.recompute().equals("full") ? 2 : 1);
                if (wait > 0) {
                    computeF += wait;
                    // the export carries the trainer's compute: its MLP block of the forward waits too, and so does its
                    // recomputed copy (full recompute)
                    lastBlocks[1] += wait;
                    if (p.recompute().equals("full")) lastBlocks[3] += wait;
                }
            }
            // the backward's all-to-all hides behind the other micro-batch's forward, its host waiting included
            if (moeLayer && e > 1 && p.epCommOverlap()) epB = Math.max(0, epB - computeF);
            // recompute: full repeats the forward (its collectives too) before the backward; selective the attention
            // (each part in its own column: the recomputed forward's collectives are communication, not compute)
            boolean full = p.recompute().equals("full");
            double again = full ? computeF : p.recompute().equals("selective") ? attnF : 0;
            return new double[][] {{computeF, tpF, cpF, epF, 0},
                    {computeB + again, tpB + (full ? tpF : 0), cpB + (full ? cpF : 0), epB + (full ? epF : 0), 0}};
        }

        /**
         * One dispatch (or combine) of a hierarchical dispatcher (DeepEP's normal kernels, Megatron-Core's HybridEP), ns:
         * a token goes once to each other scale-up domain that holds one of its k experts — to the rank with the same
         * local index there — and that rank fans it out over its domain's scale-up links, the two pipelined (the slower
         * is the time). With balanced routing over E experts spread evenly on the g domains the EP group spans, a domain
         * holds none of a token's k (distinct) experts with probability Π_{i<k} (E − E/g − i) / (E − i), so a token
         * crosses the scale-out network (g − 1)·(1 − that) times instead of k·(g − 1)/g. Inside one domain (g = 1) it is
         * the plain all-to-all.
         */
        double hierarchicalAllToAll(double tokensRank) {
            double copies = tokensRank * m.topk() * m.hidden() * 2; // bytes of every copy: what the plain all-to-all sends
            long r = group(te, e).ranksPerDomain(); // EP ranks per scale-up domain
            long g = (e + r - 1) / r;
            if (g <= 1) return coll("alltoall", copies, te, e);
            double none = 1;
            double experts = m.experts();
            for (int i = 0; i < m.topk(); i++) none *= Math.max(0, experts - experts / g - i) / (experts - i);
            // the all-to-all among the g same-index ranks: a buffer of g·(1 − none) tokens sends (g − 1)·(1 − none) away
            double across = coll("alltoall", tokensRank * m.hidden() * 2 * g * (1 - none), (long) te * r, g);
            double inside = coll("alltoall", copies, te, r);
            return Math.max(across, inside);
        }

        // ---- parameters per stage ----

        /** Parameters one rank of a global stage (chunk) holds: {dense part, expert part}. */
        double[] chunkParams(int gs) {
            double dense = 0;
            double expert = 0;
            for (int i = stageStart[gs]; i < stageStart[gs] + stageLayers[gs]; i++) {
                double rep = LlmMath.attentionParamsReplicated(m); // MLA's latent projections: whole on every TP rank
                dense += (LlmMath.attentionParams(m) - rep + LlmMath.normParams(m)) / t + rep;
                if (m.moeLayer(i)) {
                    expert += (double) m.experts() / e * LlmMath.mlpParams(m, m.expertFfnHidden()) / te;
                    dense += m.sharedExperts() * LlmMath.mlpParams(m, m.expertFfnHidden()) / t + (double) m.hidden() * m.experts();
                } else {
                    dense += LlmMath.mlpParams(m, m.ffnHidden()) / t;
                }
                if (i >= m.layers()) dense += 2.0 * m.hidden() * m.hidden() / t; // an MTP module's projection
            }
            double emb = (double) m.vocab() * m.hidden() / t;
            if (gs == 0) dense += emb;
            // the output layer; tied, a copy of the embedding on the last stage — the same tensor when one stage has both
            if (gs == pp * v - 1 && !(m.tiedEmbeddings() && pp * v == 1)) dense += emb;
            // multi-token prediction embeds its shifted tokens: a copy of the embedding on the last stage (pp > 1)
            if (gs == pp * v - 1 && m.mtpLayers() > 0 && pp * v > 1 && !m.tiedEmbeddings()) dense += emb;
            return new double[] {dense, expert};
        }

        // ---- the iteration ----

        TrainResult simulate() {
            int stages = pp * v;
            double[][] denseL = layer(false);
            double[][] moeL = m.moe() ? layer(true) : denseL;
            double moeWait = m.moe() ? lastMoeWait : 0;
            // per global stage: forward and backward parts {compute, tp, cp, ep, dp}
            double[][] fPart = new double[stages][5];
            double[][] bPart = new double[stages][5];
            double[] actChunk = new double[stages];
            double[][] cparams = new double[stages][];
            double zeroDpLast = 0;
            int[] offloaded = new int[pp]; // per pipeline rank, layers whose activations went to host memory so far
            double hostBytesPerNs = Units.decimalGBpsToBytesPerNs(kp.hostLinkGBps());
            for (int gs = 0; gs < stages; gs++) {
                cparams[gs] = chunkParams(gs);
                int lc = stageLayers[gs];
                int r = gs % pp;
                double inTransit = 0;
                for (int i = stageStart[gs]; i < stageStart[gs] + lc; i++) {
                    boolean moe = m.moeLayer(i);
                    double[][] l = moe ? moeL : denseL;
                    for (int k = 0; k < 5; k++) {
                        fPart[gs][k] += l[0][k];
                        bPart[gs][k] += l[1][k];
                    }
                    double act = LlmMath.activationBytesPerLayer(m, p, i, tokens);
                    if (offloaded[r] < p.cpuOffloadLayers()) {
                        // offloaded (Megatron-Core's CPU offloading): copied out during the next layer's forward and back
                        // during the backward ahead of need, so HBM holds it only while in transit (one layer's worth);
                        // a copy longer than the compute it hides behind is exposed (counted as compute)
                        offloaded[r]++;
                        inTransit = Math.max(inTransit, act);
                        double copyNs = act / hostBytesPerNs;
                        fPart[gs][0] += Math.max(0, copyNs - l[0][0]);
                        bPart[gs][0] += Math.max(0, copyNs - l[1][0]);
                    } else {
                        actChunk[gs] += act;
                    }
                }
                actChunk[gs] += inTransit;
                if (p.shardedParams() && lc > 0) {
                    // ZeRO-3 / FSDP: each layer's weights gathered before its forward and again before its backward,
                    // its gradients reduce-scattered after, prefetched behind the neighbouring layer's compute
                    double[] cp = cparams[gs];
                    double wBytes = (cp[0] + cp[1]) * 2 / lc;
                    double gBytes = (cp[0] + cp[1]) * gradBytes() / lc;
                    // nccl-tests sizes: the whole gathered (reduced) tensor
                    double agT = coll("all_gather", wBytes, t, dpGroupSize());
                    double rsT = coll("reduce_scatter", gBytes, t, dpGroupSize());
                    double fl = fPart[gs][0] / lc;
                    double bl = bPart[gs][0] / lc;
                    fPart[gs][4] += lc * Math.max(0, agT - fl);
                    bPart[gs][4] += lc * Math.max(0, agT + rsT - bl);
                    zeroDpLast = Math.max(zeroDpLast, rsT);
                }
            }
            addEmbeddingAndLoss(fPart, bPart, stages);
            double[] fDur = new double[stages];
            double[] bDur = new double[stages];
            for (int gs = 0; gs < stages; gs++) {
                for (int k = 0; k < 5; k++) {
                    fDur[gs] += fPart[gs][k];
                    bDur[gs] += bPart[gs][k];
                }
            }
            // PP: the boundary activation of one micro-batch, sharded by TP (SP, or Megatron's scatter/gather)
            double p2pBytes = tokens * m.hidden() * 2 / t;
            double p2p = pp > 1 ? coll("sendrecv", p2pBytes, (long) t * c * dp, 2) : 0;
            int[][] orders = new int[pp][];
            for (int r = 0; r < pp; r++) orders[r] = Schedule.order(r, pp, v, mbs);
            Schedule ideal = Schedule.run(pp, v, mbs, orders, fDur, bDur, 0, actChunk);
            Schedule real = p2p == 0 ? ideal : Schedule.run(pp, v, mbs, orders, fDur, bDur, p2p, actChunk);
            if (real == null || ideal == null)
                return TrainResult.infeasible("the interleaved schedule cannot order " + mbs + " micro-batches on pp " + pp
                        + " × vpp " + v, n, dp, mbs, params, active, Map.of(), Double.NaN);

            // DP: per stage, each chunk's gradients reduced as its last backward produces them (own stream)
            double iteration = 0;
            double[] stageEnd = new double[pp];
            double[] dpExposed = new double[pp];
            double[] optT = new double[pp];
            for (int r = 0; r < pp; r++) {
                double computeEnd = real.stageEnd[r];
                double free = 0;
                double agTotal = 0;
                double firstForward = 0;
                for (int ch = 0; ch < v; ch++) firstForward += fDur[ch * pp + r];
                double stageParams = 0;
                double shardParams = 0;
                // chunks finish their last backward in reverse order (the last chunk's first)
                for (int ch = v - 1; ch >= 0; ch--) {
                    int gs = ch * pp + r;
                    double[] cp = cparams[gs];
                    stageParams += cp[0] + cp[1];
                    shardParams += cp[0] / dpGroupSize() + (m.moe() ? cp[1] / Math.max(1, edp) : 0);
                    if (p.shardedParams()) continue;
                    double rsT = gradReduce(cp);
                    agTotal += paramGather(cp);
                    double bucketFrac = Math.min(1, BUCKET_PARAMS / Math.max(1, cp[0] + cp[1]));
                    double s0 = real.lastBackwardStart[gs];
                    double s1 = real.lastBackwardEnd[gs];
                    if (p.overlapGradReduce()) {
                        double start = Math.max(free, s0);
                        free = Math.max(start + rsT, s1 + rsT * bucketFrac);
                    } else {
                        free = Math.max(free, computeEnd) + rsT;
                    }
                }
                double end = Math.max(computeEnd, free) + (p.shardedParams() ? zeroDpLast : 0);
                // the embedding's gradient on the first stage and its copy on the last (tied output layer, or the
                // multi-token-prediction modules' embedding) are all-reduced between them
                if ((m.tiedEmbeddings() || m.mtpLayers() > 0) && pp > 1 && (r == 0 || r == pp - 1))
                    end += coll("all_reduce", (double) m.vocab() * m.hidden() / t * gradBytes(), (long) t * c * dp * (pp - 1), 2);
                double agExposed = 0;
                if (agTotal > 0) {
                    double bucketFrac = Math.min(1, BUCKET_PARAMS / Math.max(1, stageParams));
                    agExposed = p.overlapParamGather() ? Math.max(agTotal * bucketFrac, agTotal - firstForward) : agTotal;
                }
                // optimizer: fp32 master, two moments (read + write), the gradient read, the 16-bit weight written
                // (plain DDP: every rank updates all its parameters; a sharded optimizer its shard)
                double opt = memBound((p.optimizer().equals("none") ? stageParams : shardParams) * 30);
                dpExposed[r] = end - computeEnd + agExposed;
                optT[r] = opt;
                stageEnd[r] = end + agExposed + opt;
                if (stageEnd[r] > iteration) {
                    iteration = stageEnd[r];
                }
            }

            // memory: the worst stage
            double worst = -1;
            Map<String, Double> mem = null;
            for (int r = 0; r < pp; r++) {
                Map<String, Double> mm = memory(r, cparams, real.peakActivation[r]);
                double total = mm.values().stream().mapToDouble(Double::doubleValue).sum();
                if (total > worst) {
                    worst = total;
                    mem = mm;
                }
            }
            // a configuration above the GPU's memory is infeasible, but keeps its times: what it would take if it fit
            double capacity = gpu.hbmCapacityBytes();
            String tooBig = worst <= capacity ? "" : String.format(Locale.ROOT, "memory %.1f GiB per GPU exceeds the %s's %.0f GiB "
                            + "(weights %.1f, gradients %.1f, optimizer %.1f, activations %.1f, other %.1f GiB)",
                    gib(worst), gpu.name(), gpu.hbmGB(), gib(mem.get("weights")), gib(mem.get("gradients")),
                    gib(mem.get("optimizer")), gib(mem.get("activations")), gib(mem.get("other")));

            // the breakdown on the bottleneck stage — the one with the most work of its own (the stage that finishes
            // last may be a light one waiting for it, e.g. DeepSeek-V3's dense first stage); what it does not spend
            // working, transferring or reducing is bubble, so the parts add up to the iteration
            int b = 0;
            double most = -1;
            for (int r = 0; r < pp; r++) {
                double w = 0;
                for (int ch = 0; ch < v; ch++) w += fDur[ch * pp + r] + bDur[ch * pp + r];
                if (w > most) {
                    most = w;
                    b = r;
                }
            }
            double compute = 0;
            double tp = 0;
            double cp = 0;
            double ep = 0;
            double dpIn = 0;
            for (int ch = 0; ch < v; ch++) {
                int gs = ch * pp + b;
                compute += mbs * (fPart[gs][0] + bPart[gs][0]);
                tp += mbs * (fPart[gs][1] + bPart[gs][1]);
                cp += mbs * (fPart[gs][2] + bPart[gs][2]);
                ep += mbs * (fPart[gs][3] + bPart[gs][3]);
                dpIn += mbs * (fPart[gs][4] + bPart[gs][4]);
            }
            double busy = compute + tp + cp + ep + dpIn;
            double ppT = Math.max(0, real.stageEnd[b] - ideal.stageEnd[b]);
            double bubble = Math.max(0, iteration - busy - ppT - dpExposed[b] - optT[b]);
            double tokensIter = (double) p.globalBatch() * m.seqLen();
            double seconds = Units.nanosToSeconds(iteration);
            double flops = LlmMath.modelFlopsPerToken(m, true) * tokensIter;
            double flopsNc = LlmMath.modelFlopsPerToken(m, false) * tokensIter;
            double tflops = Units.flopsPerSecondToTflops(flops / seconds / n);
            // the bottleneck stage's host waiting (part of its compute): its MoE layers' floors over the micro-batches
            double hostWait = 0;
            for (int ch = 0; ch < v; ch++) {
                int gs = ch * pp + b;
                for (int i = stageStart[gs]; i < stageStart[gs] + stageLayers[gs]; i++) if (m.moeLayer(i)) hostWait += mbs * moeWait;
            }
            double[] stageCompute = new double[pp];
            for (int r = 0; r < pp; r++)
                for (int ch = 0; ch < v; ch++) stageCompute[r] += mbs * (fPart[ch * pp + r][0] + bPart[ch * pp + r][0]);
            return new TrainResult(tooBig.isEmpty(), tooBig, iteration, tokensIter / seconds / n, tflops, tflops / peak16, worst, mem, compute,
                    bubble, tp, cp, ep, ppT, dpExposed[b] + dpIn, optT[b], flops, flopsNc, n, dp, mbs, params,
                    active, stageCompute, hostWait);
        }

        int dpGroupSize() {
            return dp * c; // weights are the same on DP and CP ranks: gradients reduce over DP×CP
        }

        double gradBytes() {
            return p.gradReduceBf16() ? 2 : 4;
        }

        /** Layers of each global stage (model chunk) and its first layer: even, or Megatron's uneven split. */
        int[] stageLayers;
        int[] stageStart;

        /** Reduce of one chunk's gradients: all-reduce (plain DDP) or reduce-scatter (sharded optimizer), ns. */
        double gradReduce(double[] cp) {
            String op = p.optimizer().equals("none") ? "all_reduce" : "reduce_scatter";
            double t1 = coll(op, cp[0] * gradBytes(), t, dpGroupSize());
            double t2 = m.moe() ? coll(op, cp[1] * gradBytes(), (long) te * e, edp) : 0;
            return t1 + t2;
        }

        /** The distributed optimizer's all-gather of updated 16-bit parameters, ns (0 without one). */
        double paramGather(double[] cp) {
            if (p.optimizer().equals("none")) return 0;
            return coll("all_gather", cp[0] * 2, t, dpGroupSize()) + (m.moe() ? coll("all_gather", cp[1] * 2, (long) te * e, edp) : 0);
        }

        /** Embedding lookup on the first stage, logits and loss on the last (LLM-MODEL.md §2.1, §3.2). */
        void addEmbeddingAndLoss(double[][] f, double[][] b, int stages) {
            double T = tokens;
            double h = m.hidden();
            double act = T * h * 2;
            double emb = memBound(T * h * 2 * 2);
            f[0][0] += emb;
            b[0][0] += emb;
            if (t > 1) f[0][1] += coll(p.sp() ? "reduce_scatter" : "all_reduce", act, 1, t);
            double[] head = headAndLoss();
            f[stages - 1][0] += head[0];
            b[stages - 1][0] += head[1];
            if (t > 1 && p.sp()) {
                f[stages - 1][1] += coll("all_gather", act, 1, t);
                b[stages - 1][1] += coll("reduce_scatter", act, 1, t);
            }
        }

        /**
         * The last stage's output head and loss, forward and backward, ns: the logits GEMM and the fp32 cross-entropy,
         * once more per multi-token-prediction module with its 2h → h projection.
         */
        double[] headAndLoss() {
            if (head != null) return head;
            double T = tokens;
            double h = m.hidden();
            double[] logits = gemmFb(T, (double) m.vocab() / t, h);
            double loss = memBound(logitsBytes() * 3);
            int k = m.mtpLayers();
            double[] proj = k > 0 ? gemmFb(T, h / t, 2 * h) : new double[2];
            head = new double[] {(1 + k) * (logits[0] + loss) + k * proj[0], (1 + k) * (logits[1] + loss) + k * proj[1]};
            return head;
        }

        /** The fp32 logits of one micro-batch on one rank of the last stage, bytes. */
        double logitsBytes() {
            return tokens * m.vocab() / t * 4;
        }

        Map<String, Double> memory(int r, double[][] cparams, double activation) {
            double dense = 0;
            double expert = 0;
            for (int ch = 0; ch < v; ch++) {
                dense += cparams[ch * pp + r][0];
                expert += cparams[ch * pp + r][1];
            }
            double d = dpGroupSize();
            double de = Math.max(1, edp);
            double w = 2 * (dense + expert);
            double g = gradBytes() * (dense + expert);
            double o = 12 * (dense + expert);
            switch (p.optimizer()) {
                case "distributed" -> o = 12 * (dense / d + expert / de);
                case "zero2" -> {
                    o = 12 * (dense / d + expert / de);
                    g = gradBytes() * (dense / d + expert / de);
                }
                case "zero3", "fsdp" -> {
                    o = 12 * (dense / d + expert / de);
                    g = gradBytes() * (dense / d + expert / de);
                    int layersHere = 0;
                    for (int ch = 0; ch < v; ch++) layersHere += stageLayers[ch * pp + r];
                    // sharded weights plus two layers' gathered weights in flight
                    w = 2 * (dense / d + expert / de) + 2 * 2 * (dense + expert) / Math.max(1, layersHere);
                }
                default -> {
                }
            }
            // fp32 logits on the last stage (the fused vocab-parallel cross-entropy writes their gradient in place)
            double other = FRAMEWORK_BYTES + (r == pp - 1 ? (1 + m.mtpLayers()) * logitsBytes() : 0);
            Map<String, Double> mm = new LinkedHashMap<>();
            mm.put("weights", w);
            mm.put("gradients", g);
            mm.put("optimizer", o);
            mm.put("activations", activation);
            mm.put("other", other);
            return mm;
        }
    }

    /**
     * Layers per global pipeline stage: L / S when it divides; otherwise Megatron's
     * {@code account_for_loss_in_pipeline_split} (the loss counts as a layer: the last stage holds one layer less,
     * when S divides L + 1) and with {@code account_for_embedding_in_pipeline_split} too (first and last one less,
     * when S divides L + 2: Llama 3.1 405B's 126 layers on pp 8 × vpp 8, Qwen3 235B's 94 on 8 × 4; on 16 × 8 the first
     * chunk holds the embedding alone and the last the loss alone). Null otherwise.
     */
    static int[] layersPerStage(int layers, int stages) {
        int[] out = new int[stages];
        for (int extra = 0; extra <= Math.min(2, stages > 1 ? 2 : 0); extra++) {
            if ((layers + extra) % stages != 0) continue;
            int each = (layers + extra) / stages;
            java.util.Arrays.fill(out, each);
            if (extra >= 1) out[stages - 1]--;
            if (extra == 2) out[0]--;
            // a chunk may hold the embedding or the loss alone (no transformer layer): Megatron-Bridge's Llama 3.1 405B
            // recipe on GB200 runs pp 16 × vpp 8 = 128 chunks for 126 layers so; every other chunk holds a layer
            for (int i = 0; i < stages; i++) if (out[i] < (i == 0 && extra == 2 || i == stages - 1 && extra >= 1 ? 0 : 1)) return null;
            return out;
        }
        return null;
    }

    /**
     * Writes the generated workload as Chakra ET, one file per rank ({@code DIR/llm.R.et}), with the communicator
     * groups ({@code DIR/comm_groups.json}) and an ASTRA-sim 2.0 network and system for the cluster
     * ({@code DIR/network.yml}, {@code DIR/system.json}); returns the number of ranks. See {@link ChakraExport}.
     */
    public static int exportChakra(TrainConfig cfg, java.nio.file.Path dir) {
        Run run = new Run(cfg);
        String why = run.layoutProblem();
        if (why != null) throw new org.astradse.InputException(cfg.file() + ": cannot export an infeasible layout: " + why);
        clearExportFolder(dir);
        return new ChakraExport(run).write(dir);
    }

    /** What an export writes: the per-rank traces and the three companion files. */
    private static final java.util.regex.Pattern EXPORT_FILE =
            java.util.regex.Pattern.compile("llm\\.\\d+\\.et|comm_groups\\.json|network\\.yml|system\\.json");

    /**
     * An export goes into a new or empty folder, or replaces an earlier export in full (its traces removed first, so a
     * smaller export leaves no stale ranks behind). A folder holding anything else — a sweep's results, a user's
     * files — is refused: nothing of theirs is overwritten.
     */
    static void clearExportFolder(java.nio.file.Path dir) {
        if (java.nio.file.Files.exists(dir) && !java.nio.file.Files.isDirectory(dir))
            throw new org.astradse.InputException("--export-chakra " + dir + ": is a file; expected a folder (new, empty, "
                    + "or an earlier export)");
        if (!java.nio.file.Files.isDirectory(dir)) return;
        try (var list = java.nio.file.Files.list(dir)) {
            java.util.List<java.nio.file.Path> files = list.sorted().toList();
            for (java.nio.file.Path f : files)
                if (!java.nio.file.Files.isRegularFile(f) || !EXPORT_FILE.matcher(f.getFileName().toString()).matches())
                    throw new org.astradse.InputException("--export-chakra " + dir + ": holds " + f.getFileName()
                            + ", which is not part of a Chakra export; expected a new or empty folder, or an earlier export "
                            + "(llm.R.et, comm_groups.json, network.yml, system.json), which is replaced");
            for (java.nio.file.Path f : files) java.nio.file.Files.delete(f);
        } catch (java.io.IOException e) {
            throw new org.astradse.InputException("--export-chakra " + dir + ": cannot prepare the folder: " + e.getMessage());
        }
    }

    /**
     * The Chakra export of a run: each rank's steps in its stage's schedule order — per layer a compute node for the
     * attention block and one for the MLP block, the TP collectives between them (all-reduce, or with SP all-gather
     * before and reduce-scatter after each block), MoE's dispatch and combine all-to-all around the experts, CP's K/V
     * all-gather before attention (the all-gather form of context parallelism) — receives of the previous stage's
     * activation (posted at the start, tags unique per micro-batch, chunk and direction) and sends to the next; after
     * the last backward of each model chunk its gradient reduce over DP×CP (all-reduce, or reduce-scatter), then the
     * optimizer step and the distributed optimizer's parameter all-gather. Compute durations are the trainer's
     * kernel times in µs; collective sizes follow ASTRA-sim 2.0's convention (bytes per NPU: the all-gather's input).
     * Ranks follow Megatron's order tp-cp-ep-dp-pp.
     */
    static final class ChakraExport {
        private final Run r;
        private final java.util.Map<String, Integer> groupIds = new java.util.LinkedHashMap<>();
        private final java.util.Map<Integer, int[]> groups = new java.util.LinkedHashMap<>();

        ChakraExport(Run r) {
            this.r = r;
        }

        /** The id of the group of {@code size} ranks from {@code first}, {@code stride} apart (created once). */
        private int group(String kind, int first, int stride, int size) {
            String key = kind + ":" + first;
            Integer id = groupIds.get(key);
            if (id != null) return id;
            int[] ranks = new int[size];
            for (int i = 0; i < size; i++) ranks[i] = first + i * stride;
            id = groupIds.size() + 1;
            groupIds.put(key, id);
            groups.put(id, ranks);
            return id;
        }

        int write(java.nio.file.Path dir) {
            Run x = r;
            double[][] denseL = x.layer(false);
            double[] denseB = x.lastBlocks;
            double[][] moeL = x.m.moe() ? x.layer(true) : denseL;
            double[] moeB = x.m.moe() ? x.lastBlocks : denseB;
            int stages = x.pp * x.v;
            double[][] f = new double[stages][5];
            double[][] b = new double[stages][5];
            x.addEmbeddingAndLoss(f, b, stages);
            int t = x.t;
            int c = x.c;
            int dp = x.dp;
            int n = x.n;
            int ppStride = t * c * dp;
            double act = x.tokens * x.m.hidden() * 2;
            double p2pBytes = act / t;
            double a2a = (double) x.p.microBatch() * x.m.seqLen() * x.te / ((double) t * c) * x.m.topk() * x.m.hidden() * 2;
            double kv = x.tokens * x.kvWidth() * 2;
            try {
                java.nio.file.Files.createDirectories(dir);
                for (int rank = 0; rank < n; rank++) {
                    int tpi = rank % t;
                    int cpi = (rank / t) % c;
                    int dpi = (rank / (t * c)) % dp;
                    int stage = rank / ppStride;
                    int slice = rank % ppStride; // position in the stage's tp·cp·dp grid
                    int tpG = t > 1 ? group("tp", rank - tpi, 1, t) : 0;
                    int cpG = c > 1 ? group("cp", rank - cpi * t, t, c) : 0;
                    int dpG = dp * c > 1 ? group("dpcp", stage * ppStride + tpi, t, dp * c) : 0;
                    int epG = 0;
                    int edpG = 0;
                    if (x.m.moe()) {
                        int etpi = slice % x.te;
                        int epi = (slice / x.te) % x.e;
                        int edpi = slice / (x.te * x.e);
                        if (x.e > 1) epG = group("ep", stage * ppStride + etpi + edpi * x.te * x.e, x.te, x.e);
                        if (x.edp > 1) edpG = group("edp", stage * ppStride + etpi + epi * x.te, x.te * x.e, x.edp);
                    }
                    Nodes g = new Nodes();
                    int[] order = Schedule.order(stage, x.pp, x.v, x.mbs);
                    long[] lastB = new long[x.v];
                    for (int op : order) {
                        boolean fwd = op >= 0;
                        int code = fwd ? op : -op - 1;
                        int chunk = code / x.mbs;
                        int mb = code % x.mbs;
                        int gs = chunk * x.pp + stage;
                        // the neighbour stages' ranks: global stage gs ± 1 lives on pipeline rank (gs ± 1) mod p
                        int prevRank = ((gs - 1 + stages) % stages % x.pp) * ppStride + slice;
                        int nextRank = ((gs + 1) % stages % x.pp) * ppStride + slice;
                        // a transfer's tag names its direction, receiving global stage and micro-batch (unique, < 5·10^8)
                        int dir0 = fwd ? 0 : 1;
                        if (fwd && gs > 0) g.recvFirst(prevRank, rank, p2pBytes, tag(dir0, gs, mb, stages));
                        if (!fwd && gs < stages - 1) g.recvFirst(nextRank, rank, p2pBytes, tag(dir0, gs, mb, stages));
                        if (!fwd && gs == stages - 1) g.comp("loss_bwd_mb" + mb, lossB(x, stages));
                        int lo = x.stageStart[gs];
                        int hi = lo + x.stageLayers[gs];
                        if (fwd && gs == 0) g.comp("embedding_fwd_mb" + mb, f[0][0] - (stages == 1 ? lossF(x, stages) : 0));
                        for (int k = fwd ? lo : hi - 1; fwd ? k < hi : k >= lo; k += fwd ? 1 : -1) {
                            boolean moe = x.m.moeLayer(k);
                            double[] bl = moe ? moeB : denseB;
                            String ln = (fwd ? "fwd" : "bwd") + "_mb" + mb + "_L" + k;
                            if (fwd) {
                                if (c > 1) g.coll("cp_kv_" + ln, EtNode.ALL_GATHER, kv, cpG);
                                tpBefore(g, ln + "_attn", act, tpG);
                                g.comp("attn_" + ln, bl[0]);
                                tpAfter(g, ln + "_attn", act, tpG);
                                if (moe && x.e > 1) g.coll("dispatch_" + ln, EtNode.ALL_TO_ALL, a2a, epG);
                                if (!moe || x.te > 1) tpBefore(g, ln + "_mlp", act, tpG);
                                g.comp("mlp_" + ln, bl[1]);
                                if (!moe || x.te > 1) tpAfter(g, ln + "_mlp", act, tpG);
                                if (moe && x.e > 1) g.coll("combine_" + ln, EtNode.ALL_TO_ALL, a2a, epG);
                            } else {
                                if (moe && x.e > 1) g.coll("combine_grad_" + ln, EtNode.ALL_TO_ALL, a2a, epG);
                                if (!moe || x.te > 1) tpBefore(g, ln + "_mlp", act, tpG);
                                g.comp("mlp_" + ln, bl[3]);
                                if (!moe || x.te > 1) tpRegather(g, ln + "_mlp", act, tpG);
                                if (!moe || x.te > 1) tpAfter(g, ln + "_mlp", act, tpG);
                                if (moe && x.e > 1) g.coll("dispatch_grad_" + ln, EtNode.ALL_TO_ALL, a2a, epG);
                                if (c > 1) g.coll("cp_kv_" + ln, EtNode.ALL_GATHER, 2 * kv, cpG);
                                tpBefore(g, ln + "_attn", act, tpG);
                                g.comp("attn_" + ln, bl[2]);
                                tpRegather(g, ln + "_attn", act, tpG);
                                tpAfter(g, ln + "_attn", act, tpG);
                            }
                        }
                        if (fwd && gs == stages - 1) g.comp("loss_fwd_mb" + mb, lossF(x, stages));
                        if (!fwd && gs == 0) g.comp("embedding_bwd_mb" + mb, b[0][0] - (stages == 1 ? lossB(x, stages) : 0));
                        if (fwd && gs < stages - 1) g.send(rank, nextRank, p2pBytes, tag(dir0, gs + 1, mb, stages));
                        if (!fwd && gs > 0) g.send(rank, prevRank, p2pBytes, tag(dir0, gs - 1, mb, stages));
                        if (!fwd) lastB[chunk] = g.last;
                    }
                    // data parallelism: each chunk's gradients after its last backward, then the optimizer step
                    java.util.List<Long> reduces = new java.util.ArrayList<>();
                    boolean sharded = !x.p.optimizer().equals("none");
                    for (int ch = x.v - 1; ch >= 0; ch--) {
                        double[] cp = x.chunkParams(ch * x.pp + stage);
                        if (dpG != 0) reduces.add(g.collAfter("grad_reduce_chunk" + ch, sharded ? EtNode.REDUCE_SCATTER
                                : EtNode.ALL_REDUCE, cp[0] * x.gradBytes(), dpG, lastB[ch]));
                        if (edpG != 0 && cp[1] > 0) reduces.add(g.collAfter("expert_grad_reduce_chunk" + ch, sharded
                                ? EtNode.REDUCE_SCATTER : EtNode.ALL_REDUCE, cp[1] * x.gradBytes(), edpG, lastB[ch]));
                    }
                    double shard = 0;
                    for (int ch = 0; ch < x.v; ch++) {
                        double[] cp = x.chunkParams(ch * x.pp + stage);
                        shard += x.p.optimizer().equals("none") ? cp[0] + cp[1]
                                : cp[0] / x.dpGroupSize() + (x.m.moe() ? cp[1] / Math.max(1, x.edp) : 0);
                    }
                    g.compAfter("optimizer", x.memBound(shard * 30), reduces);
                    if (sharded)
                        for (int ch = 0; ch < x.v; ch++) {
                            double[] cp = x.chunkParams(ch * x.pp + stage);
                            if (dpG != 0) g.coll("param_gather_chunk" + ch, EtNode.ALL_GATHER, cp[0] * 2 / (dp * c), dpG);
                            if (edpG != 0 && cp[1] > 0)
                                g.coll("expert_param_gather_chunk" + ch, EtNode.ALL_GATHER, cp[1] * 2 / x.edp, edpG);
                        }
                    g.write(dir.resolve("llm." + rank + ".et"));
                }
                writeGroups(dir.resolve("comm_groups.json"));
                writeNetwork(dir);
            } catch (java.io.IOException e) {
                throw new org.astradse.InputException("--export-chakra: cannot write " + dir + ": "
                        + org.astradse.InputException.folderProblem(dir, e));
            }
            return n;
        }

        private int tag(int direction, int receiverStage, int mb, int stages) {
            return 1 + (direction * stages + receiverStage) * r.mbs + mb;
        }

        /** The last stage's logits and loss, forward and backward, ns (what addEmbeddingAndLoss adds there). */
        private static double lossF(Run x, int stages) {
            return x.headAndLoss()[0];
        }

        private static double lossB(Run x, int stages) {
            return x.headAndLoss()[1];
        }

        private void tpBefore(Nodes g, String name, double act, int tpG) {
            if (tpG == 0 || !r.p.sp()) return;
            g.coll("tp_ag_" + name, EtNode.ALL_GATHER, act / r.t, tpG);
        }

        /**
         * Backward with SP: the column-parallel GEMM's input gathered again for its weight gradient (the trainer's
         * re-gather, {@code layer}); Megatron runs it beside the data-gradient GEMM, the export after the block.
         */
        private void tpRegather(Nodes g, String name, double act, int tpG) {
            if (tpG == 0 || !r.p.sp()) return;
            g.coll("tp_regather_" + name, EtNode.ALL_GATHER, act / r.t, tpG);
        }

        private void tpAfter(Nodes g, String name, double act, int tpG) {
            if (tpG == 0) return;
            if (r.p.sp()) g.coll("tp_rs_" + name, EtNode.REDUCE_SCATTER, act, tpG);
            else g.coll("tp_ar_" + name, EtNode.ALL_REDUCE, act, tpG);
        }

        private void writeGroups(java.nio.file.Path file) throws java.io.IOException {
            com.fasterxml.jackson.databind.node.ObjectNode o = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
            for (var e : groups.entrySet()) {
                var a = o.putArray(Integer.toString(e.getKey()));
                for (int x : e.getValue()) a.add(x);
            }
            java.nio.file.Files.writeString(file, o.toPrettyString() + "\n");
        }

        /** The cluster as an ASTRA-sim 2.0 network (GB/s of 2^30 B: the cluster's 10^9 B/s converted here) and system. */
        private void writeNetwork(java.nio.file.Path dir) throws java.io.IOException {
            StringBuilder topo = new StringBuilder();
            StringBuilder npus = new StringBuilder();
            StringBuilder bw = new StringBuilder();
            StringBuilder lat = new StringBuilder();
            for (org.astradse.hw.Cluster.Dim d : r.cl.dims()) {
                String sep = topo.length() == 0 ? "" : ", ";
                topo.append(sep).append(d.topology().referenceName());
                npus.append(sep).append(d.npus());
                bw.append(sep).append(String.format(Locale.ROOT, "%.4f", Units.decimalGBpsToNetworkGBps(d.bandwidthGBps())));
                double l = d.fabric().defaultLatencyNs() + d.latencyNs(); // the cluster's latency adds to the fabric's
                lat.append(sep).append(String.format(Locale.ROOT, "%.1f", l));
            }
            java.nio.file.Files.writeString(dir.resolve("network.yml"), "# " + r.cl.gpu().name() + " cluster for ASTRA-sim 2.0 "
                    + "(bandwidth in ASTRA-sim's GB/s, GB = 2^30 B, converted from the cluster's 10^9 B/s)\n"
                    + "topology: [ " + topo + " ]\nnpus_count: [ " + npus + " ]\nbandwidth: [ " + bw + " ]\nlatency: [ " + lat + " ]\n");
            String impl = "[" + String.join(", ", java.util.Collections.nCopies(r.cl.dims().size(), "\"ring\"")) + "]";
            java.nio.file.Files.writeString(dir.resolve("system.json"), "{\n  \"scheduling-policy\": \"LIFO\",\n"
                    + "  \"endpoint-delay\": 10,\n  \"active-chunks-per-dimension\": 1,\n  \"preferred-dataset-splits\": 4,\n"
                    + "  \"all-reduce-implementation\": " + impl + ",\n  \"all-gather-implementation\": " + impl + ",\n"
                    + "  \"reduce-scatter-implementation\": " + impl + ",\n  \"all-to-all-implementation\": " + impl + ",\n"
                    + "  \"collective-optimization\": \"localBWAware\",\n  \"local-mem-bw\": "
                    + String.format(Locale.ROOT, "%.0f", r.gpu.hbmGBps()) + ",\n  \"boost-mode\": 0,\n  \"roofline-enabled\": 0\n}\n");
        }
    }

    /** One rank's ET nodes in program order: each depends on the one before (the compute stream), receives on nothing. */
    static final class Nodes {
        final java.util.List<EtWriter.Node> nodes = new java.util.ArrayList<>();
        long last = -1;
        private final java.util.List<Long> pendingRecv = new java.util.ArrayList<>();

        private long add(String name, int type, long micros, java.util.List<Long> deps, java.util.List<EtWriter.Attr> attrs) {
            long id = nodes.size();
            nodes.add(new EtWriter.Node(id, name, type, java.util.List.copyOf(deps), micros, attrs));
            return id;
        }

        private java.util.List<Long> chain() {
            java.util.List<Long> d = new java.util.ArrayList<>();
            if (last >= 0) d.add(last);
            d.addAll(pendingRecv);
            pendingRecv.clear();
            return d;
        }

        /** A receive posted at the start; the next node waits for it. */
        void recvFirst(int src, int dst, double bytes, int tag) {
            long id = add("recv_" + tag, EtNode.COMM_RECV_NODE, 0, java.util.List.of(), p2p(src, dst, bytes, tag));
            pendingRecv.add(id);
        }

        void send(int src, int dst, double bytes, int tag) {
            java.util.List<Long> d = last >= 0 ? java.util.List.of(last) : java.util.List.of();
            add("send_" + tag, EtNode.COMM_SEND_NODE, 0, d, p2p(src, dst, bytes, tag));
        }

        private static java.util.List<EtWriter.Attr> p2p(int src, int dst, double bytes, int tag) {
            return java.util.List.of(EtWriter.Attr.int64("comm_src", src), EtWriter.Attr.int64("comm_dst", dst),
                    EtWriter.Attr.int64("comm_size", Math.max(1, Math.round(bytes))), EtWriter.Attr.int64("comm_tag", tag));
        }

        void comp(String name, double ns) {
            last = add(name, EtNode.COMP_NODE, Math.max(1, Math.round(Units.nanosToMicros(ns))), chain(), java.util.List.of());
        }

        void compAfter(String name, double ns, java.util.List<Long> deps) {
            java.util.List<Long> d = chain();
            for (long x : deps) if (!d.contains(x)) d.add(x);
            last = add(name, EtNode.COMP_NODE, Math.max(1, Math.round(Units.nanosToMicros(ns))), d, java.util.List.of());
        }

        void coll(String name, int type, double bytes, int group) {
            last = add(name, EtNode.COMM_COLL_NODE, 0, chain(), collAttrs(type, bytes, group));
        }

        /** A collective that waits only for {@code after} (the DP stream beside the compute stream). */
        long collAfter(String name, int type, double bytes, int group, long after) {
            return add(name, EtNode.COMM_COLL_NODE, 0, java.util.List.of(after), collAttrs(type, bytes, group));
        }

        private static java.util.List<EtWriter.Attr> collAttrs(int type, double bytes, int group) {
            return java.util.List.of(EtWriter.Attr.int64("comm_type", type), EtWriter.Attr.int64("comm_size",
                    Math.max(1, Math.round(bytes))), EtWriter.Attr.string("pg_name", Integer.toString(group)));
        }

        void write(java.nio.file.Path file) throws java.io.IOException {
            try (EtWriter out = new EtWriter(new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(file)))) {
                out.metadata(java.util.List.of(EtWriter.Attr.string("schema", "1.0.2-chakra.0.0.4"),
                        EtWriter.Attr.string("generator", "astradse train --export-chakra")));
                for (EtWriter.Node nd : nodes) out.node(nd);
            }
        }
    }

    /** A collective of a run: operation, bytes (nccl-tests' size) and its group (ranks {@code stride} apart). */
    private record CollKey(String op, long bytes, long stride, long size) {
    }

    static double gib(double bytes) {
        return Units.bytesToBinaryGB(bytes);
    }

    /**
     * Megatron's pipeline schedule executed in order on every stage: each stage runs its list of forward and backward
     * steps one at a time, each step waiting for the step it depends on (the previous model chunk's forward, the
     * next one's backward) plus the point-to-point transfer between them.
     */
    /** Most micro-batches × model chunks a pipeline rank's schedule is executed for (far beyond any real iteration). */
    static final long MAX_SCHEDULE_STEPS = 1_000_000;

    static final class Schedule {
        final double[] stageEnd;
        final double[] lastBackwardStart;
        final double[] lastBackwardEnd;
        final double[] peakActivation;

        private Schedule(int pp, int stages) {
            stageEnd = new double[pp];
            lastBackwardStart = new double[stages];
            lastBackwardEnd = new double[stages];
            peakActivation = new double[pp];
        }

        /** Null when the order deadlocks (it does not for Megatron's schedules). */
        static Schedule run(int pp, int v, int m, double[] fDur, double[] bDur, double p2p, double[] actChunk) {
            int[][] order = new int[pp][];
            for (int r = 0; r < pp; r++) order[r] = order(r, pp, v, m);
            return run(pp, v, m, order, fDur, bDur, p2p, actChunk);
        }

        /** {@link #run} on the stages' step orders ({@link #order}), built once by a caller that runs twice. */
        static Schedule run(int pp, int v, int m, int[][] order, double[] fDur, double[] bDur, double p2p, double[] actChunk) {
            int stages = pp * v;
            Schedule s = new Schedule(pp, stages);
            double[] fEnd = new double[stages * m];
            double[] bEnd = new double[stages * m];
            java.util.Arrays.fill(fEnd, Double.NaN);
            java.util.Arrays.fill(bEnd, Double.NaN);
            int total = m * v;
            int[] next = new int[pp];
            double[] free = new double[pp];
            double[] act = new double[pp];
            boolean progress = true;
            int remaining = pp * 2 * total;
            boolean up = true;
            while (remaining > 0 && progress) {
                progress = false;
                // forward steps wait on the stage before, backward ones on the stage after: alternating the scan's
                // direction lets both chains advance within one pass (same result, fewer passes)
                for (int q = 0; q < pp; q++) {
                    int r = up ? q : pp - 1 - q;
                    while (next[r] < order[r].length) {
                        int op = order[r][next[r]];
                        boolean fwd = op >= 0;
                        int code = fwd ? op : -op - 1;
                        int chunk = code / m;
                        int mb = code % m;
                        int gs = chunk * pp + r;
                        double ready;
                        if (fwd) {
                            ready = gs == 0 ? 0 : fEnd[(gs - 1) * m + mb] + p2p;
                        } else {
                            ready = gs == stages - 1 ? fEnd[gs * m + mb] : bEnd[(gs + 1) * m + mb] + p2p;
                        }
                        if (Double.isNaN(ready)) break;
                        double start = Math.max(free[r], ready);
                        double end = start + (fwd ? fDur[gs] : bDur[gs]);
                        free[r] = end;
                        if (fwd) {
                            fEnd[gs * m + mb] = end;
                            act[r] += actChunk[gs];
                            s.peakActivation[r] = Math.max(s.peakActivation[r], act[r]);
                        } else {
                            bEnd[gs * m + mb] = end;
                            act[r] -= actChunk[gs];
                            s.lastBackwardStart[gs] = start;
                            s.lastBackwardEnd[gs] = end;
                        }
                        next[r]++;
                        remaining--;
                        progress = true;
                    }
                }
                up = !up;
            }
            if (remaining > 0) return null;
            System.arraycopy(free, 0, s.stageEnd, 0, pp);
            return s;
        }

        /**
         * One stage's steps: forward ≥ 0 and backward as −1−code, code = chunk·m + micro-batch. 1F1B: p−r−1
         * warm-up forwards, then one forward one backward, then the remaining backwards. Interleaved (Megatron):
         * (p−r−1)·2 + (v−1)·p warm-up forwards; the k-th forward runs chunk ⌊k/p⌋ mod v on micro-batch
         * ⌊k/(p·v)⌋·p + k mod p, the k-th backward the chunks in reverse (Megatron requires a multiple of p
         * micro-batches when v > 1: {@code layoutProblem} refuses others).
         */
        static int[] order(int r, int pp, int v, int m) {
            int total = m * v;
            int[] fw = new int[total];
            int[] bw = new int[total];
            int k = 0;
            for (int g0 = 0; g0 < m; g0 += pp) {
                int size = Math.min(pp, m - g0);
                for (int ch = 0; ch < v; ch++) {
                    for (int j = 0; j < size; j++) {
                        fw[k] = ch * m + g0 + j;
                        bw[k] = (v - 1 - ch) * m + g0 + j;
                        k++;
                    }
                }
            }
            int warm = v == 1 ? Math.min(pp - r - 1, m) : Math.min((pp - r - 1) * 2 + (v - 1) * pp, total);
            int[] out = new int[2 * total];
            int o = 0;
            int f = 0;
            int b = 0;
            for (; f < warm; f++) out[o++] = fw[f];
            while (f < total) {
                out[o++] = fw[f++];
                out[o++] = -bw[b++] - 1;
            }
            while (b < total) out[o++] = -bw[b++] - 1;
            return out;
        }
    }
}
