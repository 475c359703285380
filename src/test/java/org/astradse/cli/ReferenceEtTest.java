package org.astradse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.astradse.InputException;
import org.astradse.sim.GraphResult;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/**
 * Every visible Chakra ET case of the real ASTRA-sim 2.0 ({@code astra-sim-2.0-et-cases.csv}, per NPU in
 * {@code astra-sim-2.0-et-per-npu.csv}): ok cases must match per NPU (finish, exposed communication, and every other
 * figure the reference printed); error, crash and hang cases must be refused with a user error. Each case also runs
 * with the symmetric shortcut off, and both runs must agree.
 */
class ReferenceEtTest {
    static final Path INPUTS = Path.of("sweeps/inputs/astra-sim");
    static final Path REFERENCE = Path.of("src/test/resources/reference");

    /** Defined behaviour that differs from the reference's crash (SEMANTICS-ET 4 #14): a 0-ns node at t = 0 runs. */
    static final List<String> DEFINED = List.of("e394_");


    static List<CSVRecord> csv(String name) throws IOException {
        try (Reader r = Files.newBufferedReader(REFERENCE.resolve(name))) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r).getRecords();
        }
    }

    static String[] args(CSVRecord c) {
        List<String> a = new ArrayList<>();
        a.add("--workload-configuration=" + INPUTS.resolve(c.get("workload")).resolve("et"));
        a.add("--system-configuration=" + INPUTS.resolve(c.get("system")));
        a.add("--network-configuration=" + INPUTS.resolve(c.get("network")));
        if (!c.get("memory").isEmpty()) a.add("--remote-memory-configuration=" + INPUTS.resolve(c.get("memory")));
        if (!c.get("comm_group").isEmpty()) a.add("--comm-group-configuration=" + INPUTS.resolve(c.get("comm_group")));
        String flags = c.get("extra_flags");
        if (flags.startsWith("--rendezvous")) a.add(flags);
        if (flags.startsWith("--comm-group-configuration="))
            a.add("--comm-group-configuration=" + INPUTS.resolve(flags.substring("--comm-group-configuration=".length())));
        a.add("--congestion=" + c.get("backend"));
        return a.toArray(String[]::new);
    }

    static GraphResult run(String[] args, boolean symmetry) {
        SimulateCommand cmd = CommandLine.populateCommand(new SimulateCommand(), args);
        ChakraRun.Setup s = ChakraRun.load(cmd.options);
        return new ChakraRun.Setup(s.graphs(), s.network(), s.system(), s.options().withSymmetry(symmetry), s.memory(),
                s.groups(), s.warnings()).simulate();
    }

    @TestFactory
    Stream<DynamicTest> everyVisibleCase() throws IOException {
        Map<String, List<CSVRecord>> perNpu = new HashMap<>();
        for (CSVRecord r : csv("astra-sim-2.0-et-per-npu.csv")) perNpu.computeIfAbsent(r.get("case_id"), k -> new ArrayList<>()).add(r);
        List<DynamicTest> tests = new ArrayList<>();
        for (CSVRecord c : csv("astra-sim-2.0-et-cases.csv")) {
            if (c.get("backend").equals("converter")) continue; // the converter's own failures (convert --to chakra)
            String id = c.get("case_id");
            tests.add(DynamicTest.dynamicTest(id, () -> check(c, perNpu.getOrDefault(id, List.of()))));
        }
        return tests.stream();
    }

    private static void check(CSVRecord c, List<CSVRecord> expected) {
        String id = c.get("case_id");
        String[] args = args(c);
        if (DEFINED.stream().anyMatch(id::startsWith)) {
            // e394 (sys_ring_roofline: LMB 1600 GB/s, peak 900 TFLOP/s): node 0, 10 ops on 10 bytes, OI 1, perf
            // min(1.6e12, 9e14) = 1.6e12 FLOP/s → ⌊10 / 1.6e12 · 1e9⌋ = 0 ns, a 0-ns node at t = 0; node 1, 2e9 ops on
            // 1e6 bytes: OI 2000, perf min(3.2e15, 9e14) = 9e14 → ⌊2.222…e-6 · 1e9⌋ = 2222 ns (SEMANTICS-ET 6.2). Finish
            // 2222 on every NPU, all of it GPU time: exposed 0
            GraphResult r = run(args, true);
            for (GraphResult.Npu n : r.perNpu()) {
                assertEquals(2222, n.finishNs(), id);
                assertEquals(0, n.exposedCommNs(), id);
            }
            return;
        }
        if (!c.get("status").equals("ok")) {
            InputException e = assertThrows(InputException.class, () -> run(args, true), id + " must be refused");
            assertTrue(e.getMessage().length() > 20, e.getMessage());
            return;
        }
        GraphResult r;
        GraphResult full;
        try {
            r = run(args, true);
            full = run(args, false);
        } catch (InputException e) {
            fail(id + ": " + e.getMessage());
            return;
        }
        assertEquals(Integer.parseInt(c.get("npus")), r.perNpu().size());
        assertEquals(full.perNpu(), r.perNpu(), id + ": the symmetric shortcut changed a number");
        for (CSVRecord e : expected) {
            int npu = Integer.parseInt(e.get("npu"));
            GraphResult.Npu n = r.perNpu().get(npu);
            String at = id + " NPU " + npu;
            assertEquals(e.get("finish_ns"), Long.toString(n.finishNs()), at + " finish");
            assertEquals(e.get("exposed_comm_ns"), Long.toUnsignedString(n.exposedCommNs()), at + " exposed");
            same(e, "wall_time_ns", n.wallTimeNs(), at);
            same(e, "gpu_time_ns", n.gpuTimeNs(), at);
            same(e, "comm_time_ns", n.commTimeNs(), at);
            same(e, "cpu_time_ns", n.cpuTimeNs(), at);
            same(e, "remote_mem_time_ns", n.remoteMemTimeNs(), at);
            same(e, "invalid_time_ns", n.invalidTimeNs(), at);
            same(e, "overlap_ns", n.overlapNs(), at);
            if (!e.get("compute_bound_pct").isEmpty()) {
                GraphResult.Roofline f = n.roofline();
                assertEquals(e.get("compute_bound_pct"), GraphResult.fixed3(f.computeBoundPct()), at);
                assertEquals(e.get("avg_compute_util_pct"), GraphResult.fixed3(f.computeUtilPct()), at);
                assertEquals(e.get("avg_mem_util_pct"), GraphResult.fixed3(f.memUtilPct()), at);
                assertEquals(e.get("avg_op_intensity"), GraphResult.fixed3(f.opIntensity()), at);
            }
        }
    }

    private static void same(CSVRecord e, String column, long actual, String at) {
        String v = e.get(column);
        if (!v.isEmpty()) assertEquals(v, Long.toString(actual), at + " " + column);
    }
}
