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
    void aUniformListStillFollowsTheRank(@TempDir Path dir) throws Exception {
        // [ring] on a 3-D network runs a ring per dimension (a uniform list no domain sets follows the rank: README),
        // and a swept key's base value never runs: neither is a short list (the review of this stop's first version)
        Path spec = dir.resolve("uniform.yaml");
        Files.writeString(spec, INLINE.replace("all-gather-implementation: [ring, ring, ring]", "all-gather-implementation: [ring]")
                .replace("all-reduce-implementation: [ring, ring, ring]", "all-reduce-implementation: [ring, direct]")
                .replace("  network.bandwidth[0]: [100, 200]", "  system.all-reduce-implementation: [[ring, ring, ring], "
                        + "[direct, direct, direct]]"));
        CollectiveCommandTest.Run r = run("sweep", spec.toString(), "--out", dir.resolve("out").toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(2, Files.readAllLines(dir.resolve("out").resolve("points.csv")).stream().filter(l -> l.contains(",ok,")).count());
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

    // ---- the other commands' inputs (a second pass over simulate, collective, convert, merge, export, profiles) ----

    static final String NET1 = IN + "1.0/network/gen_Ring8.json";
    static final String SYS1 = IN + "1.0/system/gen_sw_1d_ring_ring_baseline_s4_LIFO.txt";
    static final String AR1M = IN + "1.0/workload/gen_micro_AR_1M.txt";

    static CollectiveCommandTest.Run simulate(String net, String sys, String wl, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("simulate", "--network-configuration=" + net,
                "--system-configuration=" + sys, "--workload-configuration=" + wl));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    @Test
    void valuesThatWrapPastTwoToTheSixtyThreeNanosecondsAreRefused(@TempDir Path dir) throws Exception {
        // a 1.0 link latency of 10^18 ns read as "end-to-end 5 ns"; an endpoint delay of 10^18 too
        Path net = dir.resolve("lat.json");
        Files.writeString(net, Files.readString(Path.of(NET1)).replaceFirst("\"link-latency\": *\\[[^]]*]", "\"link-latency\": [1e18]"));
        assertTrue(Files.readString(net).contains("1e18"));
        assertUserError(simulate(net.toString(), SYS1, AR1M), "lat.json", "link-latency[0]", "up to 10^12", "1.0E18");
        Path bw = dir.resolve("bw.json");
        Files.writeString(bw, Files.readString(Path.of(NET1)).replaceFirst("\"link-bandwidth\": *\\[[^]]*]", "\"link-bandwidth\": [1e300]"));
        assertUserError(simulate(bw.toString(), SYS1, AR1M), "bw.json", "link-bandwidth[0]", "up to 10^12");
        Path sys = dir.resolve("delay.txt");
        Files.writeString(sys, Files.readString(Path.of(SYS1)).replaceFirst("endpoint-delay: *\\d+", "endpoint-delay: 1000000000000000000"));
        assertUserError(simulate(NET1, sys.toString(), AR1M), "delay.txt", "endpoint-delay", "from 0 to 1000000000000");
        // --comm-scale=Infinity ran (NaN was refused): an 18-digit time
        assertUserError(simulate(NET1, SYS1, AR1M, "--comm-scale=Infinity"), "--comm-scale", "at most 1000000", "Infinity");
    }

    @Test
    void referenceFilesSayWhatIsWrongInTheirOwnWords(@TempDir Path dir) throws Exception {
        // the dependency column was read as any word ("xyz" ran); the reference reads an integer there
        Path wl = dir.resolve("dep.txt");
        Files.writeString(wl, Files.readString(Path.of(AR1M)).replaceFirst("(?m)^(\\S+)\\s+-1\\s", "$1 xyz "));
        assertTrue(Files.readString(wl).contains(" xyz "), Files.readString(wl));
        assertUserError(simulate(NET1, SYS1, wl.toString()), "dep.txt", "line 3", "dependency", "'xyz'");
        // a 1.0 system key without its value was blamed on the next line ("expected a key ending in ':', found 'ring'")
        Path sys = dir.resolve("empty.txt");
        Files.writeString(sys, Files.readString(Path.of(SYS1)).replaceFirst("all-reduce-implementation: *\\S+", "all-reduce-implementation: "));
        assertUserError(simulate(NET1, sys.toString(), AR1M), "empty.txt", "all-reduce-implementation: has no value",
                "the next token is the key");
        // JSON parser words: Jackson's feature flag for NaN, its token list, "Duplicate field"
        Path nan = dir.resolve("nan.json");
        Files.writeString(nan, Files.readString(Path.of(NET1)).replaceFirst("\"link-latency\": *\\[[^]]*]", "\"link-latency\": [NaN]"));
        CollectiveCommandTest.Run r = simulate(nan.toString(), SYS1, AR1M);
        assertUserError(r, "nan.json", "'NaN' is not a finite number");
        assertFalse(r.err().contains("JsonReadFeature"), r.err());
        r = run("collective", "--network", IN + "2.0/Ring_8npus.yml", "--system", SYS1, "--collective", "all-reduce", "--size", "1024");
        assertUserError(r, SYS1, "where a JSON value belongs");
        assertFalse(r.err().contains("was expecting"), r.err());
        // an implementation-token error of a 2.0 system file did not name it
        Path two = dir.resolve("two.json");
        Files.writeString(two, Files.readString(Path.of(IN + "2.0/Ring_4chunks.json"))
                .replaceFirst("\"all-reduce-implementation\": *\\[[^]]*]", "\"all-reduce-implementation\": [\"ring\", \"ring\"]"));
        assertUserError(run("collective", "--network", IN + "2.0/Ring_8npus.yml", "--system", two.toString(), "--collective",
                "all-reduce", "--size", "1024"), "two.json: all-reduce-implementation", "expected exactly 1", "Ring_8npus.yml");
        // protobuf's words for a cut Chakra trace ("While parsing a protocol message, the input ended unexpectedly")
        Path et = Files.createDirectories(dir.resolve("et"));
        Path from = Path.of(ChakraCommandTest.RESNET8).toAbsolutePath();
        for (int i = 0; i < 8; i++) Files.copy(Path.of(from + "." + i + ".et"), et.resolve("et." + i + ".et"));
        Files.write(et.resolve("et.1.et"), java.util.Arrays.copyOf(Files.readAllBytes(et.resolve("et.1.et")), 100));
        r = simulate(IN + "2.0/Ring_8npus.yml", IN + "2.0/Ring_4chunks.json", et.resolve("et").toString());
        assertUserError(r, "et.1.et", "cut short");
        assertFalse(r.err().contains("protocol message"), r.err());
    }

    @Test
    void profilesAndClustersHaveBounds(@TempDir Path dir) throws Exception {
        // a 10^300 TFLOP/s peak gave an MFU of 0.0 % and a 300-digit peak; a cluster latency of 10^30 ns ran
        Path gpu = dir.resolve("gpu.yaml");
        Files.writeString(gpu, new String(BadInputPassFiveTest.class.getResourceAsStream("/org/astradse/hw/gpus/H100-SXM.yaml")
                .readAllBytes()).replaceFirst("bf16: *[0-9.]+", "bf16: 1e300"));
        assertTrue(Files.readString(gpu).contains("bf16: 1e300"));
        assertUserError(run("compute", "--gpu", gpu.toString(), "--gemm", "8,8,8"), "gpu.yaml", "peak-tflops.bf16", "10^6");
        Path cl = dir.resolve("cl.yaml");
        Files.writeString(cl, "gpu: H100-SXM\nnetwork:\n  topology: [Switch, Switch]\n  npus_count: [8, 2]\n  bandwidth: [450, 50]\n"
                + "  latency: [100, 1e30]\nfabric: [nvlink4-nvswitch, ib-ndr]\n");
        assertUserError(run("nccl-tests", "--cluster", cl.toString(), "--op", "all_reduce"), "cl.yaml", "network.latency[1]",
                "10^12");
        // picocli's "'100000000000000000000' is not a long" for a number beyond the option's range
        assertUserError(run("collective", "--network", IN + "2.0/Ring_8npus.yml", "--system", IN + "2.0/Ring_4chunks.json",
                "--collective", "all-reduce", "--size", "100000000000000000000"), "--size", "out of range", "9223372036854775807");
    }

    @Test
    void shardsAndExportsAreChecked(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("s.yaml");
        Files.writeString(spec, INLINE);
        for (int i = 0; i < 2; i++)
            assertEquals(0, run("sweep", spec.toString(), "--shard", i + "/2", "--out", dir.resolve("s" + i).toString()).status());
        // a shard whose manifest names another tool version merged (the merged manifest then named this one)
        Path other = dir.resolve("other");
        Files.createDirectories(other);
        for (String f : List.of("points.csv", "manifest.json"))
            Files.writeString(other.resolve(f), Files.readString(dir.resolve("s1").resolve(f)));
        Files.writeString(other.resolve("manifest.json"), Files.readString(other.resolve("manifest.json"))
                .replaceFirst("\"version\" *: *\"[^\"]*\"", "\"version\":\"0.0.9\""));
        assertUserError(run("merge", dir.resolve("s0").toString(), other.toString(), "--out", dir.resolve("m").toString()),
                "a shard of another tool version", "0.0.9");
        // a cut manifest: Jackson's "Unexpected end-of-input: expected close marker for Object (start marker at [Source: …"
        String m = Files.readString(other.resolve("manifest.json"));
        Files.writeString(other.resolve("manifest.json"), m.substring(0, m.length() / 2));
        CollectiveCommandTest.Run cut = run("merge", dir.resolve("s0").toString(), other.toString(), "--out", dir.resolve("m2").toString());
        assertUserError(cut, "manifest.json: not valid JSON");
        assertFalse(cut.err().contains("Source"), cut.err());
        // export took a shard as the whole run, and copied a torn points.csv as it was
        assertUserError(run("export", dir.resolve("s0").toString(), "--to", dir.resolve("nb").toString()), "shard 0/2",
                "merge the shards first");
        assertEquals(0, run("merge", dir.resolve("s0").toString(), dir.resolve("s1").toString(), "--out", dir.resolve("all").toString())
                .status());
        Path points = dir.resolve("all").resolve("points.csv");
        String rows = Files.readString(points);
        Files.writeString(points, rows.substring(0, rows.length() - 20));
        assertUserError(run("export", dir.resolve("all").toString(), "--to", dir.resolve("nb").toString()), "points.csv: line 3",
                "cells for");
    }

    @Test
    void convertWritesWhereItSays(@TempDir Path dir) throws Exception {
        String in = IN + "1.0/workload/Resnet50_DataParallel.txt";
        // a folder as the prefix wrote hidden files (DIR/.0.et)
        assertUserError(run("convert", "--to", "chakra", "--input", in, "--output", dir + "/", "--num-npus", "2"), "--output",
                "a folder", "expected a prefix");
        assertEquals(0, run("convert", "--to", "chakra", "--input", in, "--output", dir.resolve("et").toString(), "--num-npus", "4")
                .status());
        // 2 NPUs over a set of 4: ranks 2 and 3 stayed behind silently, and a later 4-NPU run mixed the two sets
        CollectiveCommandTest.Run r = run("convert", "--to", "chakra", "--input", in, "--output", dir.resolve("et").toString(),
                "--num-npus", "2");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("warning: " + dir.resolve("et") + ".2.et … .3.et are left from an earlier conversion"), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("warning: ")).count(), r.err());
    }

    // ---- a third pass: training studies, plots, options ----

    @Test
    void aTrainingStudysTopologyOfOtherThanSwitchesIsRefused(@TempDir Path dir) throws Exception {
        // the NCCL model treats every dimension as a switched fabric: a swept Ring changed the cost alone (2.25x cheaper,
        // exactly as fast), and the front took it, where `train` warns about the same configuration
        String base = TrainSweepTest.BASE;
        refused(dir, "topo", base + "sweep:\n  cluster.network.topology: [[Switch, Switch], [Switch, Ring]]\n",
                "sweep.cluster.network.topology", "value [Switch, Ring]", "Ring has no effect", "cluster.fabric[i]");
        // Switch dimensions swept for their rank are a shape (TrainSweepTest.aTopologySweptApartFromTheOtherListsGivesRows);
        // a base of Ring is refused too (stop 27: it was warned about as "not used here", yet it priced every row)
        Path f = dir.resolve("ring.yaml");
        Files.writeString(f, base.replace("topology: [Switch, Switch]", "topology: [Switch, Ring]")
                + "sweep:\n  parallel.tp: [1, 2]\n");
        refused(dir, "ring", Files.readString(f), "train.cluster.network.topology[1]", "Ring has no effect", "only on its cost");
    }

    @Test
    void theOptionsAndThePlotSayWhatTheyDo(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("s.yaml");
        Files.writeString(spec, INLINE);
        // above ~9.2e9 s the interval overflowed into a progress line per point
        assertUserError(run("sweep", spec.toString(), "--out", dir.resolve("o").toString(), "--log-every", "1e10"), "--log-every",
                "at most 31536000");
        // an explicit colour-by beside group-by was dropped without a word
        Path g = dir.resolve("g.yaml");
        Files.writeString(g, INLINE.replace("  network.bandwidth[0]: [100, 200]",
                "  network.bandwidth[0]: [100, 200]\n  network.bandwidth[1]: [25, 50]") + "group-by: network.bandwidth[0]\n"
                + "colour-by: network.bandwidth[1]\n");
        CollectiveCommandTest.Run r = run("sweep", g.toString(), "--out", dir.resolve("g").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("colour-by network.bandwidth[1] is not drawn"), r.err());
        // more values than the palette has colours: the grey dots had no legend entry
        Path many = dir.resolve("many.yaml");
        Files.writeString(many, INLINE.replace("[100, 200]", "{from: 10, to: 200, step: 10}") + "colour-by: network.bandwidth[0]\n");
        assertEquals(0, run("sweep", many.toString(), "--out", dir.resolve("many").toString()).status());
        assertTrue(Files.readString(dir.resolve("many").resolve("pareto.svg")).contains("other values"));
        Files.writeString(many, INLINE + "colour-by: network.bandwidth[0]\n");
        assertEquals(0, run("sweep", many.toString(), "--out", dir.resolve("two").toString()).status());
        assertFalse(Files.readString(dir.resolve("two").resolve("pareto.svg")).contains("other values"));
    }

    @Test
    void modelMappingsSweptWithTheirLayersRunOverANamedBase(@TempDir Path dir) throws Exception {
        // "sweep.model.layers: value 8 cannot run: model is 'llama3-8b' here, not a mapping": each point's model is a
        // swept mapping, so the base's name never meets model.layers — the rows of a mapping base
        String sweep = """
                sweep:
                  model:
                    - {layers: 16, hidden: 4096, ffn-hidden: 14336, heads: 32, kv-heads: 8, vocab: 128256, seq-len: 8192, gated-mlp: true}
                    - {layers: 16, hidden: 2048, ffn-hidden: 8192, heads: 16, vocab: 32000, seq-len: 4096}
                  model.layers: [8, 32]
                """;
        String named = "train:\n  model: llama3-8b\n  parallel: {tp: 2, pp: 2, micro-batch: 1, global-batch: 64}\n  cluster: dgx-h100\n";
        String mapping = named.replace("model: llama3-8b", "model: {layers: 16, hidden: 4096, ffn-hidden: 14336, heads: 32, "
                + "kv-heads: 8, vocab: 128256, seq-len: 8192, gated-mlp: true}");
        List<List<String>> rows = new java.util.ArrayList<>();
        for (String base : List.of(named, mapping)) {
            Path f = dir.resolve("m" + rows.size() + ".yaml");
            Files.writeString(f, "name: m\n" + base + sweep);
            Path out = dir.resolve("o" + rows.size());
            CollectiveCommandTest.Run r = run("sweep", f.toString(), "--out", out.toString());
            assertEquals(0, r.status(), r.err());
            rows.add(Files.readAllLines(out.resolve("points.csv")));
        }
        assertEquals(5, rows.get(0).size());
        assertEquals(4, rows.get(0).stream().filter(l -> l.contains(",ok,")).count(), String.join("\n", rows.get(0)));
        assertEquals(rows.get(1), rows.get(0));
    }

    // ---- a fourth pass: Chakra ET inputs ----

    @Test
    void chakraInputsSayWhatTheyDoNotRead(@TempDir Path dir) throws Exception {
        // an 8-rank trace set on 4 NPUs ran the first 4 ranks without a word (their all-reduces span 8)
        CollectiveCommandTest.Run r = simulate(IN + "2.0/Ring_4npus.yml", IN + "2.0/Ring_4chunks.json",
                IN + "2.0-et/workload/syn_coll_ar_n8/et");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("et.4.et … .7.et are not read: the network has 4 NPUs"), r.err());
        // a misspelt memory key was dropped; a cut JSON file spoke Jackson ("expected close marker for Object (start
        // marker at [Source: REDACTED …")
        Path mem = dir.resolve("mem.json");
        Files.writeString(mem, "{\"memory-type\": \"PER_NPU_MEMORY_EXPANSION\", \"remote-mem-latency\": 500, "
                + "\"remote-mem-bandwith\": 50}");
        String wl = IN + "2.0-et/workload/syn_mem_n4/et";
        assertUserError(simulate(IN + "2.0/Ring_4npus.yml", IN + "2.0/Ring_4chunks.json", wl, "--remote-memory-configuration="
                + mem), "mem.json", "remote-mem-bandwith", "unknown key");
        Files.writeString(mem, "{\"memory-type\": \"PER_NPU_MEMORY_EXPANSION\", \"remote-mem-latency\": \"500\", \"remote-mem-bw\": 50}");
        assertUserError(simulate(IN + "2.0/Ring_4npus.yml", IN + "2.0/Ring_4chunks.json", wl, "--remote-memory-configuration="
                + mem), "mem.json", "remote-mem-latency", "found \"500\"");
        Files.writeString(mem, "{\"memory-type\": \"PER_NPU_MEMORY_EXPANSION\"\n");
        r = simulate(IN + "2.0/Ring_4npus.yml", IN + "2.0/Ring_4chunks.json", wl, "--remote-memory-configuration=" + mem);
        assertUserError(r, "mem.json", "the file ends before the '{' opened at line 1, column 1 is closed");
        assertFalse(r.err().contains("Source"), r.err());
    }
}
