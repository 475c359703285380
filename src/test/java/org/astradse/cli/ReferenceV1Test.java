package org.astradse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every runnable case of the original ASTRA-sim 1.0 (reference/astra-sim-1.0-cases.csv), through the
 * {@code simulate} command line exactly as the reference was called: ok cases reproduce end-to-end, compute and
 * exposed communication and every per-layer statistic (astra-sim-1.0-layers.csv); rejected or crashing cases
 * give a user error (exit 2) with a message; cases that only timed out in the reference must complete.
 */
class ReferenceV1Test {
    static final Path INPUTS = Path.of("sweeps/inputs/astra-sim/1.0");
    static final Path REFERENCE = Path.of("src/test/resources/reference");

    static List<CSVRecord> read(String name) throws IOException {
        try (Reader r = Files.newBufferedReader(REFERENCE.resolve(name))) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r).getRecords();
        }
    }

    /** The reference's arguments with input paths made relative to the bundled inputs. */
    static String[] args(String args) {
        List<String> out = new ArrayList<>();
        out.add("simulate");
        for (String a : args.trim().split("\\s+")) {
            if (a.equals("<i>")) a = "0";
            for (String opt : new String[] {"--network-configuration=", "--system-configuration=", "--workload-configuration="}) {
                if (a.startsWith(opt)) a = opt + INPUTS.resolve(a.substring(opt.length()));
            }
            out.add(a);
        }
        out.add("--json");
        return out.toArray(new String[0]);
    }

    @TestFactory
    Stream<DynamicTest> everyRunnableReferenceCase() throws IOException {
        Map<String, List<CSVRecord>> layers = new HashMap<>();
        for (CSVRecord r : read("astra-sim-1.0-layers.csv")) layers.computeIfAbsent(r.get("case_id"), k -> new ArrayList<>()).add(r);
        List<DynamicTest> tests = new ArrayList<>();
        for (CSVRecord c : read("astra-sim-1.0-cases.csv")) {
            String a = c.get("args");
            if (a.startsWith("(script)")) continue; // whole upstream scripts; their invocations are separate rows
            String id = c.get("case_id");
            String status = c.get("status");
            tests.add(DynamicTest.dynamicTest(id, () -> {
                CollectiveCommandTest.Run run = CollectiveCommandTest.run(args(a));
                if (status.equals("ok")) {
                    assertEquals(0, run.status(), run.err());
                    JsonNode o = new ObjectMapper().readTree(run.out());
                    assertEquals(Long.parseLong(c.get("e2e_time_ns")), o.get("endToEndNs").asLong(), id + " e2e");
                    assertEquals(Long.parseLong(c.get("total_compute_ns")), o.get("computeNs").asLong(), id + " compute");
                    assertEquals(Long.parseLong(c.get("exposed_comm_ns")), o.get("exposedCommNs").asLong(), id + " exposed");
                    for (CSVRecord l : layers.getOrDefault(id, List.of())) {
                        JsonNode j = o.get("layers").get(Integer.parseInt(l.get("layer_index")));
                        String where = id + " layer " + l.get("layer");
                        assertEquals(l.get("layer"), j.get("name").asText(), where);
                        assertEquals(Long.parseLong(l.get("collectives_issued")), j.get("collectivesIssued").asLong(), where + " issued");
                        for (String k : new String[] {"fwd", "wg", "ig"}) {
                            assertEquals(Long.parseLong(l.get(k + "_compute")), j.get(k).get("computeNs").asLong(), where + " " + k + " compute");
                            assertEquals(Long.parseLong(l.get(k + "_exposed_comm")), j.get(k).get("exposedCommNs").asLong(), where + " " + k + " exposed");
                            assertEquals(Long.parseLong(l.get(k + "_total_comm")), j.get(k).get("totalCommNs").asLong(), where + " " + k + " total");
                        }
                    }
                } else if (status.startsWith("timeout_300s")) {
                    assertEquals(0, run.status(), id + " must complete: " + run.err()); // SEMANTICS 8 #20
                } else {
                    assertEquals(2, run.status(), id + " must be a clear user error: " + run.out() + run.err());
                    assertTrue(run.err().startsWith("error: "), run.err());
                    assertFalse(run.err().contains("\tat "), run.err());
                }
            }));
        }
        return tests.stream();
    }
}
