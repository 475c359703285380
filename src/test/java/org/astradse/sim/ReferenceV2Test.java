package org.astradse.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.astradse.InputException;
import org.astradse.collective.CollectiveType;
import org.astradse.collective.SystemConfig;
import org.astradse.network.NetworkConfig;
import org.astradse.sim.CollectiveSimulator.Congestion;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of the original ASTRA-sim 2.0 (reference/astra-sim-2.0-cases.csv): ok cases reproduce the latest
 * finish and every NPU's finish (astra-sim-2.0-per-npu.csv) exactly, with and without the symmetric shortcut;
 * error cases are refused with an {@link InputException}.
 */
class ReferenceV2Test {
    static final Path INPUTS = Path.of("sweeps/inputs/astra-sim/2.0");
    static final Path REFERENCE = Path.of("src/test/resources/reference");

    record Case(String id, Congestion congestion, CollectiveType type, long size, int npus, String network,
                String system, long maxFinish, boolean ok) {
    }

    static List<CSVRecord> read(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file)) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r).getRecords();
        }
    }

    static List<Case> cases() throws IOException {
        List<Case> out = new ArrayList<>();
        for (CSVRecord r : read(REFERENCE.resolve("astra-sim-2.0-cases.csv"))) {
            boolean ok = r.get("status").equals("ok");
            out.add(new Case(r.get("case_id"), Congestion.valueOf(r.get("backend").toUpperCase()),
                    CollectiveType.fromName(r.get("collective")), Long.parseLong(r.get("size_bytes")),
                    Integer.parseInt(r.get("npus")), r.get("network"), r.get("system"),
                    ok ? Long.parseLong(r.get("max_finish_cycles")) : -1, ok));
        }
        return out;
    }

    static Map<String, long[]> perNpu() throws IOException {
        Map<String, TreeMap<Integer, Long>> m = new HashMap<>();
        for (CSVRecord r : read(REFERENCE.resolve("astra-sim-2.0-per-npu.csv"))) {
            if (r.get("finish_cycles").isEmpty()) continue; // error cases have no finish
            m.computeIfAbsent(r.get("case_id"), k -> new TreeMap<>())
                    .put(Integer.parseInt(r.get("npu")), Long.parseLong(r.get("finish_cycles")));
        }
        Map<String, long[]> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, v.values().stream().mapToLong(Long::longValue).toArray()));
        return out;
    }

    static CollectiveResult run(Case c, boolean allowSymmetry) {
        NetworkConfig net = NetworkConfig.parseYaml(INPUTS.resolve(c.network() + ".yml"));
        SystemConfig sys = SystemConfig.parseJson(INPUTS.resolve(c.system() + ".json"));
        return CollectiveSimulator.simulate(net, sys, c.type(), c.size(), c.congestion(), allowSymmetry);
    }

    @TestFactory
    Stream<DynamicTest> everyReferenceCase() throws IOException {
        Map<String, long[]> perNpu = perNpu();
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> {
            if (!c.ok()) {
                assertThrows(InputException.class, () -> run(c, true));
                return;
            }
            for (boolean symmetric : new boolean[] {true, false}) {
                CollectiveResult r = run(c, symmetric);
                assertEquals(c.maxFinish(), r.finishNs(), c.id() + " max finish, symmetric=" + symmetric);
                assertEquals(c.npus(), r.perNpuFinishNs().length);
                long[] expected = perNpu.get(c.id());
                if (expected != null) assertArrayEquals(expected, r.perNpuFinishNs(), c.id() + " per-NPU finish");
            }
        }));
    }
}
