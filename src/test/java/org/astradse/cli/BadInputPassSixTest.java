package org.astradse.cli;

import static org.astradse.cli.CollectiveCommandTest.assertUserError;
import static org.astradse.cli.CollectiveCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leftovers stop 26's passes listed: messages that did not name the file, warnings missing from the JSON. */
class BadInputPassSixTest {
    static final String IN = "sweeps/inputs/astra-sim/";

    @Test
    void aRefusedAlgorithmNamesTheClusterFile(@TempDir Path dir) throws Exception {
        Path c = dir.resolve("two-nodes.yaml");
        Files.writeString(c, """
                cluster:
                  gpu: H100-SXM
                  network:
                    topology: [Switch, Switch]
                    npus_count: [8, 2]
                    bandwidth: [450, 50]
                  fabric: [nvlink4-nvswitch, ib-ndr]
                """);
        // tree is an all-reduce algorithm (NCCL's tuner offers it for nothing else)
        assertUserError(run("nccl-tests", "--cluster", c.toString(), "--op", "all_gather", "--algo", "tree"),
                "--algo tree", "all_gather", "--cluster " + c);
    }

    @Test
    void aResumedSearchCannotShrinkItsBudget(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("s");
        String[] base = {"search", "sweeps/quickstart.yaml", "--population", "10", "--seed", "2", "--out", out.toString()};
        CollectiveCommandTest.Run first = run(concat(base, "--budget", "30"));
        assertEquals(0, first.status(), first.err());
        byte[] points = Files.readAllBytes(out.resolve("points.csv"));
        byte[] manifest = Files.readAllBytes(out.resolve("manifest.json"));
        // the replay stopped at 20 and kept all 30 rows: a manifest of budget 20, a front of 30 rows' search
        assertUserError(run(concat(base, "--budget", "20", "--resume")), "--budget 20", "already holds 30 evaluated points",
                "use --budget 30 or more");
        assertTrue(java.util.Arrays.equals(points, Files.readAllBytes(out.resolve("points.csv"))), "points.csv untouched");
        assertTrue(java.util.Arrays.equals(manifest, Files.readAllBytes(out.resolve("manifest.json"))), "manifest untouched");
        // the same budget (or a larger one) resumes as before
        CollectiveCommandTest.Run again = run(concat(base, "--budget", "30", "--resume"));
        assertEquals(0, again.status(), again.err());
        assertTrue(java.util.Arrays.equals(points, Files.readAllBytes(out.resolve("points.csv"))));
    }

    @Test
    void benchTimesAChakraTraceSet() throws Exception {
        // reference case e001 (ASTRA-sim 2.0 on the ResNet-50 trace set, 8 NPUs): every NPU finishes at 1082479776 ns
        CollectiveCommandTest.Run r = run("bench", "--workload-configuration=" + IN + "2.0-et/workload/txt_Resnet50_DataParallel_n8_p1/et",
                "--system-configuration=" + IN + "2.0/Ring_4chunks.json", "--network-configuration=" + IN + "2.0/Ring_8npus.yml",
                "--iterations", "1", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(1082479776L, j.get("endToEndNs").asLong());
        assertEquals(8, j.get("npus").asInt());
        assertTrue(j.get("meanNanosPerSimulation").asLong() > 0);
    }

    @Test
    void simulateJsonCarriesTheInputsWarnings(@TempDir Path dir) throws Exception {
        ObjectMapper om = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode net =
                (com.fasterxml.jackson.databind.node.ObjectNode) om.readTree(Path.of(IN + "1.0/network/gen_Ring8.json").toFile());
        net.put("colour", "red");
        Path n = dir.resolve("net.json");
        om.writeValue(n.toFile(), net);
        CollectiveCommandTest.Run r = run("simulate", "--workload-configuration=" + IN + "1.0/workload/gen_data2_ar.txt",
                "--system-configuration=" + IN + "1.0/system/gen_sw_1d_ring_ring_baseline_s4_LIFO.txt",
                "--network-configuration=" + n, "--json");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("unknown keys ignored: colour"), r.err());
        // what stderr says, the JSON says: a script reading --json sees the ignored key too
        JsonNode w = om.readTree(r.out()).get("warnings");
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).asText().contains(n + ": unknown keys ignored: colour"), w.toString());
    }

    @Test
    void aPerNodeMemoryForAnotherNpuCountIsWarnedAbout(@TempDir Path dir) throws Exception {
        // 1 node × 2 NPUs on a 4-NPU network: ranks 2 and 3 are in no memory node (node = rank div num-npus-per-node)
        Path m = dir.resolve("mem.json");
        Files.writeString(m, "{\"memory-type\": \"PER_NODE_MEMORY_EXPANSION\", \"num-nodes\": 1, \"num-npus-per-node\": 2, "
                + "\"remote-mem-latency\": 500, \"remote-mem-bw\": 50}");
        String[] args = {"simulate", "--workload-configuration=" + IN + "2.0-et/workload/syn_mem_n4/et",
                "--system-configuration=" + IN + "2.0/Ring_4chunks.json", "--network-configuration=" + IN + "2.0/Ring_4npus.yml",
                "--remote-memory-configuration=" + m};
        CollectiveCommandTest.Run r = run(args);
        assertUserError(r, "rank 2 is in no memory node");
        assertTrue(r.err().contains("warning: " + m + ": num-nodes 1 × num-npus-per-node 2 = 2 NPUs, the network has 4"), r.err());
        // the bundled 2 × 2 file fits: no warning (reference case e285's file)
        CollectiveCommandTest.Run ok = run("simulate", args[1], args[2], args[3],
                "--remote-memory-configuration=" + IN + "2.0-et/memory/mem_per_node.json");
        assertEquals(0, ok.status(), ok.err());
        assertTrue(!ok.err().contains("warning"), ok.err());
    }

    @Test
    void anInfeasibleExportNamesTheConfiguration(@TempDir Path dir) throws Exception {
        // tp 8 · pp 3 does not divide 1,024 GPUs: no traces for a layout that cannot run
        Path c = dir.resolve("run.yaml");
        Files.writeString(c, Files.readString(Path.of("sweeps/llm/llama3-70b-1024xh100.yaml")).replace("pp: 4, vpp: 5", "pp: 3"));
        assertUserError(run("train", "--config", c.toString(), "--export-chakra", dir.resolve("et").toString()),
                c + ": cannot export an infeasible layout", "8·3·1 = 24 does not divide");
        assertTrue(!Files.exists(dir.resolve("et")), "nothing written");
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
