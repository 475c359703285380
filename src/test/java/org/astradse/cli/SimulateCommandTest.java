package org.astradse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code simulate} and {@code bench} command lines: option spellings, CSVs, and refused input. */
class SimulateCommandTest {
    static final String V1 = "sweeps/inputs/astra-sim/1.0/";
    static final String RING8 = V1 + "network/gen_Ring8.json";
    static final String SYS = V1 + "system/gen_sw_1d_ring_ring_localBWAware_s4_LIFO.txt";
    static final String DATA2 = V1 + "workload/gen_data2_ar.txt";

    static JsonNode json(CollectiveCommandTest.Run r) throws Exception {
        assertEquals(0, r.status(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void bothOptionSpellingsGiveTheSameRun() throws Exception {
        // SEMANTICS V4: DATA loop, 2 passes, wg all-reduces of 64 KiB and 1 MiB on gen_Ring8: e2e 67845,
        // layer 0 wg exposed 25536 = 2·12768, wg totals 25538 / 63342
        JsonNode a = json(CollectiveCommandTest.run("simulate", "--network-configuration=" + RING8, "--system-configuration=" + SYS,
                "--workload-configuration=" + DATA2, "--num-passes=2", "--json"));
        JsonNode b = json(CollectiveCommandTest.run("simulate", "--network-configuration", RING8, "--system-configuration", SYS,
                "--workload-configuration", DATA2, "--num-passes", "2", "", "", "--json"));
        assertEquals(a, b);
        assertEquals(67845, a.get("endToEndNs").asLong());
        assertEquals(25536, a.get("layers").get(0).get("wg").get("exposedCommNs").asLong());
        assertEquals(25538, a.get("layers").get(0).get("wg").get("totalCommNs").asLong());
        assertEquals(63342, a.get("layers").get(1).get("wg").get("totalCommNs").asLong());
    }

    @Test
    void pathWritesLayerAndEndToEndCsvs(@TempDir Path dir) throws Exception {
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("simulate", "--network-configuration=" + RING8,
                "--system-configuration=" + SYS, "--workload-configuration=" + DATA2, "--num-passes=2", "--path=" + dir,
                "--run-name=probe", "--total-stat-rows=2", "--stat-row=1");
        assertEquals(0, r.status(), r.err());
        List<String> e2e = Files.readAllLines(dir.resolve("end_to_end.csv"));
        assertEquals("run_name,npus,end_to_end_ns,compute_ns,exposed_comm_ns", e2e.get(0));
        assertEquals("probe,8,67845,6640,61205", e2e.get(2)); // row 1 of 2; row 0 left empty
        List<String> layers = Files.readAllLines(dir.resolve("layers.csv"));
        // layer ℓ of run r is data row ℓ·R + r: layer 0 → row 1, layer 1 → row 3
        assertTrue(layers.get(2).startsWith("probe,0,l0,"), layers.get(2));
        assertTrue(layers.get(4).startsWith("probe,1,l1,"), layers.get(4));
    }

    @Test
    void benchReportsTimeAndResult() throws Exception {
        JsonNode o = json(CollectiveCommandTest.run("bench", "--network-configuration=" + RING8, "--system-configuration=" + SYS,
                "--workload-configuration=" + DATA2, "--num-passes=2", "--iterations", "3", "--json"));
        assertEquals(67845, o.get("endToEndNs").asLong());
        assertTrue(o.get("meanNanosPerSimulation").asLong() > 0);
    }

    @Test
    void badWorkloadsAreExplained(@TempDir Path dir) throws Exception {
        Path kw = dir.resolve("kw.txt");
        Files.writeString(kw, "PIPELINE\n1\nl0 -1 1 NONE 0 1 NONE 0 1 NONE 0 1\n");
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("simulate", "--network-configuration=" + RING8,
                "--system-configuration=" + SYS, "--workload-configuration=" + kw), "kw.txt", "PIPELINE");
        Path shortFile = dir.resolve("short.txt");
        Files.writeString(shortFile, "DATA\n2\nl0 -1 1 NONE 0 1 NONE 0 1 ALLREDUCE 1024 1\n");
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("simulate", "--network-configuration=" + RING8,
                "--system-configuration=" + SYS, "--workload-configuration=" + shortFile), "short.txt", "name");
        Path num = dir.resolve("num.txt");
        Files.writeString(num, "DATA\n1\nl0 -1 fast NONE 0 1 NONE 0 1 NONE 0 1\n");
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("simulate", "--network-configuration=" + RING8,
                "--system-configuration=" + SYS, "--workload-configuration=" + num), "num.txt", "line 3", "fast");
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("simulate", "--network-configuration=" + RING8,
                "--system-configuration=" + SYS, "--workload-configuration=" + dir), "directory");
    }

    @Test
    void workloadMistakesNameTheFileAndTheLine(@TempDir Path dir) throws Exception {
        // a typo in a collective keyword: the reference reads it as no collective and silently drops the traffic
        Path typo = dir.resolve("typo.txt");
        Files.writeString(typo, "DATA\n1\nl0 -1 1 NONE 0 1 NONE 0 1 ALLSHUFFLE 1048576 1\n");
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("simulate", "--network-configuration=" + RING8,
                "--system-configuration=" + SYS, "--workload-configuration=" + typo), "typo.txt", "line 3", "ALLSHUFFLE",
                "ALLREDUCE, ALLGATHER, REDUCESCATTER or ALLTOALL");
        // found only when planned on the network: a 2-byte collective with 4 splits (0-byte chunks), on line 4
        Path tiny = dir.resolve("tiny.txt");
        Files.writeString(tiny, "DATA\n2\nl0 -1 1 NONE 0 1 NONE 0 1 ALLREDUCE 1024 1\nl1 -1 1 NONE 0 1 NONE 0 1 ALLREDUCE 2 1\n");
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("simulate", "--network-configuration=" + RING8,
                "--system-configuration=" + SYS, "--workload-configuration=" + tiny), "tiny.txt", "line 4", "layer l1",
                "preferred-dataset-splits 4");
        // a model-parallel group of 3 does not divide a ring of 8 (group size on line 1)
        Path group = dir.resolve("group.txt");
        Files.writeString(group, "HYBRID_TRANSFORMER model_parallel_NPU_group: 3\n1\nl0 -1 1 ALLREDUCE 1024 1 NONE 0 1 ALLREDUCE 1024 1\n");
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("simulate", "--network-configuration=" + RING8,
                "--system-configuration=" + SYS, "--workload-configuration=" + group), "group.txt", "line 1",
                "model_parallel_NPU_group 3");
    }

    @Test
    void implementationTokensThatDoNotFitTheNetworkNameTheSystemFile() {
        // sample_torus_sys.txt has three ring tokens; gen_Ring8 has one dimension
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("simulate", "--network-configuration=" + RING8,
                "--system-configuration=" + V1 + "system/sample_torus_sys.txt", "--workload-configuration=" + DATA2),
                "sample_torus_sys.txt", "3 implementation tokens", "1 dimension");
    }

    @Test
    void aDimensionOfOneNpuIsWarned() throws Exception {
        // --units-count 1: the ring has one NPU, so nothing is communicated; the run is compute and steps only
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("simulate", "--network-configuration=" + RING8,
                "--system-configuration=" + SYS, "--workload-configuration=" + DATA2, "--units-count", "1", "--json");
        JsonNode o = json(r);
        assertTrue(r.err().contains("warning: " + RING8 + ": dimension 0 has 1 NPU"), r.err());
        assertEquals(6640 / 2, o.get("computeNs").asLong()); // one pass of gen_data2 (SEMANTICS V4): 3320 ns of compute
    }

    @Test
    void badSystemFilesAreExplained(@TempDir Path dir) throws Exception {
        String sys = Files.readString(Path.of(SYS));
        Path unknown = dir.resolve("unknown.txt");
        Files.writeString(unknown, sys + "\nturbo-mode: 1\n");
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("simulate", "--network-configuration=" + RING8,
                "--system-configuration=" + unknown, "--workload-configuration=" + DATA2), "unknown.txt", "turbo-mode");
        Path noSplits = dir.resolve("nosplits.txt");
        Files.writeString(noSplits, sys.replace("preferred-dataset-splits: 4", ""));
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("simulate", "--network-configuration=" + RING8,
                "--system-configuration=" + noSplits, "--workload-configuration=" + DATA2), "preferred-dataset-splits");
        Path sched = dir.resolve("sched.txt");
        Files.writeString(sched, sys + "\nintra-dimension-scheduling: SCF\n");
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("simulate", "--network-configuration=" + RING8,
                "--system-configuration=" + sched, "--workload-configuration=" + DATA2), "unsupported");
    }

    @Test
    void outOfRangeNetworkNumbersAreUserErrors(@TempDir Path dir) throws Exception {
        // 1e400 reads as Infinity: refused where it is read, naming the field, not later as an internal error
        Path net = dir.resolve("inf.json");
        Files.writeString(net, Files.readString(Path.of(RING8)).replaceAll("\"link-bandwidth\": \\[[^]]*]",
                "\"link-bandwidth\": [1e400]"));
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("simulate", "--network-configuration=" + net,
                "--system-configuration=" + SYS, "--workload-configuration=" + DATA2), "inf.json", "link-bandwidth[0]");
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("simulate", "--network-configuration=" + RING8,
                "--system-configuration=" + SYS, "--workload-configuration=" + DATA2, "--link-bandwidth", "0"),
                "--link-bandwidth", "positive");
    }

    @Test
    void badOptionsAreExplained() {
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("simulate", "--network-configuration=" + RING8,
                "--system-configuration=" + SYS, "--workload-configuration=" + DATA2, "--units-count", "8", "2"), "--units-count");
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("simulate", "--network-configuration=" + RING8,
                "--system-configuration=" + SYS, "--workload-configuration=" + DATA2, "--num-passes=0"), "--num-passes");
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("simulate", "--network-configuration=" + RING8,
                "--system-configuration=" + SYS, "--workload-configuration=" + DATA2, "stray"), "stray");
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("simulate", "--network-configuration=" + RING8,
                "--system-configuration=" + SYS, "--workload-configuration=" + DATA2, "--rendezvous-protocol=maybe"), "maybe");
    }

    @Test
    void twoPointZeroInputsRunTheSameWorkloads() throws Exception {
        // a 1-D 2.0 Ring of 8 (50 GB/s, 500 ns) with a 2.0 system: the loop runs; the 64 KiB and 1 MiB all-reduces
        // make the run longer than its 6650 ns of compute and steps (SEMANTICS V4)
        JsonNode o = json(CollectiveCommandTest.run("simulate", "--network-configuration=sweeps/inputs/astra-sim/2.0/Ring_8npus.yml",
                "--system-configuration=sweeps/inputs/astra-sim/2.0/Ring_4chunks.json", "--workload-configuration=" + DATA2,
                "--num-passes=2", "--json"));
        assertEquals(6640, o.get("computeNs").asLong());
        assertTrue(o.get("endToEndNs").asLong() > 6650);
    }
}
