package org.astradse.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Arrays;
import org.astradse.workload.llm.LlmMath;
import org.astradse.hw.GpuProfile;
import org.astradse.workload.llm.TrainConfig;
import org.astradse.workload.llm.TransformerModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LLM generator's formulas and schedule against hand derivations and LLM-MODEL.md's worked examples. */
class LlmTrainerTest {
    static TrainConfig cfg(String yaml) throws Exception {
        JsonNode t = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        return TrainConfig.fromTree(t, Path.of("test.yaml"));
    }

    static final String A100_64 = """
            cluster:
              gpu: A100-SXM4-80GB
              network: {topology: [Switch, Switch], npus_count: [8, 8], bandwidth: [300, 25]}
              fabric: [nvlink3-nvswitch, ib-hdr]
            """;

    @Test
    void parameterCounts() {
        // LLM-MODEL.md §1: Llama 3 70B = 70.55 B (151.0 M attention + 704.6 M MLP per layer, 2.10 B embeddings)
        assertEquals(70.55e9, LlmMath.totalParams(TransformerModel.named("llama3-70b")), 0.01e9);
        // GPT-3 175B: 12·L·h² + V·h (tied) + norms = 174.56 B (SC'21's 174.6 B adds biases and positions)
        assertEquals(174.6e9, LlmMath.totalParams(TransformerModel.named("gpt3-175b")), 0.1e9);
    }

    @Test
    void bundledModelsHaveTheirPublishedParameterCounts() {
        // total and active parameters as their model cards / papers state them (billions), within 1 %
        Object[][] published = {
                {"llama2-7b", 6.74, 6.74}, {"llama2-13b", 13.0, 13.0}, {"llama2-70b", 69.0, 69.0}, {"llama3-8b", 8.03, 8.03},
                {"llama3.1-405b", 405.9, 405.9}, {"mixtral-8x7b", 46.7, 12.9}, {"mixtral-8x22b", 141.0, 39.0},
                {"qwen3-8b", 8.2, 8.2}, {"qwen3-32b", 32.8, 32.8}, {"qwen3-30b-a3b", 30.5, 3.3}, {"qwen3-235b-a22b", 235.0, 22.0},
                {"nemotron4-15b", 15.6, 15.6}, {"nemotron4-340b", 341.0, 341.0},
                {"gpt-22b", 22.1, 22.1}, {"gpt3-5b", 5.0, 5.0}, {"gpt3-20b", 20.2, 20.2}, {"llama3-405b", 405.9, 405.9},
                {"llama3.1-8b", 8.03, 8.03}, {"llama3.1-70b", 70.6, 70.6}, {"llama3-70b", 70.6, 70.6},
                // DeepSeek-V3: 671 B + the MTP module's layer and projection 11.6 B (the card's 14 B also counts the
                // module's own copies of the embedding and head, 1.9 B); 37 B activated by the main model + 0.7 B
                {"deepseek-v3", 682.6, 38.2}};
        for (Object[] p : published) {
            TransformerModel m = TransformerModel.named((String) p[0]);
            assertEquals((double) p[1], LlmMath.totalParams(m) / 1e9, 0.01 * (double) p[1], p[0] + " total");
            assertEquals((double) p[2], LlmMath.activeParams(m) / 1e9, 0.01 * (double) p[2] + 0.03, p[0] + " active");
        }
    }

    @Test
    void modelFlopsAreKorthikantisFormula() {
        // non-causal counting = 72·B·s·L·h²·(1 + s/(6h) + V/(12·L·h)) exactly for GPT shapes (a·d = h, f = 4h):
        // 3·[L·2·12h² + L·4·s·h + 2·h·V] per token; 1.411e17 for 175 B at B = 64 (LLM-MODEL.md 7.1)
        TransformerModel m = TransformerModel.named("gpt3-175b");
        double h = 12288, s = 2048, L = 96, V = 51200, B = 64;
        double korth = 72 * B * s * L * h * h * (1 + s / (6 * h) + V / (12 * L * h));
        assertEquals(korth, LlmMath.modelFlopsPerToken(m, false) * B * s, korth * 1e-12);
        assertEquals(1.411e17, korth, 0.001e17);
    }

    @Test
    void korthikantiMemoryOfThe175BExample() throws Exception {
        // LLM-MODEL.md 7.1: t = 8, p = 8, v = 3, b = 1; first stage activations = formula × 96 × (1 + 7/24):
        // SP + selective 34/t·sbh per layer → 12.35 GiB; no SP, no recompute, unfused attention
        // (10 + 24/t + 5as/(ht))·sbh → 66.84 GiB; weights+gradients+optimizer 18 B × 2.718 B = 45.56 GiB (+ the
        // first stage's V·h/t embedding, 78.6 M parameters × 18 B = 1.32 GiB)
        String par = "parallel: {tp: 8, pp: 8, vpp: 3, micro-batch: 1, global-batch: 64, optimizer: none, precision: fp16, attention: unfused, ";
        TrainResult sel = LlmTrainer.run(cfg("model: gpt3-175b\n" + par + "sp: true, recompute: selective}\n" + A100_64));
        assertEquals(12.35, sel.memory().get("activations") / (1L << 30), 0.01);
        TrainResult none = LlmTrainer.run(cfg("model: gpt3-175b\n" + par + "sp: false, recompute: none}\n" + A100_64));
        assertEquals(66.84, none.memory().get("activations") / (1L << 30), 0.01);
        double wgo = (sel.memory().get("weights") + sel.memory().get("gradients") + sel.memory().get("optimizer")) / (1L << 30);
        assertEquals(45.5625 + 78.6e6 * 18 / (1L << 30), wgo, 0.02);
        // the no-recompute layout does not fit an 80 GB A100 (45.6 + 66.8 GiB): infeasible with its numbers
        assertTrue(!none.feasible() && none.reason().contains("exceeds"), none.reason());
    }

    @Test
    void oneFOneBTakesTheIdealPipelineTime() {
        // equal stages, instant transfers: (m + p − 1)·(f + b) (LLM-MODEL.md §4.2); p = 4, m = 8, f = 1, b = 2 → 33
        double[] f = {1, 1, 1, 1};
        double[] b = {2, 2, 2, 2};
        LlmTrainer.Schedule s = LlmTrainer.Schedule.run(4, 1, 8, f, b, 0, new double[] {1, 1, 1, 1});
        // stage r's last backward ends r backward steps before stage 0's
        for (int r = 0; r < 4; r++) assertEquals(33 - 2 * r, s.stageEnd[r], 1e-9, "stage " + r);
        // stage 0 holds p micro-batches at its peak, stage 3 one
        assertEquals(4, s.peakActivation[0], 1e-9);
        assertEquals(1, s.peakActivation[3], 1e-9);
        // interleaving (v = 2, each chunk half the work) shrinks the bubble from (p−1)(f+b) = 9 to (p−1)(f+b)/v = 4.5
        double[] f2 = new double[8];
        double[] b2 = new double[8];
        Arrays.fill(f2, 0.5);
        Arrays.fill(b2, 1.0);
        LlmTrainer.Schedule si = LlmTrainer.Schedule.run(4, 2, 8, f2, b2, 0, new double[8]);
        // m·v·(f_c + b_c) = 8 · 2 · (0.5 + 1) = 24 of work, plus (p−1)·(f_c + b_c) = 3 · 1.5 = 4.5 of bubble
        assertEquals(8 * 2 * 1.5 + 4.5, si.stageEnd[0], 1e-9);
    }

    /**
     * Activation offloading: Llama 3 8B (32 identical layers) on one pipeline stage holds one micro-batch's activations
     * at a time, so offloading N layers leaves (32 − N + 1)/32 of them in HBM (the +1: one layer in transit). Its
     * copies hide behind the layers' compute up to what the host link cannot carry in that time: for this small model
     * (a layer's 1.1 GB of activations against ~2–4 ms of its compute) part of each copy is exposed, as compute, never
     * more than the copies themselves — and on a link as fast as HBM nothing is.
     */
    @Test
    void offloadedActivationsLeaveHbmAndCostOnlyWhatTheHostLinkCannotHide(@TempDir Path dir) throws Exception {
        String base = "model: llama3-8b\nparallel: {tp: 1, pp: 1, micro-batch: 1, global-batch: 64%s}\n"
                + "cluster: {gpu: %s, network: {topology: [Switch], npus_count: [8], bandwidth: [%s]}, fabric: [%s]}\n";
        for (String[] gpu : List.of(new String[] {"GB200", "900", "nvlink5-nvswitch"}, new String[] {"H100-SXM", "450", "nvlink4-nvswitch"})) {
            TrainResult none = LlmTrainer.run(cfg(String.format(base, "", gpu[0], gpu[1], gpu[2])));
            TrainResult half = LlmTrainer.run(cfg(String.format(base, ", cpu-offload-layers: 16", gpu[0], gpu[1], gpu[2])));
            assertEquals(none.memory().get("activations") * (32 - 16 + 1) / 32, half.memory().get("activations"),
                    1e-6 * none.memory().get("activations"), gpu[0]);
            assertEquals(none.memory().get("weights"), half.memory().get("weights"));
            // 8 micro-batches (global 64 over dp 8), 16 offloaded layers, a copy out and one back per layer
            double linkBytesPerNs = gpu[0].equals("GB200") ? 225 : 64; // GB/s = bytes per ns
            double copies = 8 * 16 * 2 * (none.memory().get("activations") / 32) / linkBytesPerNs;
            double extra = half.iterationNs() - none.iterationNs();
            assertTrue(extra > 0 && extra <= copies * (1 + 1e-9), gpu[0] + ": " + extra + " vs copies " + copies);
            assertEquals(extra, half.computeNs() - none.computeNs(), 1e-6 * extra, "exposed copies count as compute");
        }
        // a host link as fast as HBM hides every copy
        String fast = String.format(base, ", cpu-offload-layers: 16", "fast-host.yaml", "450", "nvlink4-nvswitch");
        java.nio.file.Files.writeString(dir.resolve("fast-host.yaml"), new String(GpuProfile.class.getResourceAsStream(
                "gpus/H100-SXM.yaml").readAllBytes()) + "  host-link-gbps: 3350\n");
        TrainConfig fastCfg = TrainConfig.fromTree(new ObjectMapper(new YAMLFactory()).readTree(fast), dir.resolve("run.yaml"));
        TrainResult hidden = LlmTrainer.run(fastCfg);
        TrainResult plain = LlmTrainer.run(cfg(String.format(base, "", "H100-SXM", "450", "nvlink4-nvswitch")));
        assertEquals(plain.iterationNs(), hidden.iterationNs(), 1e-9 * plain.iterationNs());
    }

    @Test
    void overlappedExpertAllToAllHidesBehindTheOtherMicroBatch() throws Exception {
        // EP 32 spans 4 DGX H100 nodes: its all-to-all crosses InfiniBand. Overlapped, each layer's all-to-all of one
        // direction hides behind the other direction's compute: less exposed, never negative, compute unchanged
        String base = "model: qwen3-235b-a22b\nparallel: {tp: 2, pp: 8, vpp: 4, ep: 32, micro-batch: 1, global-batch: 2048, "
                + "precision: fp8%s}\ncluster: {gpu: H100-SXM, network: {topology: [Switch, Switch], npus_count: [8, 32], "
                + "bandwidth: [450, 50]}, fabric: [nvlink4-nvswitch, ib-ndr]}\n";
        TrainResult plain = LlmTrainer.run(cfg(String.format(base, "")));
        TrainResult over = LlmTrainer.run(cfg(String.format(base, ", ep-comm-overlap: true")));
        assertTrue(plain.feasible() && over.feasible());
        // a layer's forward (backward) all-to-all hides behind its backward (forward) compute: with these figures about
        // two thirds of the exposed all-to-all go (today 5.1 s of 13.0 s remain, 0.39): 0.6 leaves room, 1.0 would not
        assertTrue(over.epNs() >= 0 && over.epNs() < 0.6 * plain.epNs(), over.epNs() + " vs " + plain.epNs());
        assertTrue(over.iterationNs() < plain.iterationNs());
        // compute is unchanged but for the MoE forward's host floor (kernels.moe-host-us): a forward whose all-to-all no
        // longer shows waits for the host instead, as compute — so compute may grow, by less than the all-to-all went
        assertTrue(over.computeNs() >= plain.computeNs() - 1e-6 * plain.computeNs(), over.computeNs() + " vs " + plain.computeNs());
        assertTrue(over.computeNs() - plain.computeNs() < plain.epNs() - over.epNs());
        GpuProfile h100 = GpuProfile.named("H100-SXM");
        TrainConfig noFloor = withGpu(cfg(String.format(base, ", ep-comm-overlap: true")), h100.withKernels(h100.kernels().withMoeHostUs(0)));
        TrainConfig noFloorPlain = withGpu(cfg(String.format(base, "")), h100.withKernels(h100.kernels().withMoeHostUs(0)));
        assertArrayEquals(LlmTrainer.run(noFloorPlain).stageComputeNs(), LlmTrainer.run(noFloor).stageComputeNs(), 1e-6,
                "without the host floor, overlap changes no compute");
    }

    @Test
    void aMoeForwardShorterThanTheHostFloorTakesTheFloor() throws Exception {
        // 2 MoE layers, one pipeline stage, 8 GPUs in data parallel, global batch 32 → 4 micro-batches per rank. Both
        // floors (1 s, 2 s) are far above a layer's forward, so every MoE forward takes exactly its floor: the iteration
        // grows by 4 micro-batches · 2 layers · 1 s = 8 s, all of it compute (the backward has no floor)
        String yaml = "model: {layers: 2, hidden: 1024, heads: 16, kv-heads: 4, vocab: 32000, seq-len: 2048, gated-mlp: true, "
                + "experts: 8, topk: 2, expert-ffn-hidden: 1024}\nparallel: {tp: 1, pp: 1, ep: 8, micro-batch: 1, global-batch: 32}\n"
                + "cluster: {gpu: H100-SXM, network: {topology: [Switch], npus_count: [8], bandwidth: [450]}, fabric: [nvlink4-nvswitch]}\n";
        GpuProfile h100 = GpuProfile.named("H100-SXM");
        TrainResult one = LlmTrainer.run(withGpu(cfg(yaml), h100.withKernels(h100.kernels().withMoeHostUs(1e6))));
        TrainResult two = LlmTrainer.run(withGpu(cfg(yaml), h100.withKernels(h100.kernels().withMoeHostUs(2e6))));
        TrainResult none = LlmTrainer.run(withGpu(cfg(yaml), h100.withKernels(h100.kernels().withMoeHostUs(0))));
        assertEquals(4, one.microBatches());
        assertEquals(8e9, two.iterationNs() - one.iterationNs(), 1e-6 * two.iterationNs());
        assertEquals(8e9, two.computeNs() - one.computeNs(), 1e-6 * two.computeNs());
        // the waiting is reported apart (and is the whole difference to no floor at all)
        assertEquals(0, none.moeHostWaitNs());
        assertEquals(two.computeNs() - none.computeNs(), two.moeHostWaitNs(), 1e-6 * two.computeNs());
        assertEquals(8e9, two.moeHostWaitNs() - one.moeHostWaitNs(), 1e-6 * two.computeNs());
        // a floor below every forward (1 µs) changes nothing: the same iteration as no floor at all
        TrainResult tiny = LlmTrainer.run(withGpu(cfg(yaml), h100.withKernels(h100.kernels().withMoeHostUs(1))));
        assertEquals(none.iterationNs(), tiny.iterationNs(), 1e-9 * none.iterationNs());
        assertTrue(one.iterationNs() > none.iterationNs());
    }

    @Test
    void theHierarchicalDispatcherSendsATokenOnceToEachOtherNodeHoldingItsExperts() throws Exception {
        // 2 MoE layers, 16 experts top-4, EP 16 over two 8-GPU H100 nodes (g = 2 domains of r = 8 EP ranks), no DP: one
        // micro-batch of 2,048 tokens per rank. A domain holds none of a token's 4 distinct experts with probability
        // (8·7·6·5)/(16·15·14·13) = 1680/43680; so a token crosses InfiniBand (1 − that) times, against k·(g−1)/g = 2
        // copies of the plain all-to-all. One dispatch = max(all-to-all of 2,048·h·2·g·(1 − none) B among the 2
        // same-index ranks (stride 8), all-to-all of every copy, 2,048·4·h·2 B, inside the node); 4 per layer (dispatch
        // and combine, forward and backward), exposed
        String yaml = "model: {layers: 2, hidden: 1024, heads: 16, kv-heads: 4, vocab: 32000, seq-len: 2048, gated-mlp: true, "
                + "experts: 16, topk: 4, expert-ffn-hidden: 1024}\nparallel: {tp: 1, pp: 1, ep: 16, micro-batch: 1, global-batch: 16, "
                + "moe-dispatcher: %s}\ncluster: {gpu: H100-SXM, network: {topology: [Switch, Switch], npus_count: [8, 2], "
                + "bandwidth: [450, 50]}, fabric: [nvlink4-nvswitch, ib-ndr]}\n";
        TrainConfig hier = cfg(String.format(yaml, "hierarchical"));
        TrainResult h = LlmTrainer.run(hier);
        TrainResult plain = LlmTrainer.run(cfg(String.format(yaml, "alltoall")));
        double none = 1680.0 / 43680;
        org.astradse.hw.Cluster cl = hier.cluster();
        double across = org.astradse.hw.NcclModel.time(cl.group(8, 2), "alltoall", Math.round(2048 * 1024 * 2 * 2 * (1 - none)), "auto").timeUs();
        double inside = org.astradse.hw.NcclModel.time(cl.group(1, 8), "alltoall", 2048L * 4 * 1024 * 2, "auto").timeUs();
        assertEquals(1, h.microBatches());
        assertEquals(2 * 4 * Math.max(across, inside) * 1e3, h.epNs(), 1e-6 * h.epNs());
        assertTrue(h.epNs() < plain.epNs(), h.epNs() + " vs " + plain.epNs());
        assertTrue(hier.expertGroupSpansDomains());
        // inside one node the two dispatchers are one and the same all-to-all
        String node = yaml.replace("ep: 16", "ep: 8").replace("npus_count: [8, 2]", "npus_count: [8, 1]");
        assertEquals(LlmTrainer.run(cfg(String.format(node, "alltoall"))).iterationNs(),
                LlmTrainer.run(cfg(String.format(node, "hierarchical"))).iterationNs(), 0.0);
        assertTrue(!cfg(String.format(node, "hierarchical")).expertGroupSpansDomains());
    }

    static TrainConfig withGpu(TrainConfig c, GpuProfile g) {
        return new TrainConfig(c.file(), c.model(), c.parallel(), new org.astradse.hw.Cluster(c.cluster().file(), g, c.cluster().dims()));
    }

    @Test
    void megatronsUnevenPipelineSplit() {
        // 126 layers on 64 chunks: 128 = 126 + embedding + loss counted as layers; first and last one layer less
        int[] l = LlmTrainer.layersPerStage(126, 64);
        assertEquals(1, l[0]);
        assertEquals(1, l[63]);
        assertEquals(126, Arrays.stream(l).sum());
        assertArrayEquals(new int[] {4, 4, 4}, LlmTrainer.layersPerStage(12, 3));
        assertArrayEquals(new int[] {3, 4, 3}, LlmTrainer.layersPerStage(10, 3));
        assertNull(LlmTrainer.layersPerStage(9, 4));
        // 126 on 128 chunks (Megatron-Bridge's 405B on GB200, pp 16 × vpp 8): embedding alone, 126 chunks of one layer,
        // loss alone; a middle chunk without a layer is not a split Megatron makes (4 on 6 = 6 − 2 would need two empty)
        int[] e = LlmTrainer.layersPerStage(126, 128);
        assertEquals(0, e[0]);
        assertEquals(0, e[127]);
        assertEquals(126, Arrays.stream(e).sum());
        assertTrue(Arrays.stream(e, 1, 127).allMatch(x -> x == 1));
        assertArrayEquals(new int[] {1, 1, 0}, LlmTrainer.layersPerStage(2, 3));
        assertNull(LlmTrainer.layersPerStage(3, 6));
    }
}
