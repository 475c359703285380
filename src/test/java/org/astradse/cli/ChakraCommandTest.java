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

/** The Chakra ET command lines: {@code simulate} on a trace prefix (JSON and text), {@code convert}, and sweeps. */
class ChakraCommandTest {
    static final String IN = "sweeps/inputs/astra-sim/";
    static final String RESNET8 = IN + "2.0-et/workload/txt_Resnet50_DataParallel_n8_p1/et";

    static CollectiveCommandTest.Run simulate(String workload, String... more) {
        String[] base = {"simulate", "--workload-configuration=" + workload, "--system-configuration=" + IN + "2.0/Ring_4chunks.json",
                "--network-configuration=" + IN + "2.0/Ring_8npus.yml"};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CollectiveCommandTest.run(args);
    }

    @Test
    void jsonCarriesTheContractFields() throws Exception {
        // reference case e001 (astra-sim-2.0-et-per-npu.csv): every NPU finishes at 1082479776 ns, exposed 29776,
        // Comm 5033788, wall = finish, GPU 1082450000 (the 1.0 compute values read as µs), overlap GPU + Comm − wall
        CollectiveCommandTest.Run r = simulate(RESNET8, "--remote-memory-configuration=" + IN + "2.0/no_memory_expansion.json", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode o = new ObjectMapper().readTree(r.out());
        assertEquals(1082479776L, o.get("finishNs").asLong());
        assertEquals(8, o.get("perNpu").size());
        for (JsonNode n : o.get("perNpu")) {
            assertEquals(1082479776L, n.get("finishNs").asLong());
            assertEquals(29776, n.get("exposedCommNs").asLong());
            assertEquals(5033788, n.get("commTimeNs").asLong());
            assertEquals(1082479776L, n.get("wallTimeNs").asLong());
            assertEquals(1082450000L, n.get("gpuTimeNs").asLong());
            assertEquals(1082450000L + 5033788 - 1082479776L, n.get("overlapNs").asLong());
        }
        assertTrue(o.get("symmetric").asBoolean());
    }

    @Test
    void textPrintsTheReferenceLinesThenASummary() {
        CollectiveCommandTest.Run r = simulate(RESNET8);
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("sys[0] finished, 1082479776 cycles, exposed communication 29776 cycles.", lines.get(0));
        assertTrue(lines.contains("sys[7], Wall time: 1082479776"), r.out());
        assertTrue(lines.contains("sys[3], Comm time: 5033788"), r.out());
        assertTrue(lines.get(lines.size() - 1).startsWith("8 NPUs: finished at 1082479776 ns"), lines.get(lines.size() - 1));
    }

    @Test
    void aMissingRankFileIsAUserError() {
        // err_missing_npu_file_n4 has ranks 0-2 only; on 8 NPUs rank 3 is the first missing file
        CollectiveCommandTest.Run r = simulate(IN + "2.0-et/workload/err_missing_npu_file_n4/et");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("et.3.et does not exist"), r.err());
        assertTrue(!r.err().contains("Exception"), r.err());
    }

    @Test
    void convertWritesATraceSetThatSimulatesToTheReference(@TempDir Path dir) {
        String prefix = dir.resolve("resnet/et").toString();
        CollectiveCommandTest.Run c = CollectiveCommandTest.run("convert", "--to", "chakra", "--input",
                IN + "1.0/workload/Resnet50_DataParallel.txt", "--output", prefix, "--num-npus", "8");
        assertEquals(0, c.status(), c.err());
        assertTrue(Files.isRegularFile(Path.of(prefix + ".7.et")));
        CollectiveCommandTest.Run r = simulate(prefix, "--json");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("\"finishNs\":1082479776"), r.out());
        CollectiveCommandTest.Run bad = CollectiveCommandTest.run("convert", "--to", "chakra", "--input",
                IN + "1.0/workload/Transformer_HybridParallel.txt", "--output", prefix, "--num-npus", "8");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("HYBRID_TRANSFORMER"), bad.err());
    }

    @Test
    void aChakraSweepRunsAndABadPrefixIsRefusedBeforeTheFirstPoint(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("s.yaml");
        Path wl = Path.of(RESNET8).toAbsolutePath();
        Files.writeString(spec, """
                name: s
                workloads:
                  - chakra: %s
                network: {topology: [Ring], npus_count: [8], bandwidth: [50], latency: [500]}
                system:
                  scheduling-policy: LIFO
                  endpoint-delay: 10
                  active-chunks-per-dimension: 1
                  preferred-dataset-splits: 4
                  all-reduce-implementation: [ring]
                  all-gather-implementation: [ring]
                  reduce-scatter-implementation: [ring]
                  all-to-all-implementation: [ring]
                  collective-optimization: localBWAware
                  local-mem-bw: 1600
                sweep:
                  network.bandwidth[0]: [50, 100]
                """.formatted(wl));
        Path out = dir.resolve("out");
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", spec.toString(), "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        List<String> rows = Files.readAllLines(out.resolve("points.csv"));
        assertEquals(3, rows.size());
        // bandwidth 50 is reference case e001's Ring_8npus: end_to_end = the latest finish, compute = its GPU time
        assertTrue(rows.get(1).contains(",ok,,50,8,1082479776,1082450000,29776,"), rows.get(1));
        // scheduling-policy EXPLICIT is a Chakra system's policy too; an NPU runs one collective at a time in a graph,
        // so it changes no number (SEMANTICS-ET 2.3: e240-e242 all 148000): the same rows as LIFO
        Path explicit = dir.resolve("e.yaml");
        Files.writeString(explicit, Files.readString(spec).replace("scheduling-policy: LIFO", "scheduling-policy: EXPLICIT"));
        CollectiveCommandTest.Run e = CollectiveCommandTest.run("sweep", explicit.toString(), "--out", dir.resolve("oe").toString());
        assertEquals(0, e.status(), e.err());
        assertEquals(rows, Files.readAllLines(dir.resolve("oe").resolve("points.csv")));
        Files.writeString(spec, Files.readString(spec).replace(wl.toString(), wl + "-typo"));
        CollectiveCommandTest.Run bad = CollectiveCommandTest.run("sweep", spec.toString(), "--out", dir.resolve("o2").toString());
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("workloads[0].chakra") && bad.err().contains("-typo"), bad.err());
        assertTrue(!Files.exists(dir.resolve("o2").resolve("points.csv")));
    }
}
