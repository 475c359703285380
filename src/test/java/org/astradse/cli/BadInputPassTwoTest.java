package org.astradse.cli;

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
 * Mistakes a second adversarial pass found slipping through (each used to run with exit 0, crash with a stack trace,
 * or leave a folder that blocked the corrected rerun).
 */
class BadInputPassTwoTest {
    static final String INLINE_SYSTEM = """
            system:
              scheduling-policy: LIFO
              endpoint-delay: 10
              active-chunks-per-dimension: 1
              preferred-dataset-splits: 4
              all-reduce-implementation: [ring, ring]
              all-gather-implementation: [ring, ring]
              reduce-scatter-implementation: [ring, ring]
              all-to-all-implementation: [ring, ring]
              collective-optimization: localBWAware
              local-mem-bw: 1600
            """;

    static String inline() throws Exception {
        return small().replaceAll("system:\n  file: [^\n]*\n", INLINE_SYSTEM);
    }

    @Test
    void valuesBeyondWhatTheyCanMeanAreRefused(@TempDir Path dir) throws Exception {
        String s = inline();
        // 4294967300 splits wrapped around to 4 (an int cast) and ran as 4 chunks
        refused(dir, "hugeSplits", replace(s, "  network.bandwidth[1]: [25, 50]", "  network.bandwidth[1]: [25, 50]\n"
                + "  system.preferred-dataset-splits: [4, 4294967300]"), "preferred-dataset-splits", "4294967300", "1 to 1048576");
        // both workload: and workloads: — one of them was ignored
        refused(dir, "twoWorkloadKeys", replace(s, "workloads:", "workload: x.txt\nworkloads:"), "workload", "beside workloads");
        // a range of 10^302 values used to fill memory before it was refused
        refused(dir, "tinyStep", replace(s, "{from: 50, to: 200, step: 50}", "{from: 50, to: 200, step: 1e-300}"),
                "sweep.network.bandwidth[0]", "more than 10,000,000");
        refused(dir, "tinyFactor", replace(s, "{from: 50, to: 200, step: 50}", "{from: 1, to: 1e30, factor: 1.0000001}"),
                "sweep.network.bandwidth[0]", "more than 10,000,000");
    }

    @Test
    void aSecondDocumentAndARepeatedKeyInAnInputFileAreRefused(@TempDir Path dir) throws Exception {
        String s = small();
        Path spec = dir.resolve("twoDocs.yaml");
        Files.writeString(spec, s + "---\nname: other\n");
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", spec.toString(), "--out", dir.resolve("o").toString());
        CollectiveCommandTest.assertUserError(r, "twoDocs.yaml", "second document");
        // an ASTRA-sim 2.0 network file with bandwidth twice: the last one used to win (5 GB/s instead of 50)
        Path net = dir.resolve("net.yml");
        Files.writeString(net, "topology: [Ring]\nnpus_count: [4]\nbandwidth: [50.0]\nlatency: [500.0]\nbandwidth: [5.0]\n");
        Path sys = Path.of("sweeps/inputs/astra-sim/2.0/sys_ring_localBWAware_s4_a1.json");
        if (!Files.exists(sys)) sys = Files.list(Path.of("sweeps/inputs/astra-sim/2.0")).filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
        r = CollectiveCommandTest.run("collective", "--network", net.toString(), "--system", sys.toString(), "--collective",
                "all-reduce", "--size", "1048576");
        CollectiveCommandTest.assertUserError(r, "net.yml", "line 5", "the key 'bandwidth' is given twice");
    }

    @Test
    void derivedDivisionIsRealUnlessExact(@TempDir Path dir) throws Exception {
        // bandwidth[1] = bandwidth[0] / 3: 50/3 = 16.67 GB/s, not JEXL's truncated 16 (the constraint ≤ 200 holds)
        String s = replace(small(), "  network.latency[1]: \"network.topology[1] == 'Switch' ? 700 : 350\"",
                "  network.latency[1]: \"network.topology[1] == 'Switch' ? 700 : 350\"\n  network.bandwidth[1]: \"network.bandwidth[0] / 3\"");
        s = replace(s, "  network.bandwidth[1]: [25, 50]\n", "");
        List<String> rows = SweepCommandTest.runs(dir, "third", s);
        List<String> h = List.of(rows.get(0).split(","));
        int col = h.indexOf("network.bandwidth[1]");
        boolean sawFraction = false;
        for (String row : rows.subList(1, rows.size())) {
            String[] c = row.split(",");
            if (!c[1].equals("ok")) continue;
            double b0 = Double.parseDouble(c[h.indexOf("network.bandwidth[0]")]);
            assertEquals(b0 / 3, Double.parseDouble(c[col]), 1e-6, row);
            sawFraction |= b0 % 3 != 0;
        }
        assertTrue(sawFraction, String.join("\n", rows));
    }

    @Test
    void aContinuousRangeInsideOneWrittenStepIsRefused(@TempDir Path dir) throws Exception {
        // written at 6 significant digits, 100 to 100.0000001 is one value: a search evaluated it again and again
        String s = replace(small(), "{from: 50, to: 200, step: 50}", "{from: 100, to: 100.0000001}");
        Path spec = dir.resolve("narrow.yaml");
        Files.writeString(spec, s);
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("search", spec.toString(), "--out", dir.resolve("o").toString(),
                "--budget", "20", "--population", "6");
        CollectiveCommandTest.assertUserError(r, "narrow.yaml", "sweep.network.bandwidth[0]", "one value");
        r = CollectiveCommandTest.run("sweep", spec.toString(), "--out", dir.resolve("o").toString(), "--threads", "100000");
        CollectiveCommandTest.assertUserError(r, "--threads", "100000");
        // a population of 1,000,000 was accepted and ran out of memory (NSGA-II's sorting is P² in memory)
        r = CollectiveCommandTest.run("search", SweepCommandTest.SMALL.toString(), "--out", dir.resolve("p").toString(),
                "--population", "1000000");
        CollectiveCommandTest.assertUserError(r, "--population", "10,000", "1000000");
    }

    @Test
    void resultsFoldersAreCheckedBeforeTheyAreTrusted(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("s.yaml");
        Files.writeString(spec, small());
        Path out = dir.resolve("r");
        assertEquals(0, CollectiveCommandTest.run("sweep", spec.toString(), "--out", out.toString()).status());
        assertTrue(Files.exists(out.resolve("pareto.svg")));
        List<String> rows = Files.readAllLines(out.resolve("points.csv"));
        // resume with rows but no manifest: nothing identifies the run
        Path orphan = dir.resolve("orphan");
        Files.createDirectories(orphan);
        Files.write(orphan.resolve("points.csv"), rows.subList(0, 3));
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", spec.toString(), "--out", orphan.toString(), "--resume");
        CollectiveCommandTest.assertUserError(r, "orphan", "no manifest.json");
        // a garbage row in a torn run: named with its line, not a NumberFormatException
        Path torn = dir.resolve("torn");
        assertEquals(0, CollectiveCommandTest.run("sweep", spec.toString(), "--out", torn.toString()).status());
        List<String> t = new java.util.ArrayList<>(Files.readAllLines(torn.resolve("points.csv")));
        t.set(2, "garbage,,,");
        Files.write(torn.resolve("points.csv"), t.subList(0, 4));
        String m = Files.readString(torn.resolve("manifest.json")).replace("\"complete\"", "\"interrupted\"");
        Files.writeString(torn.resolve("manifest.json"), m);
        r = CollectiveCommandTest.run("sweep", spec.toString(), "--out", torn.toString(), "--resume");
        CollectiveCommandTest.assertUserError(r, "points.csv", "line 3");
        // export refuses an unfinished run, and a manifest name cannot lead outside --to
        r = CollectiveCommandTest.run("export", torn.toString(), "--to", dir.resolve("x").toString());
        CollectiveCommandTest.assertUserError(r, "interrupted", "--resume");
        String done = Files.readString(out.resolve("manifest.json")).replaceFirst("\"name\" : \"[^\"]*\"", "\"name\" : \"../../escape\"");
        Files.writeString(out.resolve("manifest.json"), done);
        r = CollectiveCommandTest.run("export", out.toString(), "--to", dir.resolve("x").toString());
        assertEquals(0, r.status(), r.err());
        assertFalse(Files.exists(dir.resolve("escape")) || Files.exists(dir.getParent().resolve("escape")), r.err());
        assertTrue(Files.isDirectory(dir.resolve("x/.._.._escape")), r.err());
        // a forced fresh start removes the previous run's front and plot at once: an interrupted forced run used to
        // leave its rows beside the old run's pareto.csv and pareto.svg (and export copied the mixture)
        List<String> header = List.of(rows.get(0).split(","));
        try (org.astradse.report.PointsFile f = org.astradse.sweep.Manifests.open(out, header, List.of(), "another run", false, true)) {
            assertFalse(Files.exists(out.resolve("pareto.csv")) || Files.exists(out.resolve("pareto.svg")));
            assertEquals(0, f.rows());
        }
    }

    @Test
    void trainingValuesThatWouldExhaustMemoryAreRefusedOrInfeasible(@TempDir Path dir) throws Exception {
        // global-batch 2·10^9 on dp 32: 62.5 million micro-batches per pipeline — an out-of-memory crash before;
        // now an infeasible layout with the reason (exit 0, as every infeasible layout)
        Path cfg = dir.resolve("big.yaml");
        Files.writeString(cfg, Files.readString(Path.of("src/test/resources/llm/llama3-70b-1024.yaml"))
                .replace("global-batch: 512", "global-batch: 2000000000"));
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("train", "--config", cfg.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("\"feasible\" : false") || r.out().contains("\"feasible\":false"), r.out());
        assertTrue(r.out().contains("micro-batches per pipeline"), r.out());
        // a model of 2·10^9 layers hung; it is refused with the field and the bound
        Files.writeString(cfg, Files.readString(Path.of("src/test/resources/llm/llama3-70b-1024.yaml")).replace("model: llama3-70b",
                "model: {layers: 2000000000, hidden: 8192, ffn-hidden: 28672, heads: 64, kv-heads: 8, vocab: 128256, seq-len: 8192}"));
        r = CollectiveCommandTest.run("train", "--config", cfg.toString());
        CollectiveCommandTest.assertUserError(r, "big.yaml", "model.layers", "1 to 10000", "2000000000");
    }

    @Test
    void messagesNameWhatIsWrong(@TempDir Path dir) throws Exception {
        String s = small();
        // a tab is named at its own line (SnakeYAML's first line said only "while scanning for the next token")
        refused(dir, "tab", replace(s, "run:\n  num-passes: 2", "run:\n\tnum-passes: 2"), "a tab", "use spaces");
        refused(dir, "colourByList", s + "colour-by: [\"network.bandwidth[0]\"]\n", "colour-by", "expected one parameter path");
        refused(dir, "groupByMapping", s + "group-by: {a: b}\n", "group-by", "{\"a\":\"b\"}");
        refused(dir, "dotName", replace(s, "name: small", "name: \"..\""), "name", "'..'");
        // a byte-order mark before a 1.0 workload's first token (it read as parallelism '\uFEFFDATA')
        Path w = dir.resolve("bom.txt");
        Files.writeString(w, "\uFEFF" + Files.readString(Path.of("sweeps/inputs/astra-sim/1.0/workload/gen_data2_ar.txt")));
        Path spec = dir.resolve("bom.yaml");
        Files.writeString(spec, s.replaceAll("workloads:\n  - [^\n]*\n  - [^\n]*\n", "workloads:\n  - " + w + "\n"));
        assertEquals(0, CollectiveCommandTest.run("sweep", spec.toString(), "--out", dir.resolve("bom").toString()).status());
        // an unknown key of a system file: the reference's warning, as simulate prints it (a sweep printed nothing)
        Path sys = dir.resolve("sys.json");
        Files.writeString(sys, Files.readString(Path.of("sweeps/inputs/astra-sim/2.0/Ring_4chunks.json")).replaceFirst("\\{",
                "{\"foo-unknown\": 1,"));
        Path withSys = dir.resolve("withSys.yaml");
        Files.writeString(withSys, s.replaceAll("system:\n  file: [^\n]*\n", "system:\n  file: " + sys + "\n"));
        CollectiveCommandTest.Run ws = CollectiveCommandTest.run("sweep", withSys.toString(), "--out", dir.resolve("ws").toString());
        assertEquals(0, ws.status(), ws.err());
        assertTrue(ws.err().contains("warning: " + sys + ": unknown keys ignored: foo-unknown"), ws.err());
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("compute", "--gpu", "H100-SXM", "--gemm", "2147483648,8,8");
        CollectiveCommandTest.assertUserError(r, "--gemm", "from 1 to 2147483647", "2147483648");
        // offloading more layers than a pipeline rank holds (80 layers over pp 4: 20 each) is an infeasible layout
        Path cfg = dir.resolve("off.yaml");
        Files.writeString(cfg, Files.readString(Path.of("src/test/resources/llm/llama3-70b-1024.yaml"))
                .replace("precision: fp8}", "precision: fp8, cpu-offload-layers: 100}"));
        r = CollectiveCommandTest.run("train", "--config", cfg.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("cpu-offload-layers 100 is more than the 20 layers a pipeline rank holds"), r.out());
    }
}
