package org.astradse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --config RUN.yaml}: the JSON contract, infeasible layouts (exit 0) and malformed files (exit 2). */
class TrainCommandTest {
    @TempDir
    Path dir;

    static final String CLUSTER = """
            cluster:
              gpu: H100-SXM
              network: {topology: [Switch, Switch], npus_count: [8, 8], bandwidth: [450, 50]}
              fabric: [nvlink4-nvswitch, ib-ndr]
            """;

    Path write(String name, String yaml) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void jsonCarriesTheContractFields() throws Exception {
        Path f = write("run.yaml", "model: llama3-70b\nparallel: {tp: 4, pp: 8, vpp: 5, micro-batch: 1, global-batch: 128, precision: fp8}\n" + CLUSTER);
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("train", "--config", f.toString(), "--json", "--bench", "3");
        assertEquals(0, r.status(), r.err());
        JsonNode o = new ObjectMapper().readTree(r.out());
        assertTrue(o.get("feasible").asBoolean(), r.out());
        for (String k : new String[] {"iterationNs", "tokensPerSecondPerGpu", "modelTflopsPerGpu", "mfu", "memoryPeakBytesPerGpu",
                "computeNs", "bubbleNs", "tpNs", "cpNs", "epNs", "ppNs", "dpNs", "optimizerNs", "meanNanosPerConfiguration"})
            assertTrue(o.get(k).isNumber(), k + " in " + r.out());
        for (String k : new String[] {"weights", "gradients", "optimizer", "activations", "other"})
            assertTrue(o.get("memoryBytes").get(k).asDouble() > 0, k);
        // invariants: dp = 64 / (4·8) = 2, m = 128 / (1·2) = 64; tokens/s/GPU = B·s / (t · N)
        assertEquals(2, o.get("dp").asInt());
        assertEquals(64, o.get("microBatches").asInt());
        double s = o.get("iterationNs").asDouble() / 1e9;
        assertEquals(128.0 * 8192 / s / 64, o.get("tokensPerSecondPerGpu").asDouble(), 1e-6);
        // causal model FLOPs per token of Llama 3 70B: 449.2 GFLOP (LLM-MODEL.md 7.2)
        assertEquals(449.2e9, o.get("modelTflopsPerGpu").asDouble() * 1e12 * s * 64 / (128.0 * 8192), 0.1e9);
        double sum = 0;
        for (JsonNode v : o.get("memoryBytes")) sum += v.asDouble();
        assertEquals(sum, o.get("memoryPeakBytesPerGpu").asDouble(), 1);
    }

    @Test
    void infeasibleLayoutsNameTheNumbers() throws Exception {
        String[][] cases = {
                {"parallel: {tp: 16, global-batch: 64}", "tp 16 does not divide kv-heads 8"},
                {"parallel: {tp: 8, pp: 3, global-batch: 64}", "does not divide the cluster's 64 GPUs"},
                {"parallel: {tp: 8, pp: 4, dp: 4, global-batch: 64}", "≠ the cluster's 64 GPUs"},
                // dp = 64 GPUs / (tp 8 · pp 2) = 4
                {"parallel: {tp: 8, pp: 2, global-batch: 66}", "global-batch 66 is not a multiple of micro-batch·dp = 1·4"},
                {"parallel: {tp: 1, pp: 1, global-batch: 64, optimizer: none}", "exceeds the H100-SXM's 80 GiB"},
                // Megatron's interleaved schedule: micro-batches in groups of pp (6 / (1·2) = 3 is not a multiple of 4)
                {"parallel: {tp: 8, pp: 4, vpp: 2, global-batch: 6}", "needs the micro-batches (global-batch / (micro-batch·dp) = 3) to be a multiple of pp 4"},
        };
        for (String[] c : cases) {
            Path f = write("bad.yaml", "model: llama3-70b\n" + c[0] + "\n" + CLUSTER);
            CollectiveCommandTest.Run r = CollectiveCommandTest.run("train", "--config", f.toString(), "--json");
            assertEquals(0, r.status(), c[0] + ": " + r.err());
            JsonNode o = new ObjectMapper().readTree(r.out());
            assertFalse(o.get("feasible").asBoolean(), c[0]);
            assertTrue(o.get("reason").asText().contains(c[1]), c[0] + " → " + o.get("reason").asText());
            // the contract's fields are there on every configuration: numbers, or null where the layout was refused
            // before they exist (memory too: only the last-but-one case, above the GPU's memory, has it)
            for (String k : new String[] {"iterationNs", "tokensPerSecondPerGpu", "modelTflopsPerGpu", "mfu", "memoryPeakBytesPerGpu",
                    "computeNs", "bubbleNs", "tpNs", "cpNs", "epNs", "ppNs", "dpNs", "optimizerNs"})
                assertTrue(o.has(k) && (o.get(k).isNumber() || o.get(k).isNull()), k + " in " + r.out());
            for (String k : new String[] {"weights", "gradients", "optimizer", "activations", "other"})
                assertTrue(c[1].contains("80 GiB") ? o.get("memoryBytes").get(k).isNumber() : o.get("memoryBytes").get(k).isNull(),
                        k + " in " + r.out());
        }
    }

    @Test
    void malformedFilesAreUserErrorsNamingTheField() throws Exception {
        String[][] cases = {
                {"model: llama-70b\nparallel: {global-batch: 8}\n", "model: unknown model 'llama-70b'"},
                {"model: llama3-8b\nparallel: {tp: 2.5, global-batch: 8}\n", "parallel.tp"},
                {"model: llama3-8b\nparallel: {tp: -2, global-batch: 8}\n", "parallel.tp"},
                {"model: llama3-8b\nparallel: {tp: 2, global-batch: 8, recompute: some}\n", "parallel.recompute"},
                {"model: llama3-8b\nparallel: {tpp: 2, global-batch: 8}\n", "parallel.tpp"},
                {"model: {layers: 0, hidden: 4096, heads: 32, ffn-hidden: 1, vocab: 10, seq-len: 8}\nparallel: {global-batch: 8}\n", "model.layers"},
                {"model: llama3-8b\nparallel: {tp: 2}\n", "parallel.global-batch"},
                // a key given twice: YAML would keep the last one silently
                {"model: llama3-8b\nparallel: {tp: 8, global-batch: 8, tp: 4}\n", "the key 'tp' is given twice"},
                {"model: llama3-8b\nparallel: [8, 4, 5]\n", "parallel: found [8,4,5]"},
        };
        for (String[] c : cases) {
            Path f = write("m.yaml", c[0] + CLUSTER);
            CollectiveCommandTest.Run r = CollectiveCommandTest.run("train", "--config", f.toString());
            assertEquals(2, r.status(), c[0] + r.out());
            assertTrue(r.err().contains(f.toString()) && r.err().contains(c[1]) && !r.err().contains("Exception"), r.err());
        }
        Path f = write("nocluster.yaml", "model: llama3-8b\nparallel: {global-batch: 8}\ncluster: {gpu: H1000}\n");
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("train", "--config", f.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("cluster.gpu"), r.err());
    }

    @Test
    void profileFilesAreNamedRelativeToTheConfiguration() throws Exception {
        // a GPU profile beside the configuration (not in the working directory), by a relative name
        Path sub = Files.createDirectories(dir.resolve("sub"));
        Files.writeString(sub.resolve("my-gpu.yaml"), Files.readString(Path.of("src/main/resources/org/astradse/hw/gpus/H100-SXM.yaml"))
                .replace("name: H100-SXM", "name: my-gpu"));
        Path f = sub.resolve("run.yaml");
        Files.writeString(f, "model: llama3-8b\nparallel: {tp: 2, global-batch: 128}\n" + CLUSTER.replace("gpu: H100-SXM", "gpu: my-gpu.yaml"));
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("train", "--config", f.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        assertTrue(new ObjectMapper().readTree(r.out()).get("feasible").asBoolean(), r.out());
    }

    @Test
    void aBundledClusterByName() throws Exception {
        Path f = write("named.yaml", "model: llama3-8b\nparallel: {tp: 1, global-batch: 128}\ncluster: dgx-h100\n");
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("train", "--config", f.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        assertEquals(128, new ObjectMapper().readTree(r.out()).get("gpus").asInt());
    }
}
