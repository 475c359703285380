package org.astradse.cli;

import static org.astradse.cli.SweepCommandTest.refused;
import static org.astradse.cli.SweepCommandTest.replace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mistakes the second adversarial pass reported and left open: now refused with exit 2, naming file and key. */
class BadInputPassThreeTest {
    static final String TRAIN = """
            model: llama3-8b
            parallel: {%s, pp: 1, tp: 8, micro-batch: 1, global-batch: 16}
            cluster: dgx-h100
            """;

    @Test
    void aTrainingKeyWithoutValueIsRefusedNotReadAsTheDefault(@TempDir Path dir) throws Exception {
        // `tp:` with nothing after it (or `tp: null`) used to run as tp 1, the default of an absent key
        for (String v : List.of("vpp: null", "vpp: ~", "dp: null")) {
            Path f = dir.resolve("run.yaml");
            Files.writeString(f, TRAIN.formatted(v));
            CollectiveCommandTest.Run r = CollectiveCommandTest.run("train", "--config", f.toString());
            CollectiveCommandTest.assertUserError(r, "run.yaml", "parallel." + v.substring(0, v.indexOf(':')), "has no value");
        }
        // a degree written as a decimal (8.0) is refused as npus_count 4.0 is, with the form to write
        Path d = dir.resolve("dec.yaml");
        Files.writeString(d, TRAIN.replace("%s, ", "").replace("tp: 8", "tp: 8.0"));
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("train", "--config", d.toString()), "dec.yaml",
                "parallel.tp", "'8.0'", "write 8");
        Path f = dir.resolve("model.yaml");
        Files.writeString(f, """
                model: {layers: 2, hidden: 512, ffn-hidden:, heads: 8, vocab: 1000, seq-len: 128}
                parallel: {tp: 1, pp: 1, micro-batch: 1, global-batch: 8}
                cluster: dgx-h100
                """);
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("train", "--config", f.toString()), "model.yaml",
                "model.ffn-hidden", "has no value");
        // the same run with the key left out takes the default (vpp 1) and runs
        Files.writeString(f, TRAIN.replace("%s, ", ""));
        CollectiveCommandTest.Run ok = CollectiveCommandTest.run("train", "--config", f.toString());
        assertEquals(0, ok.status(), ok.err());
        assertTrue(ok.out().contains("vpp 1"), ok.out());
    }

    static String chakra() throws Exception {
        // the bundled Chakra study: a 16-file ResNet-50 trace set on a fixed 4 × 4 network
        return Files.readString(Path.of("sweeps/chakra-resnet.yaml")).replace("inputs/", Path.of("sweeps/inputs").toAbsolutePath() + "/");
    }

    @Test
    void aTraceSetThatFitsNoNetworkOfTheSpecIsRefusedBeforeTheFirstPoint(@TempDir Path dir) throws Exception {
        // 4 × 8 = 32 NPUs for a 16-file trace set: every row used to be infeasible, and the exit status came at the end
        refused(dir, "wrongCount", replace(chakra(), "npus_count: [4, 4]", "npus_count: [4, 8]"), "workloads",
                "has 16 file(s)", "32 NPUs");
        // swept NPU counts of which one fits: the other is a row's business (infeasible rows, exit 0)
        String s = replace(chakra(), "  network.bandwidth[0]: {from: 50, to: 400, step: 50}",
                "  network.npus_count: [[4, 4], [4, 8]]\n  network.bandwidth[0]: [50, 100]");
        s = replace(s, "  network.bandwidth[1]: {from: 25, to: 200, step: 25}", "  network.bandwidth[1]: [25]");
        Path spec = dir.resolve("someFit.yaml");
        Files.writeString(spec, s);
        Path out = dir.resolve("out");
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", spec.toString(), "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        List<String> rows = Files.readAllLines(out.resolve("points.csv"));
        // 3 topologies × 2 counts × 2 bandwidths × 2 algorithms = 24 rows, the 4 × 8 half infeasible
        assertEquals(25, rows.size());
        assertEquals(12, rows.stream().filter(x -> x.contains(",infeasible,") && x.contains("does not exist")).count());
        // the other half, 3 · 1 · 2 · 2 = 12 rows, all on the 4 × 4 shape
        assertEquals(12, rows.stream().filter(x -> x.contains(",ok,") && x.contains(",4_4,")).count(), rows.toString());
        assertEquals(12, rows.stream().filter(x -> x.contains(",ok,")).count(), rows.toString());
    }

    @Test
    void anExportNeverOverwritesAnotherFolderAndReplacesAnEarlierExportWhole(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("run.yaml");
        // 2 × 2 × 2 = 8 ranks on one DGX H100 (tp 2, pp 2, dp derived 2)
        Files.writeString(cfg, """
                model: {layers: 4, hidden: 512, ffn-hidden: 2048, heads: 8, vocab: 1000, seq-len: 128}
                parallel: {tp: 2, pp: 2, micro-batch: 1, global-batch: 8}
                cluster:
                  gpu: H100-SXM
                  network: {topology: [Switch], npus_count: [8], bandwidth: [450]}
                  fabric: [nvlink4-nvswitch]
                """);
        // a sweep's results folder: refused, its file untouched
        Path results = dir.resolve("results");
        Files.createDirectories(results);
        Files.writeString(results.resolve("points.csv"), "point_id,status\n");
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("train", "--config", cfg.toString(), "--export-chakra", results.toString());
        CollectiveCommandTest.assertUserError(r, "--export-chakra", "points.csv", "not part of a Chakra export");
        assertEquals(List.of("points.csv"), names(results));
        // a file is not a folder
        r = CollectiveCommandTest.run("train", "--config", cfg.toString(), "--export-chakra", results.resolve("points.csv").toString());
        CollectiveCommandTest.assertUserError(r, "--export-chakra", "is a file");
        // an earlier, larger export is replaced: no stale ranks 8 … 15 remain beside the new 8
        Path et = dir.resolve("et");
        Files.createDirectories(et);
        for (int rank = 0; rank < 16; rank++) Files.writeString(et.resolve("llm." + rank + ".et"), "old");
        r = CollectiveCommandTest.run("train", "--config", cfg.toString(), "--export-chakra", et.toString());
        assertEquals(0, r.status(), r.err());
        List<String> files = names(et);
        assertEquals(11, files.size(), files.toString()); // 8 traces + comm_groups.json, network.yml, system.json
        assertTrue(files.contains("llm.7.et") && !files.contains("llm.8.et"), files.toString());
        assertTrue(Files.size(et.resolve("llm.0.et")) > 3, "rank 0 rewritten");
    }

    @Test
    void aResumedRowWhoseSweptValueWasEditedIsRefused(@TempDir Path dir) throws Exception {
        List<String> whole = SweepCommandTest.runs(dir, "s", SweepCommandTest.small());
        Path spec = dir.resolve("s.yaml");
        Path points = dir.resolve("out-s").resolve("points.csv");
        // an interrupted run's first three rows, the second with its first swept value changed by hand
        Files.write(points, org.astradse.JournalEdits.withFirstSweptValueEdited(whole, 4, 2));
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", spec.toString(), "--out", dir.resolve("out-s").toString(), "--resume");
        CollectiveCommandTest.assertUserError(r, "points.csv", "line 3", "point 1 has the swept values", "where this run has");
        // the same rows unedited resume to the uninterrupted run's file
        Files.write(points, whole.subList(0, 4));
        r = CollectiveCommandTest.run("sweep", spec.toString(), "--out", dir.resolve("out-s").toString(), "--resume");
        assertEquals(0, r.status(), r.err());
        assertEquals(whole, Files.readAllLines(points));
    }

    static CollectiveCommandTest.Run train(Path dir, String text) throws Exception {
        Path f = dir.resolve("run.yaml");
        Files.writeString(f, text);
        return CollectiveCommandTest.run("train", "--config", f.toString(), "--json");
    }

    @Test
    void yamlOneOneNumberFormsAreRefusedNotReinterpreted(@TempDir Path dir) throws Exception {
        // YAML 1.1 read 0200 as the octal 128 (a global batch of 128), 8_0 as 80, 0x8 as 8, and 050 GB/s as 40
        String t = "model: llama3-8b\nparallel: {tp: 8, micro-batch: 1, global-batch: %s}\ncluster: dgx-h100\n";
        CollectiveCommandTest.assertUserError(train(dir, t.formatted("0200")), "run.yaml", "line 2", "'0200'", "octal number 128",
                "write 200");
        CollectiveCommandTest.assertUserError(train(dir, t.formatted("2_048")), "run.yaml", "'2_048'", "underscore", "write 2048");
        CollectiveCommandTest.assertUserError(train(dir, t.formatted("0x200")), "run.yaml", "'0x200'", "hex");
        assertEquals(0, train(dir, t.formatted("512")).status());
        // the same in a sweep spec's domain: refused before any point
        refused(dir, "octal", replace(SweepCommandTest.small(), "network.bandwidth[1]: [25, 50]", "network.bandwidth[1]: [25, 050]"),
                "'050'", "octal number 40");
    }

    @Test
    void modelsProfilesAndClusterFilesRefuseWhatTheyWouldIgnore(@TempDir Path dir) throws Exception {
        String cluster = "cluster: {gpu: H100-SXM, network: {topology: [Switch], npus_count: [8], bandwidth: [450]}, fabric: [nvlink4-nvswitch]}\n";
        String dense = "model: {layers: 4, hidden: 1024, ffn-hidden: 4096, heads: 8, vocab: 32000, seq-len: 2048%s}\n"
                + "parallel: {tp: %d, micro-batch: 1, global-batch: 8}\n" + cluster;
        // an MoE key on a dense model used to be ignored
        CollectiveCommandTest.assertUserError(train(dir, dense.formatted(", topk: 2", 1)), "model.topk", "on a dense model");
        CollectiveCommandTest.assertUserError(train(dir, dense.formatted(", shared-experts: 1", 1)), "model.shared-experts", "dense");
        assertEquals(0, train(dir, dense.formatted(", experts: 0, topk: 0, dense-layers: 0", 1)).status()); // the contract's zeros
        // experts: 0 written is a dense model on purpose (a study sweeping experts [8, 0]): its MoE keys are unused
        assertEquals(0, train(dir, dense.formatted(", experts: 0, topk: 2, expert-ffn-hidden: 1024", 1)).status());
        // an MoE model without topk used to run with 1
        CollectiveCommandTest.assertUserError(train(dir, dense.formatted(", experts: 8, expert-ffn-hidden: 1024", 1)), "model.topk",
                "missing");
        // sequence parallelism needs the sequence to divide by tp (Megatron's check): 2050 tokens on tp 4
        CollectiveCommandTest.Run r = train(dir, dense.formatted("", 4).replace("seq-len: 2048", "seq-len: 2050"));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("\"feasible\":false") && r.out().contains("seq-len 2050 is not a multiple of tp 4"), r.out());
        assertTrue(r.out().contains("\"dp\":2"), r.out()); // the layout resolved: 8 GPUs / tp 4
        // a refused layout has no dp or micro-batch count (null, not 0)
        r = train(dir, dense.formatted("", 3));
        assertTrue(r.out().contains("\"dp\":null") && r.out().contains("\"microBatches\":null"), r.out());
        // expert-tp on a dense model: infeasible, as ep is
        r = train(dir, dense.formatted("", 1).replace("global-batch: 8}", "global-batch: 8, expert-tp: 2}"));
        assertTrue(r.out().contains("expert-tp 2 on a dense model"), r.out());
        // a cluster file's cluster: section with a key beside it (gpu: B200 was ignored: the run was on H100)
        Path cf = dir.resolve("c.yaml");
        Files.writeString(cf, cluster + "gpu: B200\n");
        Files.writeString(dir.resolve("run.yaml"), "model: llama3-8b\nparallel: {tp: 8, micro-batch: 1, global-batch: 8}\ncluster: c.yaml\n");
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("train", "--config", dir.resolve("run.yaml").toString()),
                "c.yaml", "gpu", "unknown key");
        // a GPU profile's empty name and an input-bandwidth efficiency above 1 (GEMMs faster than reading their operands)
        String h100 = new String(org.astradse.hw.FabricProfile.class.getResourceAsStream("gpus/H100-SXM.yaml").readAllBytes());
        Path gpu = dir.resolve("g.yaml");
        // each edit of the bundled H100 profile: {regex, replacement, the fragments the one-line error must hold}
        String moeHost = "kernels:\n  moe-host-us: ";
        String[][] edits = {
                {"name: H100-SXM", "name: \"\"", "name", "has no value"},
                {"input-bw-efficiency: [0-9.]+", "input-bw-efficiency: 2", "gemm.input-bw-efficiency", "from 10^-6 to 1"},
                // the split-K fix-up: negative or a string (0 is allowed: the library splits nothing)
                {"split-k-fixup-us: [0-9.]+", "split-k-fixup-us: -1", "gemm.split-k-fixup-us", "from 0 to 10^7", "-1"},
                {"split-k-fixup-us: [0-9.]+", "split-k-fixup-us: \"3\"", "gemm.split-k-fixup-us", "from 0 to 10^7"},
                // the MoE host floor: negative (0 is allowed: no floor)
                {"kernels:\n", moeHost + "-5\n", "kernels.moe-host-us", "from 0 to 10^7", "-5"},
                // durations so large they are a unit mistake (and overflowed to an Infinity iteration, exit 0)
                {"kernels:\n", moeHost + "1e306\n", "kernels.moe-host-us", "10^7", "1.0E306"},
                {"split-k-fixup-us: [0-9.]+", "split-k-fixup-us: 1e300", "gemm.split-k-fixup-us", "10^7"},
                {"launch-floor-us: [0-9.]+", "launch-floor-us: 1e300", "gemm.launch-floor-us", "10^7"}};
        for (String[] e : edits) {
            Files.writeString(gpu, h100.replaceFirst(e[0], java.util.regex.Matcher.quoteReplacement(e[1])));
            String[] expect = new String[e.length - 1];
            expect[0] = "g.yaml";
            System.arraycopy(e, 2, expect, 1, e.length - 2);
            CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("compute", "--gpu", gpu.toString(), "--gemm",
                    "256,1024,2048"), expect);
        }
        // an empty --config, a spec's train: naming no file
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("train", "--config", ""), "--config", "empty path");
        Path spec = dir.resolve("s.yaml");
        Files.writeString(spec, "name: s\ntrain: nope.yaml\n");
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("sweep", spec.toString(), "--out", dir.resolve("o").toString()),
                "s.yaml", "train", "'nope.yaml'", "no file");
        // --bench 0 printed no figure (on a valid configuration, which runs without it)
        Files.writeString(dir.resolve("ok.yaml"), "model: llama3-8b\nparallel: {tp: 8, micro-batch: 1, global-batch: 8}\n" + cluster);
        assertEquals(0, CollectiveCommandTest.run("train", "--config", dir.resolve("ok.yaml").toString()).status());
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("train", "--config", dir.resolve("ok.yaml").toString(),
                "--bench", "0"), "--bench", ">= 1");
    }

    @Test
    void trainingStudiesThatCannotRunAreRefusedBeforeTheFirstPoint(@TempDir Path dir) throws Exception {
        String base = "name: t\ntrain:\n  model: llama3-8b\n  parallel: {tp: 8, pp: 1, micro-batch: 1, global-batch: 100}\n"
                + "  cluster: dgx-h100\n";
        // dgx-h100: 128 GPUs, tp 8 → dp 16; no swept micro-batch makes 100 sequences divide by 16
        Path f = dir.resolve("batch.yaml");
        Files.writeString(f, base + "sweep:\n  parallel.micro-batch: [1, 2, 4]\n");
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", f.toString(), "--out", dir.resolve("o1").toString());
        CollectiveCommandTest.assertUserError(r, "batch.yaml", "sweep", "no design point has a layout that can run (all 3 checked)",
                "global-batch 100");
        assertTrue(!Files.exists(dir.resolve("o1").resolve("points.csv")));
        // one swept value that runs: rows, as before (global batch 128 divides)
        Files.writeString(f, base.replace("global-batch: 100", "global-batch: 128") + "sweep:\n  parallel.micro-batch: [1, 3]\n");
        r = CollectiveCommandTest.run("sweep", f.toString(), "--out", dir.resolve("o2").toString());
        assertEquals(0, r.status(), r.err());
        // a swept model.seq-len that the configuration's seq-len overrides is a dead axis
        Files.writeString(f, base.replace("global-batch: 100", "global-batch: 128") + "  seq-len: 4096\n"
                + "sweep:\n  model.seq-len: [1024, 2048]\n");
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("sweep", f.toString(), "--out", dir.resolve("o3").toString()),
                "sweep.model.seq-len", "has no effect");
    }

    @Test
    void settingsThatCannotActAreWarnedAbout(@TempDir Path dir) throws Exception {
        // valid but without effect on this configuration: each named on stderr, the run goes on (exit 0)
        Path f = dir.resolve("w.yaml");
        Files.writeString(f, "model: llama3-8b\nparallel: {tp: 1, sp: true, ep-comm-overlap: true, optimizer: none, "
                + "overlap-param-gather: true, moe-dispatcher: alltoall, micro-batch: 1, global-batch: 128}\ncluster: dgx-h100\n");
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("train", "--config", f.toString());
        assertEquals(0, r.status(), r.err());
        for (String k : List.of("parallel.sp: true has no effect with tp 1", "parallel.ep-comm-overlap: true has no effect on a dense",
                "parallel.overlap-param-gather: true has no effect with optimizer none",
                "parallel.moe-dispatcher: alltoall has no effect on a dense model"))
            assertTrue(r.err().contains("warning: " + f + ": " + k), r.err());
        // a MoE model with ep 1: the dispatcher has nothing to dispatch over
        Files.writeString(f, "model: qwen3-30b-a3b\nparallel: {ep: 1, moe-dispatcher: hierarchical, micro-batch: 1, global-batch: 128}\n"
                + "cluster: dgx-h100\n");
        r = CollectiveCommandTest.run("train", "--config", f.toString());
        assertTrue(r.err().contains("parallel.moe-dispatcher: hierarchical has no effect with ep 1"), r.err());
        // a MoE model whose EP group fits one node: both dispatchers are the same all-to-all
        Files.writeString(f, "model: qwen3-30b-a3b\nparallel: {ep: 8, moe-dispatcher: alltoall, micro-batch: 1, global-batch: 128}\n"
                + "cluster: dgx-h100\n");
        r = CollectiveCommandTest.run("train", "--config", f.toString());
        assertTrue(r.err().contains("parallel.moe-dispatcher: alltoall has no effect when the EP group fits in one scale-up domain"), r.err());
        // a list is named as written (it used to read as '')
        Files.writeString(f, "model: qwen3-30b-a3b\nparallel: {ep: 8, moe-dispatcher: [a], micro-batch: 1, global-batch: 128}\n"
                + "cluster: dgx-h100\n");
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("train", "--config", f.toString()), "w.yaml",
                "parallel.moe-dispatcher", "'[\"a\"]'");
        // an unknown dispatcher is a user error naming the field and the choices
        Files.writeString(f, "model: qwen3-30b-a3b\nparallel: {ep: 8, moe-dispatcher: deepep, micro-batch: 1, global-batch: 128}\n"
                + "cluster: dgx-h100\n");
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("train", "--config", f.toString()), "w.yaml",
                "parallel.moe-dispatcher", "deepep", "hierarchical");
        // the Chakra export of a dispatch across nodes says it writes the plain all-to-all
        Files.writeString(f, "model: qwen3-30b-a3b\nparallel: {ep: 16, micro-batch: 1, global-batch: 128}\ncluster: dgx-h100\n");
        r = CollectiveCommandTest.run("train", "--config", f.toString(), "--export-chakra", dir.resolve("et").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("writes the MoE dispatch as the plain all-to-all"), r.err());
        // the bundled example warns about nothing
        assertTrue(CollectiveCommandTest.run("train", "--config", "sweeps/llm/llama3-70b-1024xh100.yaml").err().isBlank());
    }

    static List<String> names(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
