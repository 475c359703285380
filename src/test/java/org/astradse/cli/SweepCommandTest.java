package org.astradse.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.astradse.sweep.SweepRunner;
import org.astradse.sweep.SweepSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code sweep} command line: spec-wide mistakes stop before the first point (exit 2, one line naming the spec
 * file, the key and the value, no results written), a sweep without any ok point fails, and a failed start leaves
 * nothing that blocks the corrected rerun.
 */
class SweepCommandTest {
    static final Path SMALL = Path.of("src/test/resources/sweeps/small.yaml");

    /** small.yaml with absolute input paths, so that variants can live in a temporary folder. */
    static String small() throws Exception {
        return Files.readString(SMALL).replace("../../../../", Path.of("").toAbsolutePath() + "/");
    }

    /** Runs a variant of small.yaml; asserts it is refused before any row: exit 2, one line with each fragment. */
    static void refused(Path dir, String name, String spec, String... fragments) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, spec);
        Path out = dir.resolve("out-" + name);
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", file.toString(), "--out", out.toString());
        String[] all = new String[fragments.length + 1];
        all[0] = name + ".yaml";
        System.arraycopy(fragments, 0, all, 1, fragments.length);
        CollectiveCommandTest.assertUserError(r, all);
        assertFalse(Files.exists(out.resolve("points.csv")), name + ": no point may be evaluated: " + r.err());
    }

    static String replace(String spec, String from, String to) {
        assertTrue(spec.contains(from), from);
        return spec.replace(from, to);
    }

    @Test
    void pathTyposAreRefusedBeforeTheFirstPoint(@TempDir Path dir) throws Exception {
        String s = small();
        refused(dir, "sweptTypo", replace(s, "network.bandwidth[1]: [25, 50]", "network.bandwith[1]: [25, 50]"),
                "sweep.network.bandwith[1]", "no field 'bandwith'");
        refused(dir, "derivedTypo", replace(s, "  network.latency[1]: \"network", "  network.latncy[1]: \"network"),
                "derived.network.latncy[1]", "no field 'latncy'");
        refused(dir, "costTypo", replace(s, "  network.bandwidth[1]: [25, 50]", "  network.bandwidth[1]: [25, 50]\n  cost.clases[0]: [InterNode]"),
                "cost.clases[0]", "unknown cost key 'clases'");
        refused(dir, "indexOutOfRange", replace(s, "network.bandwidth[1]: [25, 50]", "network.bandwidth[5]: [25, 50]"),
                "sweep.network.bandwidth[5]", "no [5]");
        refused(dir, "runTypo", replace(s, "  network.bandwidth[1]: [25, 50]", "  network.bandwidth[1]: [25, 50]\n  run.num-pases: [1, 2]"),
                "run.num-pases", "unknown run option");
    }

    @Test
    void namesAndNumbersAreCheckedValueByValue(@TempDir Path dir) throws Exception {
        String s = small();
        refused(dir, "baseClass", replace(s, "classes: [InterNode, InterPod]", "classes: [InterNod, InterPod]"),
                "base configuration", "InterNod");
        refused(dir, "topology", replace(s, "[FullyConnected, Switch]]", "[Torus, Switch]]"),
                "sweep.network.topology", "Torus", "expected Ring, FullyConnected or Switch");
        refused(dir, "algorithm", replace(s, "[direct, direct]]", "[rign, direct]]"),
                "sweep.system.all-reduce-implementation", "rign", "unknown algorithm");
        refused(dir, "negative", replace(s, "network.bandwidth[1]: [25, 50]", "network.bandwidth[1]: [25, -50]"),
                "sweep.network.bandwidth[1]", "-50", "positive");
        refused(dir, "zero", replace(s, "network.bandwidth[1]: [25, 50]", "network.bandwidth[1]: [0, 50]"),
                "sweep.network.bandwidth[1]", "value 0", "positive");
        refused(dir, "scalar", replace(s, "network.bandwidth[1]: [25, 50]", "network.latency: [25, 50]"),
                "sweep.network.latency", "value 25", "expected a list");
        refused(dir, "unit", replace(s, "network.bandwidth[1]: [25, 50]", "network.bandwidth[1]: [\"50GB/s\", 25]"),
                "sweep.network.bandwidth[1]", "50GB/s");
        refused(dir, "unitInRange", replace(s, "{from: 50, to: 200, step: 50}", "{from: \"50GB/s\", to: 200, step: 50}"),
                "sweep.network.bandwidth[0].from", "50GB/s", "plain number");
        refused(dir, "rangeKey", replace(s, "{from: 50, to: 200, step: 50}", "{from: 50, to: 200, steps: 50}"),
                "sweep.network.bandwidth[0].steps", "unknown range key");
        refused(dir, "backwards", replace(s, "{from: 50, to: 200, step: 50}", "{from: 200, to: 50, step: 50}"),
                "sweep.network.bandwidth[0]", "to >= from, found from 200, to 50");
        refused(dir, "zeroStep", replace(s, "{from: 50, to: 200, step: 50}", "{from: 50, to: 200, step: 0}"),
                "sweep.network.bandwidth[0]", "step > 0, found step 0");
        refused(dir, "continuousInAGrid", replace(s, "{from: 50, to: 200, step: 50}", "{from: 50, to: 200}"),
                "sweep.network.bandwidth[0]", "continuous range", "use `search`");
        // a whole vector of the wrong length for a topology no domain changes can never run (small.yaml is 2-D)
        refused(dir, "wrongRank", replace(s, "network.bandwidth[1]: [25, 50]", "network.latency: [[100, 100], [100, 100, 100]]"),
                "sweep.network.latency", "value [100, 100, 100]", "expected 2 entries");
        // a shape of another rank while a per-dimension list no domain changes keeps the base's length
        refused(dir, "topologyRank", replace(s, "[FullyConnected, Switch]]", "[FullyConnected, Switch, Ring]]"),
                "sweep.network.topology", "FullyConnected", "expected 3 entries");
        refused(dir, "runValue", replace(s, "  network.bandwidth[1]: [25, 50]", "  network.bandwidth[1]: [25, 50]\n  run.num-passes: [1, 0]"),
                "sweep.run.num-passes", "value 0", "integer >= 1");
    }

    @Test
    void expressionsMayOnlyNameWhatExists(@TempDir Path dir) throws Exception {
        String s = small();
        refused(dir, "undefined", replace(s, "\"npus == 16\"", "\"npu == 16\""), "constraints", "npu", "undefined");
        refused(dir, "notBoolean", replace(s, "\"npus == 16\"", "\"npus + 16\""), "constraints", "true or false", "32");
        refused(dir, "fieldTypo", replace(s, "\"network.bandwidth[0] + network.bandwidth[1] <= 200\"",
                "\"network.bandwith[0] + network.bandwidth[1] <= 200\""), "constraints", "bandwith");
        refused(dir, "syntax", replace(s, "\"npus == 16\"", "\"npus === 16\""), "constraints", "npus === 16");
        // failing on every probe point: an index no network of the spec has (2-D here), a division by zero
        refused(dir, "indexNowhere", replace(s, "\"npus == 16\"", "\"network.bandwidth[5] > 10\""), "constraints",
                "no element [5]", "every design point checked");
        refused(dir, "divisionByZero", replace(s, "\"network.topology[1] == 'Switch' ? 700 : 350\"", "\"network.bandwidth[0] / 0\""),
                "derived.network.latency[1]", "division by zero");
        refused(dir, "derivedNoNetworkTakes", replace(s, "\"network.topology[1] == 'Switch' ? 700 : 350\"", "\"'fast'\""),
                "derived value", "latency[1]", "fast");
        // a swept parameter that is also derived used to crash the writer (two cells for one column)
        refused(dir, "sweptAndDerived", replace(s, "  network.latency[1]: \"network", "  network.bandwidth[1]: \"2 * network.bandwidth[0]\"\n"
                + "  network.latency[1]: \"network"), "derived.network.bandwidth[1]", "also swept");
        // the same element written with a leading zero is the same parameter (its column is network.bandwidth[1])
        refused(dir, "sweptAndDerivedZero", replace(s, "  network.latency[1]: \"network", "  network.bandwidth[01]: \"2 * network.bandwidth[0]\"\n"
                + "  network.latency[1]: \"network"), "derived.network.bandwidth[01]", "also swept");
        refused(dir, "sweptTwiceZero", replace(s, "  network.bandwidth[1]: [25, 50]", "  network.bandwidth[1]: [25, 50]\n  network.bandwidth[001]: [25]"),
                "network.bandwidth[1] is swept twice");
        // a derived whole list written after a swept element of it would drop the swept value
        refused(dir, "derivedWholeOverSwept", replace(s, "  network.latency[1]: \"network", "  network.bandwidth: \"[5, 5]\"\n"
                + "  network.latency[1]: \"network"), "derived.network.bandwidth", "overwrites network.bandwidth[", "swept");
        refused(dir, "hugeIndex", replace(s, "  network.bandwidth[1]: [25, 50]", "  network.bandwidth[99999999999]: [25, 50]"),
                "network.bandwidth[99999999999]", "too large");
    }

    @Test
    void anExpressionFailingOnSomePointsOnlyMakesThoseRowsInfeasible(@TempDir Path dir) throws Exception {
        // bandwidth[0] runs 50..200: the constraint divides by zero at 50 only, so the sweep runs and those rows say why
        Path file = dir.resolve("some.yaml");
        Files.writeString(file, replace(small(), "\"npus == 16\"", "\"1000 / (network.bandwidth[0] - 50) > 0\""));
        Path out = dir.resolve("out");
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", file.toString(), "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        List<String> rows = Files.readAllLines(out.resolve("points.csv"));
        assertTrue(rows.stream().anyMatch(x -> x.contains(",infeasible,") && x.contains("division by zero")), String.join("\n", rows));
        assertTrue(rows.stream().anyMatch(x -> x.contains(",ok,")), String.join("\n", rows));
    }

    @Test
    void contradictoryOrEmptyResultOptionsAreRefused(@TempDir Path dir) throws Exception {
        CollectiveCommandTest.Run both = CollectiveCommandTest.run("sweep", SMALL.toString(), "--out", dir.resolve("o").toString(),
                "--resume", "--force");
        CollectiveCommandTest.assertUserError(both, "--resume and --force");
        CollectiveCommandTest.Run empty = CollectiveCommandTest.run("sweep", SMALL.toString(), "--out", "");
        CollectiveCommandTest.assertUserError(empty, "--out", "empty path");
        assertFalse(Files.exists(dir.resolve("o")));
    }

    @Test
    void aMistakeInsideANetworkFileNamesThatFile(@TempDir Path dir) throws Exception {
        Path net = dir.resolve("net_typo.yml");
        Files.writeString(net, "topology: [Ring, Switch]\nnpu_count: [4, 4]\nbandwidth: [100, 50]\nlatency: [200, 700]\n");
        String s = small().replaceAll("(?s)network:\n.*?\nsystem:", "network:\n  file: net_typo.yml\nsystem:");
        Path file = dir.resolve("netfile.yaml");
        Files.writeString(file, s);
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", file.toString(), "--out", dir.resolve("o").toString());
        CollectiveCommandTest.assertUserError(r, net.toString(), "npu_count", "unknown key");
    }

    /** Runs a spec expected to be valid; returns its points.csv rows. */
    static List<String> runs(Path dir, String name, String spec) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, spec);
        Path out = dir.resolve("out-" + name);
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", file.toString(), "--out", out.toString());
        assertEquals(0, r.status(), name + ": " + r.err());
        return Files.readAllLines(out.resolve("points.csv"));
    }

    static long count(List<String> rows, String status) {
        return rows.stream().filter(x -> x.contains("," + status + ",")).count();
    }

    @Test
    void validStudiesTheProbesMustNotRefuse(@TempDir Path dir) throws Exception {
        // an expression valid on 2 of 9 points only (a division by zero where bandwidth[0] is 50, where bandwidth[1] is
        // 25, and on the diagonal; a positive latency on (100, 200) and (200, 100), the last factor squared): every point
        // of a small grid is probed, so it runs and the 7 others are rows with the reason
        String q = Files.readString(Path.of("sweeps/quickstart.yaml")).replace("  - inputs/", "  - " + Path.of("sweeps").toAbsolutePath() + "/inputs/");
        String grid = q.replaceAll("(?s)\nsweep:.*$", "\nsweep:\n  network.bandwidth[0]: [50, 100, 200]\n  network.bandwidth[1]: [25, 100, 200]\n");
        List<String> rows = runs(dir, "fewValid", grid + "derived:\n  network.latency[0]: \"100000 / ((network.bandwidth[0] - 50) * "
                + "(network.bandwidth[1] - 25) * (network.bandwidth[0] - network.bandwidth[1]) * (network.bandwidth[0] - network.bandwidth[1]))\"\n");
        assertEquals(2, count(rows, "ok"), String.join("\n", rows));
        assertEquals(7, count(rows, "infeasible"), String.join("\n", rows));
        // a field only some points have (unit costs of InterNode on one of two swept values): 3 bandwidths × 2 unit-cost
        // sets = 6 points, the constraint (5 <= 5) true on the 3 with InterNode, the field undefined on the other 3
        rows = runs(dir, "someField", grid.replace("  network.bandwidth[1]: [25, 100, 200]\n",
                "  cost.unit-costs:\n    - {InterPod: {link: 8}}\n    - {InterNode: {link: 5}}\n")
                + "constraints:\n  - \"cost['unit-costs'].InterNode.link <= 5\"\n");
        assertEquals(3, count(rows, "ok"), String.join("\n", rows));
        // a uniform base list follows a 2-D shape even with one of its elements swept (network.bandwidth[0]): 2 shapes
        // × 2 bandwidths = 4 points, all ok (before, the two 2-D points were rows "expected 2 entries")
        String shapes = q.replace("bandwidth: [200, 100, 50]", "bandwidth: [100, 100, 100]").replace("latency: [200, 500, 1000]",
                "latency: [500, 500, 500]").replaceAll("(?s)\nsweep:.*$", "\nsweep:\n  zip-shape:\n    network.topology: "
                + "[[Ring, Switch], [Ring, Ring, Ring]]\n    network.npus_count: [[8, 8], [4, 4, 4]]\n  network.bandwidth[0]: [100, 200]\n")
                .replace("  classes: [InterChiplet, InterNode, InterPod]", "  classes: [InterNode, InterNode, InterNode]");
        rows = runs(dir, "uniformAcrossRanks", shapes);
        assertEquals(4, count(rows, "ok"), String.join("\n", rows));
        // a whole number computed in floating point is written as the integer the base holds there (an NPU count):
        // 64.0 / (2 × 4) = 8 and 64.0 / (4 × 4) = 4, both 64-NPU networks; point 0 (npus_count[0] = 2) shows 8, not 8.0
        rows = runs(dir, "integralDouble", q.replaceAll("(?s)\nsweep:.*$", "\nsweep:\n  network.npus_count[0]: [2, 4]\nderived:\n"
                + "  network.npus_count[2]: \"64.0 / (network.npus_count[0] * network.npus_count[1])\"\n"));
        assertEquals(2, count(rows, "ok"), String.join("\n", rows));
        assertTrue(rows.get(1).startsWith("0,ok,,2,8,"), rows.get(1));
        // sections written with nothing after them are absent (YAML reads `derived:` as an empty string)
        rows = runs(dir, "emptySections", q.replaceAll("(?s)\nsweep:.*$", "\nsweep:\n  network.bandwidth[0]: [100, 200]\n"
                + "derived:\nconstraints:\ngroup-by:\ncolour-by:\n"));
        assertEquals(2, count(rows, "ok"), String.join("\n", rows));
    }

    @Test
    void sectionMistakesAreRefusedNamingTheKey(@TempDir Path dir) throws Exception {
        String s = small();
        refused(dir, "noSystemFile", replace(s, "sys_ring-ring_localBWAware_s4_a1.json", "sys_nothing.json"), "system.file", "no file");
        refused(dir, "workloadFolder", replace(s, "/gen_data2_nocomm.txt", ""), "workloads", "is a folder");
        refused(dir, "constraintsMapping", s.replaceAll("(?s)constraints:\n.*$", "constraints:\n  first: \"npus == 16\"\n"),
                "constraints", "expected a list");
        // keys beside a file used to be dropped silently
        refused(dir, "besideFile", replace(s, "sys_ring-ring_localBWAware_s4_a1.json", "sys_ring-ring_localBWAware_s4_a1.json\n  endpoint-delay: 5"),
                "system.endpoint-delay", "beside system.file");
        // a key given twice: YAML would let the second one win silently (the first domain dropped without a word)
        refused(dir, "twice", replace(s, "  network.bandwidth[1]: [25, 50]", "  network.bandwidth[1]: [25, 50]\n  network.bandwidth[1]: [75]"),
                "line ", "the key 'network.bandwidth[1]' is given twice");
    }

    @Test
    void aMisspeltInlineSystemKeyIsRefused(@TempDir Path dir) throws Exception {
        // the spec's own system section (a system file keeps the reference's warning for keys it does not know)
        String q = Files.readString(Path.of("sweeps/quickstart.yaml")).replace("  - inputs/", "  - " + Path.of("sweeps").toAbsolutePath() + "/inputs/");
        refused(dir, "inlineSystemTypo", replace(q, "  local-mem-bw: 1600", "  local-mem-bw: 1600\n  boost-mod: 0"),
                "system.boost-mod", "unknown key");
    }

    @Test
    void aSweepWithoutAnyOkPointFailsAndSaysWhy(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("none.yaml");
        Files.writeString(file, replace(small(), "\"npus == 16\"", "\"npus == 17\""));
        Path out = dir.resolve("none");
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", file.toString(), "--out", out.toString());
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("no design point is ok"), r.err());
        assertTrue(r.err().contains("constraint 'npus == 17' is false"), r.err()); // the most common reason
        assertTrue(Files.exists(out.resolve("points.csv")), "the rows are kept to be looked at");
    }

    @Test
    void aFailedStartDoesNotBlockTheCorrectedRerun(@TempDir Path dir) throws Exception {
        // a header-only points.csv (a start that failed before its first row) is not an unfinished sweep
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("points.csv"), "point_id,status\n");
        Files.writeString(out.resolve("manifest.json"), "{\"status\": \"running\", \"specHash\": \"x\"}");
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", SMALL.toString(), "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(145, Files.readAllLines(out.resolve("points.csv")).size());
    }

    static final Path INTERRUPT = Path.of("src/test/resources/sweeps/interrupt.yaml");

    @Test
    void aSecondRunIntoTheSameFolderIsRefusedAndTheFirstIsUndisturbed(@TempDir Path dir) throws Exception {
        Path undisturbed = dir.resolve("undisturbed");
        SweepRunner.run(SweepSpec.parse(SMALL), undisturbed, 2, false, false, "test", SweepRunner.Progress.NONE);
        Path shared = dir.resolve("shared");
        CountDownLatch firstIsRunning = new CountDownLatch(1);
        CountDownLatch secondTried = new CountDownLatch(1);
        SweepRunner.Progress pause = new SweepRunner.Progress() {
            @Override
            public void start(long total, long done) {
            }

            @Override
            public void step(long done, long ok, long infeasible, long failed) {
                if (done == 10) { // the first run holds the folder, mid-sweep, until the second has tried
                    firstIsRunning.countDown();
                    try {
                        secondTried.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void finish() {
            }
        };
        AtomicReference<Throwable> firstFailed = new AtomicReference<>();
        Thread first = new Thread(() -> {
            try {
                SweepRunner.run(SweepSpec.parse(SMALL), shared, 2, false, false, "test", pause);
            } catch (Throwable t) {
                firstFailed.set(t);
            }
        });
        first.start();
        assertTrue(firstIsRunning.await(30, TimeUnit.SECONDS));
        // even with --force: a cron job and a person must never write one points.csv together
        CollectiveCommandTest.Run second = CollectiveCommandTest.run("sweep", SMALL.toString(), "--out", shared.toString(), "--force");
        secondTried.countDown();
        first.join();
        assertEquals(null, firstFailed.get());
        CollectiveCommandTest.assertUserError(second, "is in use by another run", "pid " + ProcessHandle.current().pid());
        for (String f : List.of("points.csv", "pareto.csv"))
            assertArrayEquals(Files.readAllBytes(undisturbed.resolve(f)), Files.readAllBytes(shared.resolve(f)), f);
        assertEquals(0, Files.size(shared.resolve(".lock")), "the lock is released (its owner line emptied) at the end");
        CollectiveCommandTest.Run third = CollectiveCommandTest.run("sweep", SMALL.toString(), "--out", shared.toString(), "--force");
        assertEquals(0, third.status(), "a later run takes the folder: " + third.err());
    }

    @Test
    void sigtermLeavesAnInterruptedManifestAndResumeCompletesTheSameFiles(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "org.astradse.cli.Main", "sweep", INTERRUPT.toString(), "--out",
                out.toString(), "--threads", "1").redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
        Path points = out.resolve("points.csv");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline && p.isAlive()
                && (!Files.exists(points) || Files.readAllLines(points).size() < 100)) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "the sweep ended before it could be interrupted");
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String log = Files.readString(dir.resolve("log.txt"));
        String manifest = Files.readString(out.resolve("manifest.json"));
        assertTrue(manifest.contains("\"status\" : \"interrupted\""), manifest);
        assertTrue(log.contains("--resume"), log);
        long kept = Files.readAllLines(points).size() - 1;
        assertTrue(kept >= 99 && kept < 1296, "rows kept: " + kept);
        SweepRunner.Outcome resumed = SweepRunner.run(SweepSpec.parse(INTERRUPT), out, 2, true, false, Main.version(),
                SweepRunner.Progress.NONE);
        assertEquals(1296 - kept, resumed.evaluated());
        Path whole = dir.resolve("whole");
        SweepRunner.run(SweepSpec.parse(INTERRUPT), whole, 2, false, false, Main.version(), SweepRunner.Progress.NONE);
        for (String f : List.of("points.csv", "pareto.csv"))
            assertArrayEquals(Files.readAllBytes(whole.resolve(f)), Files.readAllBytes(out.resolve(f)), f);
    }

    @Test
    void progressLinesWhenStderrIsNotATerminal(@TempDir Path dir) {
        // a tiny interval: every point is due for a line; plain text, no carriage returns or escape sequences
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", SMALL.toString(), "--out", dir.resolve("o").toString(),
                "--log-every", "0.000001");
        assertEquals(0, r.status(), r.err());
        // the last line counts every point: 144 = 2 workloads × 3 shapes × 4 × 2 bandwidths × 3 algorithms, of which
        // 36 break bw0 + bw1 <= 200 (bw0 = 200 with bw1 = 25 or 50: 2 of 8 pairs) — SweepTest derives the 108 ok
        assertTrue(r.err().contains("sweep small: 144/144 points (100.0 %), 108 ok, 36 infeasible, 0 failed;"), r.err());
        assertTrue(r.err().contains("ETA"), r.err());
        assertFalse(r.err().contains("\r") || r.err().contains("\u001b"), r.err());
    }

    @Test
    void searchAndExportFromTheCommandLine(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("search");
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("search", SMALL.toString(), "--budget", "30", "--population", "10",
                "--seed", "4", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("generation 1:") && r.err().contains("search small (seed 4): 30 points evaluated"), r.err());
        assertEquals(31, Files.readAllLines(out.resolve("points.csv")).size());
        for (String f : List.of("pareto.csv", "pareto.svg", "manifest.json")) assertTrue(Files.exists(out.resolve(f)), f);
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("search", SMALL.toString(), "--budget", "0", "--out",
                dir.resolve("zero").toString()), "--budget", "found 0");
        CollectiveCommandTest.Run e = CollectiveCommandTest.run("export", out.toString(), "--to", dir.resolve("nb").toString());
        assertEquals(0, e.status(), e.err());
        assertTrue(Files.exists(dir.resolve("nb").resolve("small-search").resolve("small-search.ipynb")), e.out() + e.err());
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("export", dir.resolve("nothing").toString()), "nothing");
    }

    @Test
    void helpTextsAreClean() {
        for (String cmd : List.of("sweep", "search", "export")) {
            CollectiveCommandTest.Run r = CollectiveCommandTest.run(cmd, "--help");
            assertEquals(0, r.status(), cmd + ": " + r.err());
            assertTrue(r.out().contains("Usage: astradse " + cmd), r.out());
            assertEquals("", r.err(), cmd + " --help must print no warnings");
        }
    }
}
