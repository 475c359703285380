package org.astradse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweeps and searches over training studies ({@code train:} specs): rows, fronts, determinism and spec mistakes. */
class TrainSweepTest {
    @TempDir
    Path dir;

    static final String BASE = """
            name: t
            train:
              model: llama3-8b
              parallel: {tp: 1, pp: 1, micro-batch: 1, global-batch: 256, precision: bf16}
              cluster:
                gpu: H100-SXM
                network: {topology: [Switch, Switch], npus_count: [8, 8], bandwidth: [450, 50]}
                fabric: [nvlink4-nvswitch, ib-ndr]
            """;

    Path spec(String sweep) throws Exception {
        Path f = dir.resolve("spec.yaml");
        Files.writeString(f, BASE + sweep);
        return f;
    }

    /** Sweeps {@code f} into DIR/out (asserting exit 0) and returns its points.csv lines. */
    List<String> rows(Path f, String out) throws Exception {
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", f.toString(), "--out", dir.resolve(out).toString());
        assertEquals(0, r.status(), r.err());
        return Files.readAllLines(dir.resolve(out).resolve("points.csv"));
    }

    @Test
    void aLayoutSweepWritesTrainingColumnsAndInfeasibleRows() throws Exception {
        Path f = spec("""
                sweep:
                  parallel.tp: [1, 2, 4, 8, 16]
                  parallel.pp: [1, 2, 4]
                  zip-net:
                    cluster.network.bandwidth[1]: [25, 50]
                    cluster.fabric[1]: [ib-hdr, ib-ndr]
                """);
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", f.toString(), "--out", dir.resolve("a").toString(), "--threads", "2");
        assertEquals(0, r.status(), r.err());
        List<String> lines = Files.readAllLines(dir.resolve("a/points.csv"));
        assertEquals(1 + 5 * 3 * 2, lines.size());
        String header = lines.get(0);
        for (String c : new String[] {"parallel.tp", "cluster.fabric[1]", "tokens_per_s_per_gpu", "mfu", "memory_peak_bytes_per_gpu",
                "dp_ns", "end_to_end_ns", "network_cost_usd"})
            assertTrue(header.contains(c), c + " in " + header);
        // tp 16 does not divide Llama 3 8B's 8 KV heads: an infeasible row naming the numbers
        assertTrue(lines.stream().anyMatch(l -> l.contains("infeasible") && l.contains("tp 16 does not divide kv-heads 8")));
        // cost: 64 GPUs × (450 GB/s × (4 + 13) $ NVLink, LIBRA InterPackage + 25 or 50 GB/s × (7.8 + 18 + 31.6) $ IB,
        // LIBRA InterPod) = 489,600 + 91,840 or 183,680 $
        assertTrue(lines.stream().anyMatch(l -> l.endsWith(",581440.00")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.endsWith(",673280.00")));
        // the same files with one thread
        CollectiveCommandTest.Run r1 = CollectiveCommandTest.run("sweep", f.toString(), "--out", dir.resolve("b").toString(), "--threads", "1");
        assertEquals(0, r1.status(), r1.err());
        assertEquals(Files.readString(dir.resolve("a/points.csv")), Files.readString(dir.resolve("b/points.csv")));
        assertEquals(Files.readString(dir.resolve("a/pareto.csv")), Files.readString(dir.resolve("b/pareto.csv")));
        // a search over the same study runs
        CollectiveCommandTest.Run s = CollectiveCommandTest.run("search", f.toString(), "--budget", "12", "--population", "6",
                "--seed", "1", "--out", dir.resolve("s").toString());
        assertEquals(0, s.status(), s.err());
        assertEquals(13, Files.readAllLines(dir.resolve("s/points.csv")).size());
    }

    @Test
    void constraintsSeeTheDerivedDpAndTheDefaults() throws Exception {
        // 64 GPUs: dp = 64 / (tp·pp) is 64, 32, 16, 8 for tp 1, 2, 4, 8 (pp 1); dp ≥ 16 keeps tp 1, 2, 4; vpp and cp are
        // not written and read as their defaults (1). tp 1 passes the constraint but exceeds the H100's 80 GiB (its row
        // names the memory, not the constraint): 2 ok rows
        Path f = spec("""
                sweep:
                  parallel.tp: [1, 2, 4, 8]
                constraints:
                  - "parallel.dp >= 16 && parallel.vpp == 1 && parallel.cp == 1"
                """);
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", f.toString(), "--out", dir.resolve("c").toString());
        assertEquals(0, r.status(), r.err());
        List<String> lines = Files.readAllLines(dir.resolve("c/points.csv"));
        assertEquals(5, lines.size());
        assertEquals(2, lines.stream().filter(l -> l.contains(",ok,")).count(), String.join("\n", lines));
        assertTrue(lines.get(1).startsWith("0,infeasible,\"memory"), lines.get(1));
        assertTrue(lines.get(4).startsWith("3,infeasible,constraint 'parallel.dp >= 16"), lines.get(4));
        // the first point does not parse (fp8 on an A100: its row says so): the constraint still sees dp derived
        Path h = spec("""
                sweep:
                  cluster.gpu: [A100-SXM4-80GB, H100-SXM]
                  parallel.precision: [fp8, bf16]
                  parallel.tp: [2]
                constraints:
                  - "parallel.dp >= 1"
                """);
        CollectiveCommandTest.Run rh = CollectiveCommandTest.run("sweep", h.toString(), "--out", dir.resolve("h").toString());
        assertEquals(0, rh.status(), rh.err());
        List<String> hl = Files.readAllLines(dir.resolve("h/points.csv"));
        assertEquals(5, hl.size(), String.join("\n", hl));
        assertTrue(hl.get(1).startsWith("0,infeasible,") && hl.get(1).contains("fp8"), hl.get(1));
        assertTrue(hl.stream().noneMatch(l -> l.contains("constraint")), String.join("\n", hl));
        // a key that exists nowhere is still the spec's mistake, before the first point
        Path g = spec("""
                sweep:
                  parallel.tp: [1, 2]
                constraints:
                  - "parallel.dpp >= 16"
                """);
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("sweep", g.toString(), "--out", dir.resolve("d").toString()),
                "spec.yaml", "constraints", "dpp");
    }

    @Test
    void keysOfABundledModelOrClusterTheBaseNamesAreSwept() throws Exception {
        // the base names llama3-8b (32 layers); sweeping model.layers edits that bundled model: the 32-layer row is the
        // bundled model's own result (the same study with the model swept by name gives it)
        List<String> rows = rows(spec("sweep:\n  model.layers: [16, 32]\n  parallel.tp: [2]\n"), "k");
        Path g = spec("sweep:\n  model: [llama3-8b]\n  parallel.tp: [2]\n");
        assertEquals(0, CollectiveCommandTest.run("sweep", g.toString(), "--out", dir.resolve("n").toString()).status());
        List<String> named = Files.readAllLines(dir.resolve("n/points.csv"));
        int col = List.of(rows.get(0).split(",")).indexOf("iteration_ns");
        int colN = List.of(named.get(0).split(",")).indexOf("iteration_ns");
        assertEquals(named.get(1).split(",")[colN], rows.get(2).split(",")[col]);
        assertTrue(Long.parseLong(rows.get(1).split(",")[col]) < Long.parseLong(rows.get(2).split(",")[col]), "16 layers are faster");
    }

    @Test
    void unitCostsOfAFabricNoPointUsesAreWarnedAbout() throws Exception {
        // the study runs on nvlink4-nvswitch and ib-ndr / ib-hdr (swept): omnipath's override applies to nothing
        Path f = spec("""
                sweep:
                  parallel.tp: [2]
                  zip-net:
                    cluster.network.bandwidth[1]: [25, 50]
                    cluster.fabric[1]: [ib-hdr, ib-ndr]
                cost:
                  unit-costs:
                    ib-hdr: {link: 1}
                    omnipath: {link: 1}
                """);
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", f.toString(), "--out", dir.resolve("u").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("cost.unit-costs.omnipath: no point of this study runs on omnipath"), r.err());
        assertTrue(!r.err().contains("unit-costs.ib-hdr"), r.err()); // a swept fabric's override is used
    }

    @Test
    void mergedShardsWithoutAnOkPointAreAnError() throws Exception {
        // Llama 3 70B on tp 1 or 2 (pp 1) needs 580 and 297 GiB per GPU: both rows infeasible by memory (a result, not
        // a layout mistake the spec check refuses): each shard is written (a shard may hold no ok point), the merge
        // judges the whole sweep as a one-machine run would: exit 2
        Path f = spec("sweep:\n  model: [llama3-70b]\n  parallel.tp: [1, 2]\n");
        for (int i = 0; i < 2; i++)
            assertEquals(0, CollectiveCommandTest.run("sweep", f.toString(), "--shard", i + "/2", "--out", dir.resolve("s" + i).toString()).status());
        CollectiveCommandTest.Run m = CollectiveCommandTest.run("merge", dir.resolve("s0").toString(), dir.resolve("s1").toString(),
                "--out", dir.resolve("m").toString());
        assertEquals(2, m.status(), m.err());
        assertTrue(m.err().contains("no design point is ok (2 infeasible, 0 failed)"), m.err());
        assertEquals(3, Files.readAllLines(dir.resolve("m/points.csv")).size()); // the rows stay
    }

    @Test
    void aBandwidthAboveAFabricNeverSweptStopsTheStudy() throws Exception {
        // ib-ndr gives one GPU at most 50 GB/s and cluster.fabric is never swept: 100 can never run (it used to be an
        // infeasible row); swept together with the fabric it stays a row (ib-xdr takes it)
        Path f = spec("""
                sweep:
                  cluster.network.bandwidth[1]: [50, 100]
                """);
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", f.toString(), "--out", dir.resolve("bw").toString());
        CollectiveCommandTest.assertUserError(r, "spec.yaml", "sweep.cluster.network.bandwidth[1]", "100", "ib-ndr");
        assertTrue(!Files.exists(dir.resolve("bw/points.csv")));
    }

    @Test
    void aTopologySweptApartFromTheOtherListsGivesRows() throws Exception {
        // 2 topologies × 2 zipped (counts, bandwidths, fabrics): the two matching ranks run, the two mismatched
        // combinations are infeasible rows (the study used to be refused: each value alone did not fit the base)
        Path f = spec("""
                sweep:
                  parallel.tp: [8]
                  cluster.network.topology: [[Switch, Switch], [Switch, Switch, Switch]]
                  zip-rest:
                    cluster.network.npus_count: [[8, 8], [8, 4, 2]]
                    cluster.network.bandwidth: [[450, 50], [450, 50, 25]]
                    cluster.fabric: [[nvlink4-nvswitch, ib-ndr], [nvlink4-nvswitch, ib-ndr, ib-hdr]]
                """);
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", f.toString(), "--out", dir.resolve("tr").toString());
        assertEquals(0, r.status(), r.err());
        List<String> lines = Files.readAllLines(dir.resolve("tr/points.csv"));
        assertEquals(2, lines.stream().filter(l -> l.contains(",ok,")).count(), String.join("\n", lines));
        assertEquals(2, lines.stream().filter(l -> l.contains(",infeasible,") && l.contains("entries for")).count());
    }

    @Test
    void aKeyUnderAClusterSweptByNameStopsTheStudy() throws Exception {
        // bundled clusters by name have no keys to edit: every row used to be infeasible
        Path f = spec("""
                sweep:
                  cluster: [dgx-h100, hgx-h200]
                  cluster.fabric[1]: [ib-ndr, ib-hdr]
                """);
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", f.toString(), "--out", dir.resolve("cn").toString());
        CollectiveCommandTest.assertUserError(r, "spec.yaml", "sweep.cluster.fabric[1]", "swept by name");
    }

    @Test
    void aVectorSweptAfterItsElementDoesNotOverwriteIt() throws Exception {
        // the element path is declared first, the whole vector (zipped with the fabrics) after it: the element is
        // written last, so each row's bandwidth[1] cell is what was simulated (its cost says so: 64 × 450 × 17 $ of
        // NVLink + 64 × B × 57.4 $ of InfiniBand, LIBRA's classes)
        Path f = spec("""
                sweep:
                  parallel.tp: [2]
                  cluster.network.bandwidth[1]: [25, 50]
                  zip-net:
                    cluster.network.bandwidth: [[450, 50], [450, 25]]
                    cluster.fabric: [[nvlink4-nvswitch, ib-ndr], [nvlink4-nvswitch, ib-ndr]]
                """);
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", f.toString(), "--out", dir.resolve("o").toString());
        assertEquals(0, r.status(), r.err());
        List<String> lines = Files.readAllLines(dir.resolve("o/points.csv"));
        List<String> h = List.of(lines.get(0).split(","));
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",");
            double b = Double.parseDouble(c[h.indexOf("cluster.network.bandwidth[1]")]);
            assertEquals(64 * 450 * 17.0 + 64 * b * 57.4, Double.parseDouble(c[c.length - 1]), 0.01, line);
        }
    }

    @Test
    void aConstraintMakesRowsInfeasible() throws Exception {
        // tp · pp ≤ 4 leaves (1,1) (1,2) (1,4) (2,1) (2,2) (4,1) of the 3 × 3 grid: 6 evaluated, 3 infeasible
        List<String> lines = rows(spec("sweep:\n  parallel.tp: [1, 2, 4]\n  parallel.pp: [1, 2, 4]\nconstraints: [parallel.tp * parallel.pp <= 4]\n"), "c");
        assertEquals(3, lines.stream().filter(l -> l.contains("constraint 'parallel.tp * parallel.pp <= 4' is false")).count());
    }

    @Test
    void timeToTrainIsTheObjectiveWithRunTokens() throws Exception {
        Path f = spec("""
                run: {tokens: 1.0e9}
                sweep:
                  parallel.tp: [2]
                  parallel.global-batch: [128, 256]
                """);
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", f.toString(), "--out", dir.resolve("t").toString());
        assertEquals(0, r.status(), r.err());
        List<String> lines = Files.readAllLines(dir.resolve("t/points.csv"));
        List<String> h = List.of(lines.get(0).split(","));
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",");
            long batch = Long.parseLong(c[h.indexOf("parallel.global-batch")]);
            long iterations = Long.parseLong(c[h.indexOf("iterations")]);
            // ⌈10^9 / (B · 8192 tokens)⌉ iterations: 954 for B = 128, 477 for B = 256 (tp 2: an 8B model fits with SP)
            assertEquals((long) Math.ceil(1.0e9 / (batch * 8192.0)), iterations);
            assertEquals(Long.parseLong(c[h.indexOf("iteration_ns")]) * iterations, Long.parseLong(c[h.indexOf("end_to_end_ns")]));
        }
        Path bad = spec("run: {tokens: -5}\nsweep:\n  parallel.tp: [1]\n");
        CollectiveCommandTest.Run b = CollectiveCommandTest.run("sweep", bad.toString(), "--out", dir.resolve("u").toString());
        assertEquals(2, b.status());
        assertTrue(b.err().contains("run.tokens"), b.err());
        // a fraction of a token (1.5) is a mistake too
        Path frac = spec("run: {tokens: 1.5}\nsweep:\n  parallel.tp: [1]\n");
        CollectiveCommandTest.Run fr = CollectiveCommandTest.run("sweep", frac.toString(), "--out", dir.resolve("v").toString());
        CollectiveCommandTest.assertUserError(fr, "run.tokens", "whole number", "1.5");
    }

    @Test
    void filesAreNamedRelativeToTheFileNamingThemAndProfilesReachTheManifest() throws Exception {
        // the base in a sub-folder names a GPU profile beside it; the study sits one folder up
        Path sub = Files.createDirectories(dir.resolve("sub"));
        Files.writeString(sub.resolve("my-gpu.yaml"), Files.readString(Path.of("src/main/resources/org/astradse/hw/gpus/H100-SXM.yaml"))
                .replace("name: H100-SXM", "name: my-gpu"));
        Files.writeString(sub.resolve("base.yaml"), BASE.substring(BASE.indexOf("train:") + "train:".length()).replace("\n  ", "\n")
                .replace("gpu: H100-SXM", "gpu: my-gpu.yaml"));
        Path f = dir.resolve("study.yaml");
        Files.writeString(f, "name: rel\ntrain: sub/base.yaml\nsweep:\n  parallel.tp: [2, 4]\n");
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", f.toString(), "--out", dir.resolve("rel").toString());
        assertEquals(0, r.status(), r.err());
        var m = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("rel/manifest.json").toFile());
        assertTrue(m.at("/resolved/profiles/gpus").has("my-gpu"), m.at("/resolved/profiles").toString());
        assertTrue(m.at("/resolved/profiles/fabrics").has("ib-ndr"));
        // the profile's figures are the run's identity: the same study after an edit of the GPU file is another run,
        // which --resume refuses to append to
        String before = m.path("specHash").asText();
        Files.writeString(sub.resolve("my-gpu.yaml"), Files.readString(sub.resolve("my-gpu.yaml")).replace("sms: 132", "sms: 114"));
        CollectiveCommandTest.Run again = CollectiveCommandTest.run("sweep", f.toString(), "--out", dir.resolve("rel").toString(), "--resume");
        assertEquals(2, again.status(), again.err());
        CollectiveCommandTest.Run fresh = CollectiveCommandTest.run("sweep", f.toString(), "--out", dir.resolve("rel2").toString());
        assertEquals(0, fresh.status(), fresh.err());
        String after = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("rel2/manifest.json").toFile())
                .path("specHash").asText();
        assertTrue(!before.isEmpty() && !before.equals(after), before + " vs " + after);
        // a bundled cluster by name: its GPU and fabrics are listed too
        Path named = dir.resolve("named.yaml");
        Files.writeString(named, "name: named\ntrain:\n  model: llama3-8b\n  parallel: {tp: 2, global-batch: 128}\n  cluster: dgx-h100\n"
                + "sweep:\n  parallel.tp: [2, 4]\n");
        CollectiveCommandTest.Run n = CollectiveCommandTest.run("sweep", named.toString(), "--out", dir.resolve("named").toString());
        assertEquals(0, n.status(), n.err());
        var mn = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("named/manifest.json").toFile());
        assertTrue(mn.at("/resolved/profiles/gpus").has("H100-SXM") && mn.at("/resolved/profiles/fabrics").has("nvlink4-nvswitch"),
                mn.at("/resolved/profiles").toString());
    }

    @Test
    void studyWideMistakesStopBeforeTheFirstPoint() throws Exception {
        String[][] cases = {
                {"sweep:\n  model: [llama3-8b, llama9-8b]\n", "sweep.model"},
                {"sweep:\n  parallel.tp: [1, 0]\n", "parallel.tp"},
                {"sweep:\n  paralel.tp: [1, 2]\n", "paralel.tp"},
                {"sweep:\n  cluster.fabric[1]: [ib-ndr, ib-ndx]\n", "cluster.fabric[1]"},
                {"sweep:\n  parallel.tp: [1, 2]\ncost: {unit-costs: {ib-nd: {link: 1}}}\n", "cost.unit-costs.ib-nd"},
                // a constraint naming a field no point has, or one that is not true or false: the study's mistake
                {"sweep:\n  parallel.tp: [1, 2]\nconstraints: [parallel.tpp <= 8]\n", "constraints"},
                {"sweep:\n  parallel.tp: [1, 2]\nconstraints: [parallel.tp * 2]\n", "must be true or false"},
        };
        for (String[] c : cases) {
            Path f = spec(c[0]);
            Path out = dir.resolve("x");
            CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", f.toString(), "--out", out.toString(), "--force");
            assertEquals(2, r.status(), c[0] + r.out());
            assertTrue(r.err().contains(c[1]) && r.err().contains(f.toString()) && !r.err().contains("Exception"), r.err());
            assertTrue(!Files.exists(out.resolve("points.csv")), c[0]);
        }
    }
    @Test
    void oddLayoutsAreRowsWithReasonsNeverFailures() throws Exception {
        // degrees that do not divide heads, layers, GPUs, batches or sequences, on dense, MoE and MTP models and three
        // cluster shapes (64, 24 and 72 GPUs): every point is ok or infeasible with a reason, none fails (an exception).
        // What the trainer lets through must be able to run: an ok row's layout fills the cluster (dp·tp·pp·cp = GPUs),
        // fits the H100's 80 GiB, and does not beat the GPU's peak (0 < MFU <= 1)
        Path f = spec("""
                sweep:
                  model: [llama3-8b, llama3.1-405b, deepseek-v3, mixtral-8x7b]
                  parallel.tp: [1, 3, 8, 16]
                  parallel.pp: [1, 3, 5]
                  parallel.vpp: [1, 2]
                  parallel.cp: [1, 3]
                  parallel.ep: [1, 8]
                  parallel.micro-batch: [1, 3]
                  cluster.network.npus_count: [[8, 8], [4, 6], [72, 1]]
                """);
        List<String> lines = rows(f, "odd");
        assertEquals(1 + 4 * 4 * 3 * 2 * 2 * 2 * 2 * 3, lines.size());
        List<String> head = List.of(lines.get(0).split(","));
        long ok = 0;
        for (String l : lines.subList(1, lines.size())) {
            String[] cells = l.split(",", -1);
            assertTrue(cells[1].equals("ok") || cells[1].equals("infeasible") && !cells[2].isBlank(), l);
            if (!cells[1].equals("ok")) continue;
            ok++;
            java.util.function.ToLongFunction<String> col = k -> Long.parseLong(cells[head.indexOf(k)]);
            assertEquals(col.applyAsLong("npus"), col.applyAsLong("dp") * col.applyAsLong("parallel.tp")
                    * col.applyAsLong("parallel.pp") * col.applyAsLong("parallel.cp"), l);
            assertTrue(col.applyAsLong("memory_peak_bytes_per_gpu") <= 80L << 30, l);
            double mfu = Double.parseDouble(cells[head.indexOf("mfu")]);
            assertTrue(mfu > 0 && mfu <= 1, l);
        }
        assertTrue(ok > 0, "some layouts run");
    }
}
