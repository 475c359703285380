package org.astradse.cli;

import static org.astradse.cli.CollectiveCommandTest.assertUserError;
import static org.astradse.cli.CollectiveCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    // ---- training studies (a sixth adversarial pass, ~230 specs) ----

    static final String BASE = TrainSweepTest.BASE;
    /** The base with tp 2: its points fit in memory (tp 1 needs 86 GiB of an H100's 80). */
    static final String FITS = BASE.replace("tp: 1,", "tp: 2,");

    @Test
    void aGridBeyondTwoToTheSixtyThreeIsRefusedAndSearchedStill(@TempDir Path dir) throws Exception {
        // 9·10^6 cubed > 2^63: the grid's size overflowed with a stack trace, in sweep and in search
        String huge = BASE + """
                sweep:
                  parallel.global-batch: {from: 1, to: 9000000, step: 1}
                  parallel.micro-batch: {from: 1, to: 9000000, step: 1}
                  seq-len: {from: 1, to: 9000000, step: 1}
                """;
        SweepCommandTest.refused(dir, "huge", huge, "2^63 points or more", "9,000,000 × 9,000,000 × 9,000,000", "search");
        Path spec = dir.resolve("huge.yaml");
        CollectiveCommandTest.Run r = run("search", spec.toString(), "--budget", "20", "--population", "10", "--out",
                dir.resolve("s").toString());
        // 20 points drawn from 7·10^20: none has a batch its micro-batch and dp divide, so the search ends as every
        // search without an ok point does (exit 2, its rows kept) — not with an overflow
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("error: no design point is ok (20 infeasible, 0 failed)") && !r.err().contains("\tat "), r.err());
        assertEquals(21, Files.readAllLines(dir.resolve("s/points.csv")).size(), r.err());
    }

    @Test
    void aHugeGridIsWarnedAboutBeforeItsFirstPoint(@TempDir Path dir) throws Exception {
        // 2.3·10^9 points started without a word; interrupted at once here (the warning comes first)
        Path spec = dir.resolve("big.yaml");
        Files.writeString(spec, BASE + """
                sweep:
                  parallel.micro-batch: {from: 1, to: 5000, step: 1}
                  parallel.global-batch: {from: 1024, to: 10240, step: 1}
                  cluster.network.bandwidth[1]: {from: 1, to: 50, step: 1}
                """);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            org.astradse.sweep.SweepRunner.run(org.astradse.sweep.SweepSpec.parse(spec), dir.resolve("o"), 1, false, false, "test",
                    org.astradse.sweep.SweepRunner.Progress.NONE, stop::get, null);
        } finally {
            System.setErr(old);
        }
        String e = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(e.contains("the grid has 2,304,250,000 points") && e.contains("days") && e.contains("`search`"), e);
    }

    @Test
    void anEnormousUnitCostIsRefused(@TempDir Path dir) throws Exception {
        // 1e307 $/GB/s made network_cost_usd Infinity, then the plot ran out of memory (the manifest left 'running')
        SweepCommandTest.refused(dir, "cost", BASE + """
                cost: {unit-costs: {ib-ndr: {link: 1e307, switch: 1e307, nic: 1e307}}}
                sweep:
                  parallel.tp: [1, 2]
                """, "cost.unit-costs.ib-ndr.link", "from 0 to 10^9");
    }

    @Test
    void aConstraintFailingOnEveryPointStopsATrainingStudy(@TempDir Path dir) throws Exception {
        // a division by zero made every row infeasible, and the study failed at its end; an ASTRA-sim study refused it
        SweepCommandTest.refused(dir, "div", BASE + """
                constraints: ["parallel.tp / 0 > 1"]
                sweep:
                  parallel.tp: [1, 2, 4]
                """, "constraints", "division by zero", "on every design point checked");
        // failing on some points only is those rows' business: tp 1 divides by zero, tp 2 and 4 do not
        Path ok = dir.resolve("some.yaml");
        Files.writeString(ok, BASE + """
                constraints: ["8 / (parallel.tp - 1) >= 1"]
                sweep:
                  parallel.tp: [1, 2, 4]
                """);
        CollectiveCommandTest.Run r = run("sweep", ok.toString(), "--out", dir.resolve("o").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.readString(dir.resolve("o/points.csv")).contains("infeasible"));
    }

    @Test
    void settingsThatCannotActAreWarnedAbout(@TempDir Path dir) throws Exception {
        // tp 1 on every point: sequence parallelism splits nothing — rows identical but for the column
        Path f = dir.resolve("sp.yaml");
        Files.writeString(f, BASE + """
                sweep:
                  parallel.sp: [true, false]
                  parallel.ep-comm-overlap: [true, false]
                  parallel.pp: [1, 2]
                """);
        CollectiveCommandTest.Run r = run("sweep", f.toString(), "--out", dir.resolve("o").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("sweep.parallel.sp has no effect on any point checked (with tp 1"), r.err());
        assertTrue(r.err().contains("sweep.parallel.ep-comm-overlap has no effect on any point checked (on a dense model"), r.err());
        assertTrue(!r.err().contains("sweep.parallel.pp has no effect"), r.err());
        // with tp swept to 2 somewhere, sp acts there: no warning; a base sp: true with tp 1 everywhere is the base's warning
        Path g = dir.resolve("base.yaml");
        Files.writeString(g, BASE.replace("tp: 1, pp: 1,", "tp: 1, sp: true, pp: 1,") + """
                sweep:
                  parallel.pp: [1, 2]
                """);
        CollectiveCommandTest.Run b = run("sweep", g.toString(), "--out", dir.resolve("b").toString());
        assertTrue(b.err().contains("base.yaml: train.parallel.sp: true has no effect with tp 1"), b.err());
        Path h = dir.resolve("acts.yaml");
        Files.writeString(h, BASE + """
                sweep:
                  parallel.tp: [1, 2]
                  parallel.sp: [true, false]
                """);
        CollectiveCommandTest.Run a = run("sweep", h.toString(), "--out", dir.resolve("a").toString());
        assertTrue(!a.err().contains("has no effect"), a.err());
    }

    @Test
    void pointsOfDifferentTokensPerIterationPointToRunTokens(@TempDir Path dir) throws Exception {
        // the iteration-time front is simply the smallest batch: one iteration of less work
        CollectiveCommandTest.Run r = sweepOk(dir, "gb", FITS + "sweep:\n  parallel.global-batch: [128, 256]\n");
        // 128 · 8192 = 1,048,576 and 256 · 8192 = 2,097,152 tokens (Llama 3 8B's sequence of 8,192)
        assertTrue(r.err().contains("from 1,048,576 to 2,097,152 tokens per iteration") && r.err().contains("run: {tokens: N}"), r.err());
        CollectiveCommandTest.Run q = sweepOk(dir, "tokens", FITS + "run: {tokens: 1e9}\nsweep:\n  parallel.global-batch: [128, 256]\n");
        assertTrue(!q.err().contains("tokens per iteration"), q.err());
    }

    @Test
    void aValueListedTwiceIsRefused(@TempDir Path dir) throws Exception {
        // both copies ran and both sat on the front; 50 and 50.0 were two groups with one front each
        SweepCommandTest.refused(dir, "dup", BASE + "sweep:\n  parallel.tp: [4, 4, 8]\n", "sweep.parallel.tp", "value 4 is listed "
                + "twice (entries 0 and 1)");
        SweepCommandTest.refused(dir, "num", BASE + "sweep:\n  cluster.network.bandwidth[1]: [50, 25, 5e1]\n",
                "sweep.cluster.network.bandwidth[1]", "entries 0 and 2: 50 is the same value");
        SweepCommandTest.refused(dir, "zip", BASE + "sweep:\n  zip-a:\n    parallel.tp: [1, 2, 1]\n    parallel.pp: [1, 1, 1]\n",
                "sweep.zip-a", "listed twice");
        // a zip's column may repeat a value when the tuples differ
        sweepOk(dir, "ok", BASE + "sweep:\n  zip-a:\n    parallel.tp: [1, 1]\n    parallel.pp: [1, 2]\n");
    }

    @Test
    void leadingZerosNameTheSameColumnInGroupBy(@TempDir Path dir) throws Exception {
        // [01] was "not a swept or derived parameter"; read as [1], each bandwidth gets its own front (one point each)
        sweepOk(dir, "g", FITS + "group-by: cluster.network.bandwidth[01]\nsweep:\n  cluster.network.bandwidth[1]: [25, 50]\n");
        List<String> front = Files.readAllLines(dir.resolve("out-g/pareto.csv"));
        assertEquals(3, front.size(), String.join("\n", front));
    }

    @Test
    void exportingAnInterruptedRunSaysHowToFinishIt(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("s.yaml");
        Files.writeString(spec, BASE + "sweep:\n  parallel.global-batch: {from: 8, to: 4096, step: 8}\n  parallel.pp: [1, 2]\n");
        int[] n = {0};
        org.astradse.sweep.SweepRunner.run(org.astradse.sweep.SweepSpec.parse(spec), dir.resolve("o"), 1, false, false, "test",
                org.astradse.sweep.SweepRunner.Progress.NONE, () -> ++n[0] > 3, null);
        assertTrue(Files.readString(dir.resolve("o/manifest.json")).contains("interrupted"));
        assertUserError(run("export", dir.resolve("o").toString(), "--to", dir.resolve("e").toString()), "interrupted",
                "--resume --out");
    }

    // ---- cluster, GPU and fabric inputs (a seventh pass, ~400 cases of nccl-tests, compute and train) ----

    static final String CLUSTER = """
            cluster:
              gpu: %s
              network:
                topology: [Switch, Switch]
                npus_count: [8, %s]
                bandwidth: [450, %s]
              fabric: [nvlink4-nvswitch, %s]
            """;

    @Test
    void vanishingFiguresAreRefusedNotInfinity(@TempDir Path dir) throws Exception {
        // 5e-324 passed every "> 0" check: nccl-tests printed Infinity µs, compute Infinity, train null times
        Path c = dir.resolve("c.yaml");
        Files.writeString(c, CLUSTER.formatted("H100-SXM", 2, "5e-324", "ib-ndr"));
        assertUserError(run("nccl-tests", "--cluster", c.toString(), "--op", "all_reduce"), "c.yaml", "cluster.network.bandwidth[1]",
                "from 10^-6 to 10^12");
        Path g = dir.resolve("gpu.yaml");
        Files.writeString(g, Files.readString(Path.of("src/main/resources/org/astradse/hw/gpus/H100-SXM.yaml"))
                .replaceFirst("max-efficiency: [0-9.]+", "max-efficiency: 5e-324"));
        assertUserError(run("compute", "--gpu", g.toString(), "--gemm", "4096,4096,4096"), "gpu.yaml", "gemm.max-efficiency",
                "from 10^-6 to 1");
        Path f = dir.resolve("net.yaml");
        Files.writeString(f, Files.readString(Path.of("src/main/resources/org/astradse/hw/fabrics/ib-ndr.yaml"))
                .replace("efficiency: {ll: 0.10,", "efficiency: {ll: 5e-324,"));
        Files.writeString(c, CLUSTER.formatted("H100-SXM", 2, 50, f));
        assertUserError(run("nccl-tests", "--cluster", c.toString(), "--op", "all_reduce"), "net.yaml", "efficiency.ll",
                "from 10^-6 to 1");
    }

    @Test
    void aNetworkFabricRefusesTheScaleUpDomainsFigures(@TempDir Path dir) throws Exception {
        // a copy of ib-ndr with a 5000 µs hop latency ran exactly as ib-ndr: the model never reads it between nodes
        Path f = dir.resolve("net.yaml");
        Files.writeString(f, Files.readString(Path.of("src/main/resources/org/astradse/hw/fabrics/ib-ndr.yaml")) + "hop-latency-us: 5000\n");
        Path c = dir.resolve("c.yaml");
        Files.writeString(c, CLUSTER.formatted("H100-SXM", 2, 50, f));
        assertUserError(run("nccl-tests", "--cluster", c.toString(), "--op", "all_reduce"), "c.yaml", "cluster.fabric[1]",
                "hop-latency-us", "read for dimension 0 only");
        // NVLS is never a network's
        Files.writeString(f, Files.readString(Path.of("src/main/resources/org/astradse/hw/fabrics/ib-ndr.yaml")) + "nvls-efficiency: 0.5\n");
        assertUserError(run("nccl-tests", "--cluster", c.toString(), "--op", "all_reduce"), "net.yaml", "nvls-efficiency",
                "applies to a scale-up fabric");
    }

    @Test
    void oneGpuHasNoCollective(@TempDir Path dir) throws Exception {
        Path c = dir.resolve("one.yaml");
        Files.writeString(c, "cluster:\n  gpu: H100-SXM\n  network: {topology: [Switch], npus_count: [1], bandwidth: [450]}\n"
                + "  fabric: [nvlink4-nvswitch]\n");
        assertUserError(run("nccl-tests", "--cluster", c.toString(), "--op", "sendrecv"), "one.yaml", "1 GPU", "at least 2");
    }

    @Test
    void aMicroBatchBeyondAGemmsDimensionIsInfeasible(@TempDir Path dir) throws Exception {
        // 16 × 2^27 tokens is an M of 2^31: "GEMM dimensions must be in [1, 2^31)", naming no file or field
        Path t = dir.resolve("run.yaml");
        Files.writeString(t, "model: llama3-8b\nseq-len: 134217728\nparallel: {tp: 2, pp: 2, micro-batch: 16, global-batch: 64}\n"
                + CLUSTER.formatted("H100-SXM", 2, 50, "ib-ndr"));
        CollectiveCommandTest.Run r = run("train", "--config", t.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(false, j.get("feasible").asBoolean());
        assertTrue(j.get("reason").asText().contains("16·134217728/1 = 2,147,483,648 tokens per micro-batch"), j.toString());
    }

    @Test
    void wrongShapesAreNamedAsWritten(@TempDir Path dir) throws Exception {
        Path c = dir.resolve("c.yaml");
        Files.writeString(c, CLUSTER.formatted("[H100-SXM]", 2, 50, "ib-ndr"));
        assertUserError(run("nccl-tests", "--cluster", c.toString(), "--op", "all_reduce"), "cluster.gpu", "found [\"H100-SXM\"]");
        Files.writeString(c, CLUSTER.formatted("H100-SXM", 2, 50, "''"));
        assertUserError(run("nccl-tests", "--cluster", c.toString(), "--op", "all_reduce"), "cluster.fabric[1]", "found \"\"");
        assertUserError(run("compute", "--gpu", "H100-SXM", "--gemm", "8,8,8", "--precision", "int8"), "--precision int8",
                "unknown precision");
        // a model mapping without seq-len takes the run's (which replaces a model's anyway)
        Path t = dir.resolve("run.yaml");
        Files.writeString(t, "model: {layers: 32, hidden: 4096, ffn-hidden: 14336, heads: 32, kv-heads: 8, vocab: 128256, "
                + "gated-mlp: true}\nseq-len: 4096\nparallel: {tp: 2, pp: 2, micro-batch: 1, global-batch: 64}\n"
                + CLUSTER.formatted("H100-SXM", 2, 50, "ib-ndr"));
        CollectiveCommandTest.Run r = run("train", "--config", t.toString(), "--json");
        assertEquals(0, r.status(), r.err());
    }

    @Test
    void aDenseLayerCountCoveringEveryLayerIsWarnedAbout(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("moe.yaml");
        Files.writeString(t, "model: {layers: 4, hidden: 1024, ffn-hidden: 4096, heads: 8, kv-heads: 8, vocab: 32000, seq-len: 2048, "
                + "experts: 8, topk: 2, expert-ffn-hidden: 1024, dense-layers: 4}\nparallel: {tp: 1, pp: 1, micro-batch: 1, "
                + "global-batch: 16}\n" + CLUSTER.formatted("H100-SXM", 2, 50, "ib-ndr"));
        CollectiveCommandTest.Run r = run("train", "--config", t.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("model.dense-layers: 4 of 4 layers: no layer is a MoE layer"), r.err());
    }

    @Test
    void aSweptKeysMistakeIsNamedOnce(@TempDir Path dir) throws Exception {
        // a misspelt key was "value 1 cannot run", the spec's name repeated; a quoted degree did not say it was a string;
        // an element of a list the base lacks was "not a list here"
        SweepCommandTest.refused(dir, "tpp", BASE + "sweep:\n  parallel.tpp: [1, 2]\n", "sweep.parallel.tpp: unknown key",
                "expected one of [tp, pp");
        SweepCommandTest.refused(dir, "quoted", BASE + "sweep:\n  parallel.tp: [\"2\", \"4\"]\n", "sweep.parallel.tp",
                "(a string: write the number unquoted)");
        SweepCommandTest.refused(dir, "latency", BASE + "sweep:\n  cluster.network.latency[1]: [1, 2]\n",
                "sweep.cluster.network.latency[1]", "the base configuration has no cluster.network.latency");
        CollectiveCommandTest.Run r = run("sweep", dir.resolve("tpp.yaml").toString(), "--out", dir.resolve("x").toString());
        assertEquals(1, r.err().split(java.util.regex.Pattern.quote(dir.resolve("tpp.yaml").toString()), -1).length - 1, r.err());
    }

    @Test
    void anAliasBombIsRefusedWithItsLine(@TempDir Path dir) throws Exception {
        // 9^8 copies of a list through nested aliases ran out of memory (a stack trace); a few aliases still work
        StringBuilder b = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'h'; c++) {
            String prev = "*" + (char) (c - 1);
            b.append(c).append(": &").append(c).append(" [").append(String.join(", ", java.util.Collections.nCopies(9, prev))).append("]\n");
        }
        b.append("cluster: [*h]\n");
        Path c = dir.resolve("bomb.yaml");
        Files.writeString(c, b.toString());
        assertUserError(run("nccl-tests", "--cluster", c.toString(), "--op", "all_reduce"), "bomb.yaml", "line ",
                "the aliases expand the document to more than 1000000 nodes");
        Path ok = dir.resolve("ok.yaml");
        Files.writeString(ok, "cluster:\n  gpu: H100-SXM\n  network:\n    topology: &sw [Switch, Switch]\n    npus_count: [8, 2]\n"
                + "    bandwidth: [450, 50]\n  fabric: [nvlink4-nvswitch, ib-ndr]\n");
        Path same = dir.resolve("same.yaml");
        Files.writeString(same, Files.readString(ok).replace("&sw [Switch, Switch]", "[Switch, Switch]"));
        CollectiveCommandTest.Run r = run("nccl-tests", "--cluster", ok.toString(), "--op", "all_reduce", "-b", "1M", "-e", "1M", "--json");
        assertEquals(0, r.status(), r.err());
        assertEquals(run("nccl-tests", "--cluster", same.toString(), "--op", "all_reduce", "-b", "1M", "-e", "1M", "--json").out(), r.out());
    }

    @Test
    void benchOnAnInfeasibleLayoutPrintsItsLine(@TempDir Path dir) throws Exception {
        // --json carried meanNanosPerConfiguration; the text output had no bench line
        Path t = dir.resolve("run.yaml");
        Files.writeString(t, "model: llama3-8b\nparallel: {tp: 3, pp: 1, micro-batch: 1, global-batch: 64}\n"
                + CLUSTER.formatted("H100-SXM", 2, 50, "ib-ndr"));
        CollectiveCommandTest.Run r = run("train", "--config", t.toString(), "--bench", "2");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("infeasible: ") && r.out().matches("(?s).*bench: [0-9.]+ us per configuration.*"), r.out());
    }

    @Test
    void anNvlinkDomainBeyondItsTechnologyIsWarnedAbout(@TempDir Path dir) throws Exception {
        // cluster.fabric[1]: nvlink4-nvswitch made one NVLink4 domain of 1,024 H100 (NVLink Switch System: 256), cheaper
        // and faster than InfiniBand, on the front without a word
        Path c = dir.resolve("big.yaml");
        Files.writeString(c, CLUSTER.formatted("H100-SXM", 128, 450, "nvlink4-nvswitch"));
        CollectiveCommandTest.Run r = run("nccl-tests", "--cluster", c.toString(), "--op", "all_reduce", "-b", "1G", "-e", "1G");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("a scale-up domain of 1024 GPUs on nvlink4-nvswitch") && r.err().contains("beyond the 256"), r.err());
        Path s = dir.resolve("s.yaml");
        Files.writeString(s, FITS.replace("npus_count: [8, 8]", "npus_count: [8, 64]") + "sweep:\n  zip-net:\n    cluster.fabric[1]: [ib-ndr, nvlink4-nvswitch]\n"
                + "    cluster.network.bandwidth[1]: [50, 450]\n");
        CollectiveCommandTest.Run w = run("sweep", s.toString(), "--out", dir.resolve("o").toString());
        assertTrue(w.err().contains("beyond the 256"), w.err());
        // a 64-GPU domain (the Llama 3 70B study's hypothetical NVLink-switch H100 domain) is within it
        Files.writeString(c, CLUSTER.formatted("H100-SXM", 8, 450, "nvlink4-nvswitch"));
        assertTrue(!run("nccl-tests", "--cluster", c.toString(), "--op", "all_reduce", "-b", "1G", "-e", "1G").err().contains("beyond"));
    }

    /** Writes {@code spec} as {@code name}.yaml and sweeps it into out-{@code name}; the sweep must succeed. */
    static CollectiveCommandTest.Run sweepOk(Path dir, String name, String spec) throws Exception {
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, spec);
        CollectiveCommandTest.Run r = run("sweep", f.toString(), "--out", dir.resolve("out-" + name).toString());
        assertEquals(0, r.status(), r.err());
        return r;
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
