package org.astradse.cli;

import static org.astradse.cli.CollectiveCommandTest.assertUserError;
import static org.astradse.cli.CollectiveCommandTest.run;
import static org.astradse.cli.SweepCommandTest.refused;
import static org.astradse.cli.SweepCommandTest.replace;
import static org.astradse.cli.SweepCommandTest.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes a fifth adversarial pass (about 190 sweep and search specs) found accepted without a word, evaluated point by
 * point, or refused with a message that did not say what was wrong.
 */
class BadInputPassFiveTest {
    static final String IN = Path.of("sweeps/inputs/astra-sim").toAbsolutePath() + "/";

    /** gen_data2_ar (DATA, all-reduce of the weight gradients) on a 3-D 2.0 network with the spec's own system section. */
    static final String INLINE = """
            name: inline
            workloads:
              - %s1.0/workload/gen_data2_ar.txt
            network:
              topology: [Ring, Ring, Ring]
              npus_count: [2, 2, 2]
              bandwidth: [100, 50, 25]
              latency: [200, 500, 1000]
            system:
              scheduling-policy: LIFO
              endpoint-delay: 10
              active-chunks-per-dimension: 1
              preferred-dataset-splits: 4
              all-reduce-implementation: [ring, ring, ring]
              all-gather-implementation: [ring, ring, ring]
              reduce-scatter-implementation: [ring, ring, ring]
              all-to-all-implementation: [ring, ring, ring]
              collective-optimization: localBWAware
              local-mem-bw: 1600
            sweep:
              network.bandwidth[0]: [100, 200]
            """.formatted(IN);

    @Test
    void anImplementationListTheSpecWritesHasOneTokenPerDimension(@TempDir Path dir) throws Exception {
        // a shorter list ran the all-reduce on the first two of three dimensions (the reference's rule for its files):
        // rows up to 3x faster at the same cost, taking the front
        refused(dir, "short", replace(INLINE, "  network.bandwidth[0]: [100, 200]",
                        "  system.all-reduce-implementation: [[ring, direct], [ring, ring, ring]]"),
                "sweep.system.all-reduce-implementation", "value [ring, direct]", "expected exactly 3");
        refused(dir, "shortBase", replace(INLINE, "all-reduce-implementation: [ring, ring, ring]",
                "all-reduce-implementation: [ring, direct]"), "the base configuration is invalid", "all-reduce-implementation",
                "2 implementation tokens", "expected exactly 3");
        // a longer list was an infeasible row per point
        refused(dir, "long", replace(INLINE, "  network.bandwidth[0]: [100, 200]",
                        "  system.all-reduce-implementation: [[ring, ring, ring, ring]]"),
                "sweep.system.all-reduce-implementation", "value [ring, ring, ring, ring]", "expected exactly 3");
        // small.yaml sweeps the lists of its system file on 2-D shapes: a swept list is the spec's own
        refused(dir, "sweptOverFile", replace(small(), "[[ring, ring], [halvingDoubling, ring], [direct, direct]]",
                "[[ring, ring], [ring]]"), "sweep.system.all-reduce-implementation", "value [ring]", "expected exactly 2");
    }

    @Test
    void aListOfAnotherRankIsAnInfeasibleRowWhereSomeShapeHasItsRank(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("mixed.yaml");
        Files.writeString(spec, replace(INLINE, "  network.bandwidth[0]: [100, 200]", String.join("\n",
                "  zip-shape:",
                "    network.topology: [[Ring, Ring], [Ring, Ring, Ring]]",
                "    network.npus_count: [[4, 2], [2, 2, 2]]",
                "    network.bandwidth: [[100, 50], [100, 50, 25]]",
                "    network.latency: [[200, 500], [200, 500, 1000]]",
                "  system.all-reduce-implementation: [[ring, direct], [ring, direct, ring]]")));
        Path out = dir.resolve("out");
        CollectiveCommandTest.Run r = run("sweep", spec.toString(), "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        List<String> rows = Files.readAllLines(out.resolve("points.csv"));
        assertEquals(5, rows.size(), String.join("\n", rows));
        // 2 shapes x 2 lists: the lists of the shape's rank run, the others are infeasible with the reason
        assertEquals(2, rows.stream().filter(l -> l.contains(",ok,")).count(), String.join("\n", rows));
        assertEquals(2, rows.stream().filter(l -> l.contains(",infeasible,") && l.contains("implementation tokens")
                && l.contains("expected exactly")).count(), String.join("\n", rows));
    }

    @Test
    void aSystemFileKeepsTheReferencesRuleWithItsWarning(@TempDir Path dir) throws Exception {
        // a 2.0 system file whose all-reduce list is shorter than the network: the reference runs the first dimensions,
        // and says so, as `simulate` does
        Path sys = dir.resolve("sys.json");
        Files.writeString(sys, Files.readString(Path.of(IN + "2.0/sys_ring-ring_localBWAware_s4_a1.json"))
                .replaceFirst("\"all-reduce-implementation\": *\\[[^]]*]", "\"all-reduce-implementation\": [\"ring\", \"direct\"]"));
        assertTrue(Files.readString(sys).contains("[\"ring\", \"direct\"]"));
        String spec = INLINE.replaceAll("(?s)system:.*?local-mem-bw: 1600\n", "system:\n  file: " + sys + "\n");
        Path file = dir.resolve("file.yaml");
        Files.writeString(file, spec);
        CollectiveCommandTest.Run r = run("sweep", file.toString(), "--out", dir.resolve("out").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("warning: " + sys + ": all-reduce-implementation: 2 tokens for 3 dimensions"), r.err());
    }

    @Test
    void aOnePointZeroNetworkFilesMistakesAreThatFiles(@TempDir Path dir) throws Exception {
        String torus = Files.readString(Path.of(IN + "1.0/network/sample_Torus3D.json"));
        String spec = INLINE.replaceAll("(?s)network:.*?latency: \\[200, 500, 1000]\n", "network:\n  file: net.json\n")
                .replace("  network.bandwidth[0]: [100, 200]", "  system.collective-optimization: [baseline, localBWAware]");
        // a misspelt optional key was ignored without a word (`simulate` warns)
        Files.writeString(dir.resolve("net.json"), replace(torus, "\"nic-latency\"", "\"nic-latencyy\""));
        Path file = dir.resolve("typo.yaml");
        Files.writeString(file, spec);
        CollectiveCommandTest.Run r = run("sweep", file.toString(), "--out", dir.resolve("out").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("warning: " + dir.resolve("net.json") + ": unknown keys ignored: nic-latencyy"), r.err());
        // a misspelt required key was blamed on the spec ("the base configuration is invalid"), its spelling unsaid
        Files.writeString(dir.resolve("net.json"), replace(torus, "\"link-bandwidth\"", "\"link-bandwidht\""));
        CollectiveCommandTest.Run m = run("sweep", file.toString(), "--out", dir.resolve("out2").toString());
        assertUserError(m, "net.json: link-bandwidth: missing", "does not: link-bandwidht");
        assertFalse(m.err().contains("typo.yaml"), m.err());
    }

    @Test
    void aMalformedChakraTraceStopsBeforeTheFirstPoint(@TempDir Path dir) throws Exception {
        // each point was an infeasible row naming the file, and the folder then blocked the corrected rerun
        Path traces = Files.createDirectories(dir.resolve("et"));
        Path from = Path.of(ChakraCommandTest.RESNET8).toAbsolutePath();
        for (int i = 0; i < 8; i++)
            Files.copy(Path.of(from + "." + i + ".et"), traces.resolve("et." + i + ".et"));
        byte[] five = Files.readAllBytes(traces.resolve("et.5.et"));
        Files.write(traces.resolve("et.5.et"), java.util.Arrays.copyOf(five, 100));
        String spec = INLINE.replace("  - " + IN + "1.0/workload/gen_data2_ar.txt", "  - chakra: " + traces.resolve("et"))
                .replaceAll("(?s)network:.*?latency: \\[200, 500, 1000]\n",
                        "network: {topology: [Ring], npus_count: [8], bandwidth: [50], latency: [500]}\n")
                .replace("[ring, ring, ring]", "[ring]");
        refused(dir, "trace", spec, "workloads", "et.5.et", "record 0", "malformed record");
    }

    @Test
    void aFolderWithoutAResultToProtectTakesTheCorrectedRerun(@TempDir Path dir) throws Exception {
        // a finished run without an ok point exits 2 and says why; its corrected rerun needed --force
        Path out = dir.resolve("out");
        Path spec = dir.resolve("c.yaml");
        Files.writeString(spec, INLINE + "constraints:\n  - \"network.bandwidth[0] > 1000\"\n");
        CollectiveCommandTest.Run none = run("sweep", spec.toString(), "--out", out.toString());
        assertEquals(2, none.status(), none.err());
        assertTrue(none.err().contains("no design point is ok"), none.err());
        Files.writeString(spec, INLINE + "constraints:\n  - \"network.bandwidth[0] > 10\"\n");
        CollectiveCommandTest.Run fixed = run("sweep", spec.toString(), "--out", out.toString());
        assertEquals(0, fixed.status(), fixed.err());
        assertTrue(fixed.err().contains("held a finished run without an ok point; its rows are replaced"), fixed.err());
        assertEquals(3, Files.readAllLines(out.resolve("points.csv")).size());
        // a run with ok rows is protected as before
        Files.writeString(spec, INLINE.replace("[100, 200]", "[100, 300]"));
        assertUserError(run("sweep", spec.toString(), "--out", out.toString()), "holds the results of a different run");
        // rows without a manifest were "an unfinished run of this spec; use --resume", which then refused
        Path foreign = Files.createDirectories(dir.resolve("foreign"));
        Files.writeString(foreign.resolve("points.csv"), "a,b,c\n1,2,3\n");
        CollectiveCommandTest.Run f = run("sweep", spec.toString(), "--out", foreign.toString());
        assertUserError(f, "holds rows but no manifest.json", "--force");
        assertFalse(f.err().contains("--resume"), f.err());
    }

    @Test
    void valuesAndPlacesAreSaidAsWritten(@TempDir Path dir) throws Exception {
        // a results folder that cannot be one: "cannot lock the results folder /dev/null: /dev/null"
        Path spec = dir.resolve("ok.yaml");
        Files.writeString(spec, INLINE);
        assertUserError(run("sweep", spec.toString(), "--out", "/dev/null"), "/dev/null", "not a folder", "expected a folder");
        // a 400-digit bandwidth reads as infinity: "expected a positive number ..., at least 10^-6", found a positive one
        refused(dir, "huge", replace(INLINE, "[100, 200]", "[100, " + "9".repeat(400) + "]"), "sweep.network.bandwidth[0]",
                "to 10^12");
        refused(dir, "e300", replace(INLINE, "[100, 200]", "[100, 1.0e300]"), "sweep.network.bandwidth[0]", "to 10^12");
        // a list as the name was shown as ''
        refused(dir, "listName", replace(INLINE, "name: inline", "name: [a, b]"), "name", "expected one word", "[\"a\",\"b\"]");
        // a domain key with nothing after it: "value  is not valid: ... found \"\""
        refused(dir, "empty", replace(INLINE, "network.bandwidth[0]: [100, 200]", "network.bandwidth[0]:"),
                "sweep.network.bandwidth[0]", "no value");
        // a folder where a file belongs: "no file /…"
        refused(dir, "netFolder", INLINE.replaceAll("(?s)network:.*?latency: \\[200, 500, 1000]\n", "network:\n  file: "
                + dir + "\n"), "network.file", "is a folder; expected a file");
    }
}
