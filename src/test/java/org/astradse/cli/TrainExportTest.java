package org.astradse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.astradse.sim.LlmTrainer;
import org.astradse.sim.TrainResult;
import org.astradse.workload.et.EtNode;
import org.astradse.workload.et.EtTrace;
import org.astradse.workload.llm.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --export-chakra}: the generated workload round-trips through our own Chakra reader and graph layer,
 * every rank of a pipeline stage behaves alike (the representative-rank assumption of the trainer, checked on every
 * rank), and each rank's compute adds up to the trainer's for its stage.
 */
class TrainExportTest {
    @TempDir
    Path dir;

    static final String CLUSTER = """
            cluster:
              gpu: H100-SXM
              network: {topology: [Switch, Switch], npus_count: [4, 4], bandwidth: [450, 50]}
              fabric: [nvlink4-nvswitch, ib-ndr]
            """;

    /** Exports model × parallel on {@link #CLUSTER} into DIR/name (asserting exit 0); returns that folder. */
    Path export(String name, String model, String parallel) throws Exception {
        Path cfgFile = dir.resolve(name + ".yaml");
        Files.writeString(cfgFile, "model: " + model + "\nparallel: " + parallel + "\n" + CLUSTER);
        Path out = dir.resolve(name);
        CollectiveCommandTest.Run t = CollectiveCommandTest.run("train", "--config", cfgFile.toString(), "--export-chakra", out.toString());
        assertEquals(0, t.status(), t.err());
        return out;
    }

    void roundTrip(String name, String model, String parallel) throws Exception {
        Path out = export(name, model, parallel);
        TrainConfig cfg = TrainConfig.parse(dir.resolve(name + ".yaml"));
        TrainResult tr = LlmTrainer.run(cfg);
        int n = cfg.cluster().totalGpus();
        EtTrace trace = EtTrace.read(out.resolve("llm").toString(), n);
        assertEquals(n, trace.size());
        CollectiveCommandTest.Run sim = CollectiveCommandTest.run("simulate", "--workload-configuration=" + out.resolve("llm"),
                "--system-configuration=" + out.resolve("system.json"), "--network-configuration=" + out.resolve("network.yml"),
                "--comm-group-configuration=" + out.resolve("comm_groups.json"), "--json");
        assertEquals(0, sim.status(), name + ": " + sim.err());
        JsonNode o = new ObjectMapper().readTree(sim.out());
        assertEquals(0, o.get("warnings").size(), name + ": " + o.get("warnings"));
        int pp = cfg.parallel().pp();
        int perStage = n / pp;
        for (int r = 0; r < n; r++) {
            JsonNode npu = o.get("perNpu").get(r);
            JsonNode first = o.get("perNpu").get(r / perStage * perStage);
            // every rank of a stage finishes with its stage's first rank, with the same compute
            assertEquals(first.get("finishNs").asLong(), npu.get("finishNs").asLong(), name + " rank " + r);
            assertEquals(first.get("gpuTimeNs").asLong(), npu.get("gpuTimeNs").asLong(), name + " rank " + r);
            // its compute nodes add up to the trainer's compute for the stage, to the µs rounding of each node (plus
            // the optimizer step, which the trainer counts apart)
            long comp = 0;
            long compNodes = 0;
            long lastComp = 0;
            for (EtNode nd : trace.graphs().get(r).nodes()) {
                if (nd.type() == EtNode.COMP_NODE) {
                    comp += nd.durationMicros() * 1000;
                    lastComp = nd.durationMicros() * 1000;
                    compNodes++;
                }
            }
            comp -= lastComp; // the optimizer step, written last
            compNodes--;
            double expected = tr.stageComputeNs()[r / perStage];
            assertTrue(Math.abs(comp - expected) <= compNodes * 500 + 1, name + " rank " + r + ": " + comp + " vs " + expected);
        }
    }

    @Test
    void denseTpPpDp() throws Exception {
        roundTrip("dense", "{layers: 4, hidden: 1024, ffn-hidden: 4096, heads: 16, vocab: 32000, seq-len: 1024, gated-mlp: true}",
                "{tp: 2, pp: 2, micro-batch: 1, global-batch: 16}");
    }

    @Test
    void interleavedWithoutSp() throws Exception {
        roundTrip("vpp", "{layers: 8, hidden: 1024, ffn-hidden: 4096, heads: 16, vocab: 32000, seq-len: 1024}",
                "{tp: 2, pp: 2, vpp: 2, sp: false, micro-batch: 1, global-batch: 16, optimizer: none}");
    }

    @Test
    void chunksHoldingOnlyTheEmbeddingOrTheLoss() throws Exception {
        // 2 layers on pp 2 × vpp 2 = 4 chunks: 2 + embedding + loss = 4, so the first chunk holds the embedding alone and
        // the last the loss alone (Megatron's account_for_embedding/loss split; Megatron-Bridge runs 405B so on GB200)
        roundTrip("lone-embedding-and-loss", "{layers: 2, hidden: 1024, ffn-hidden: 4096, heads: 16, vocab: 32000, seq-len: 1024, gated-mlp: true}",
                "{tp: 2, pp: 2, vpp: 2, micro-batch: 1, global-batch: 16}");
    }

    @Test
    void aGroupFileUnderAPathNamedEmptyIsReadAsNoneAndSaysSo() throws Exception {
        // ASTRA-sim 2.0 reads any --comm-group-configuration containing "empty" as no file (SEMANTICS-ET case 26): we do
        // the same, and the warning names why the export's groups went missing
        Path out = export("empty-run", "{layers: 2, hidden: 1024, ffn-hidden: 4096, heads: 16, vocab: 32000, seq-len: 1024}",
                "{tp: 2, pp: 2, micro-batch: 1, global-batch: 16}");
        CollectiveCommandTest.Run sim = CollectiveCommandTest.run("simulate", "--workload-configuration=" + out.resolve("llm"),
                "--system-configuration=" + out.resolve("system.json"), "--network-configuration=" + out.resolve("network.yml"),
                "--comm-group-configuration=" + out.resolve("comm_groups.json"));
        assertEquals(2, sim.status(), sim.err());
        assertTrue(sim.err().contains("contains 'empty': read as no group file"), sim.err());
        assertTrue(sim.err().contains("communicator group"), sim.err());
    }

    @Test
    void fullRecompute() throws Exception {
        // the recomputed forward is compute in both the trainer and the export (its collectives are communication)
        roundTrip("full", "{layers: 4, hidden: 1024, ffn-hidden: 4096, heads: 16, vocab: 32000, seq-len: 1024, gated-mlp: true}",
                "{tp: 2, pp: 2, micro-batch: 1, global-batch: 16, recompute: full}");
    }

    @Test
    void moeWithExpertParallelismAndCp() throws Exception {
        roundTrip("moe", "{layers: 4, hidden: 1024, heads: 16, kv-heads: 4, vocab: 32000, seq-len: 2048, gated-mlp: true, "
                + "experts: 8, topk: 2, expert-ffn-hidden: 1024}", "{tp: 1, pp: 2, cp: 2, ep: 4, micro-batch: 1, global-batch: 16}");
    }

    @Test
    void contextParallelismPassesTheTensorShardsKeysAndValues() throws Exception {
        // tp 2 × cp 2 on 16 GPUs (dp 4), 2 layers, GQA with 4 KV heads of 64: a rank's CP shard is 2048 / 2 = 1024
        // tokens and its TP shard holds 4 / 2 = 2 KV heads, so each K/V exchange is 1024 · 2 · 2 · 64 · 2 B = 524,288 B
        // per NPU (not the 4 heads of the whole layer); one before each layer's forward attention: 2 layers × 2
        // micro-batches (global batch 8 / dp 4) = 4 on every rank
        Path out = export("cp", "{layers: 2, hidden: 1024, heads: 16, kv-heads: 4, ffn-hidden: 4096, vocab: 32000, seq-len: 2048}",
                "{tp: 2, pp: 1, cp: 2, micro-batch: 1, global-batch: 8}");
        EtTrace trace = EtTrace.read(out.resolve("llm").toString(), 16);
        for (int r = 0; r < 16; r++) {
            long kv = java.util.Arrays.stream(trace.graphs().get(r).nodes())
                    .filter(x -> x.commType() == EtNode.ALL_GATHER && x.commSize() == 524_288).count();
            assertEquals(4, kv, "rank " + r);
        }
    }
}
