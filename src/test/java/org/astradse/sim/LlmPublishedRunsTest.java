package org.astradse.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.astradse.workload.llm.TrainConfig;
import org.junit.jupiter.api.Test;

/**
 * Published Megatron-Bridge / NeMo throughputs ({@code llm-published.csv}: 225 rows of their performance tables, 24.03
 * to 26.06 containers) modelled from their configurations alone, as the held-out runs are: the error of the iteration
 * time is reported per GPU family and dense / MoE, and the dense figures are asserted (the model is not fitted on these
 * rows — its per-generation step efficiency comes from the visible table — except Blackwell Ultra's, which no visible
 * run is on: fitted here on the GB300 rows).
 *
 * <p>How a row becomes a configuration: the bundled model at the table's sequence length; DGX H100, B200 and B300 nodes
 * of 8 GPUs (NVLink 450 / 900 GB/s per GPU per direction) over 8 × 400 Gb/s NDR (50 GB/s per GPU; B300: 8 × 800 Gb/s,
 * 100 GB/s); GB200 and GB300 as one NVL72 domain up to 72 GPUs, beyond that 64-GPU domains over NDR (GB300: XDR) —
 * the recipes' 64-GPU units; recompute none, the
 * distributed optimizer, or FSDP where the table gives an FSDP degree; every FP8 recipe as fp8. A layout the trainer
 * finds above the GPU's memory is reported, not scored (the tables' recipes offload or recompute where that happens,
 * which the tables do not say).
 */
class LlmPublishedRunsTest {
    static final Path DATA = Path.of("src/test/resources/reference/llm-published.csv");

    /** The table's rows. */
    static List<CSVRecord> records() throws IOException {
        try (Reader in = Files.newBufferedReader(DATA)) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setCommentMarker('#').build().parse(in).getRecords();
        }
    }

    static ObjectNode config(CSVRecord r) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode cfg = om.createObjectNode();
        cfg.put("model", r.get("model"));
        if (!r.get("seq_len").isBlank()) cfg.put("seq-len", Integer.parseInt(r.get("seq_len")));
        ObjectNode p = cfg.putObject("parallel");
        for (String k : List.of("tp", "pp", "vpp", "cp", "ep")) p.put(k, Integer.parseInt(r.get(k)));
        p.put("micro-batch", Integer.parseInt(r.get("micro_batch")));
        p.put("global-batch", Integer.parseInt(r.get("global_batch")));
        p.put("precision", r.get("precision"));
        p.put("recompute", "none");
        if (r.get("fsdp").equals("yes")) p.put("optimizer", "fsdp");
        String gpu = r.get("gpu");
        int gpus = Integer.parseInt(r.get("gpus"));
        boolean grace = gpu.startsWith("GB");
        int domain = grace ? (gpus <= 72 ? gpus : 64) : Math.min(8, gpus);
        // Blackwell Ultra systems (HGX B300, GB300 NVL72) come with ConnectX-8 800 Gb/s NICs, one per GPU (XDR rate); the
        // others with 400 Gb/s NDR
        boolean ultra = gpu.endsWith("300");
        LlmVisibleRunsTest.putCluster(cfg, gpu, domain, gpu.equals("H100-SXM") ? 450 : 900,
                gpu.equals("H100-SXM") ? "nvlink4-nvswitch" : "nvlink5-nvswitch", gpus > domain ? gpus / domain : 1,
                ultra ? 100 : 50, ultra ? "ib-xdr" : "ib-ndr");
        return cfg;
    }

    @Test
    void publishedThroughputsModelledFromTheirConfigurations() throws IOException {
        Map<String, List<Double>> groups = new LinkedHashMap<>();
        int rows = 0;
        int aboveMemory = 0;
        for (CSVRecord r : records()) {
            rows++;
            TrainConfig cfg = TrainConfig.fromTree(config(r), Path.of("llm-published.csv"));
            TrainResult t = LlmTrainer.run(cfg);
            if (!t.feasible()) {
                aboveMemory++;
                assertTrue(t.reason().startsWith("memory"), r + ": " + t.reason()); // the tables' layouts are valid
                continue;
            }
            double published = Double.parseDouble(r.get("tokens_per_s_per_gpu"));
            double err = published / t.tokensPerSecondPerGpu() - 1; // = model iteration / published iteration − 1
            String kind = cfg.model().moe() ? "MoE" : "dense";
            groups.computeIfAbsent(r.get("gpu") + " " + kind, k -> new ArrayList<>()).add(err);
            groups.computeIfAbsent("all " + kind, k -> new ArrayList<>()).add(err);
        }
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT, "%d published rows, %d above the GPU's memory as "
                + "configured (not scored)%n", rows, aboveMemory));
        for (Map.Entry<String, List<Double>> e : groups.entrySet()) {
            List<Double> v = e.getValue();
            report.append(String.format(Locale.ROOT, "%-16s %3d rows: mean |error| %5.1f %%, mean signed %+5.1f %%%n", e.getKey(),
                    v.size(), 100 * v.stream().mapToDouble(Math::abs).average().orElse(0), 100 * v.stream().mapToDouble(x -> x).average().orElse(0)));
        }
        System.out.print(report);
        List<Double> dense = groups.get("all dense");
        double denseMean = dense.stream().mapToDouble(Math::abs).average().orElseThrow();
        // today: 102 scored dense rows at 4.6 % (H100 4.9 %, B200 3.6 %, GB200 5.3 %, and GB300 3.5 % in-sample: Blackwell
        // Ultra's step efficiency is fitted on them); MoE (101 rows, 16.1 % with the host floor fitted on them) is far off
        // (README: where and why), so only the dense rows are bounded, just above today's figure
        org.junit.jupiter.api.Assertions.assertEquals(102, dense.size(), report.toString());
        assertTrue(denseMean <= 0.05, report.toString());
        org.junit.jupiter.api.Assertions.assertEquals(225, rows, report.toString());
    }

    /** The published rows of {@code gpus}' dense models (MoE excluded: its error is the model's, not the GPU's), as runs. */
    static List<LlmVisibleRunsTest.Row> denseRows(Set<String> gpus) throws IOException {
        return rows(gpus, false);
    }

    /** The published rows of {@code gpus}, of MoE or of dense models, as runs (measured iteration from tokens/s/GPU). */
    static List<LlmVisibleRunsTest.Row> rows(Set<String> gpus, boolean moe) throws IOException {
        List<LlmVisibleRunsTest.Row> out = new ArrayList<>();
        for (CSVRecord r : records()) {
            if (!gpus.contains(r.get("gpu"))) continue;
            ObjectNode c = config(r);
            TrainConfig cfg = TrainConfig.fromTree(c, Path.of("llm-published.csv"));
            if (cfg.model().moe() != moe) continue;
            // measured iteration = tokens per iteration / (tokens/s/GPU · GPUs)
            double iteration = (double) cfg.parallel().globalBatch() * cfg.model().seqLen()
                    / (Double.parseDouble(r.get("tokens_per_s_per_gpu")) * cfg.cluster().totalGpus());
            out.add(new LlmVisibleRunsTest.Row(r.get("release") + " " + r.get("model") + " " + r.get("gpu") + " " + r.get("gpus"), c, iteration));
        }
        return out;
    }

    /**
     * Blackwell Ultra (B300, GB300: the peaks of B200 / GB200 at 16 and 8 bits, more memory, faster attention
     * softmax and higher power) gets its own step efficiency, fitted as the other generations' are (LlmCalibrationTest's
     * robust fit) — on published runs, as no visible run is on it: the dense GB300 rows of the Megatron-Bridge tables.
     */
    @Test
    void blackwellUltraStepEfficiencyIsTheFitOnPublishedRuns() throws IOException {
        List<LlmVisibleRunsTest.Row> rows = denseRows(Set.of("B300", "GB300"));
        double fit = LlmCalibrationTest.fit(rows);
        System.out.println("Blackwell Ultra step-efficiency fitted on " + rows.size() + " published dense rows: " + fit);
        for (String g : List.of("B300", "GB300"))
            org.junit.jupiter.api.Assertions.assertEquals(fit, org.astradse.hw.GpuProfile.named(g).kernels().stepEfficiency(),
                    fit * 2e-3, g + ": fitted " + fit);
    }

    /**
     * The MoE forward's host floor ({@code kernels.moe-host-us}, GpuProfile.KernelParams): one figure per host platform
     * for Megatron-Core's MoE layer — the x86 hosts of DGX/HGX H100, B200, B300 systems and the Grace hosts of GB200 /
     * GB300 — fitted here with the calibrations' robust loss (LlmCalibrationTest) on every feasible published MoE row of
     * the platform; the visible table's MoE rows are not fitted on. The profiles must carry the fits (the x86 figure is
     * also the default of a profile naming none, and the A100 and other Hopper profiles'), and each floor must lower the
     * loss it was fitted on (a floor of 0 is the model without it).
     */
    static final Map<String, List<String>> HOSTS = Map.of(
            "x86", List.of("H100-SXM", "B200", "B300"),
            "Grace", List.of("GB200", "GB300"));

    @Test
    void moeHostFloorIsTheFitOnPublishedMoeRuns() throws IOException {
        Map<String, Double> fits = new java.util.TreeMap<>();
        StringBuilder sb = new StringBuilder();
        for (var host : HOSTS.entrySet()) {
            LlmCalibrationTest.Fitted runs = LlmCalibrationTest.Fitted.of(rows(Set.copyOf(host.getValue()), true));
            java.util.function.DoubleUnaryOperator loss = us -> runs.loss(c -> {
                org.astradse.hw.GpuProfile g = c.cluster().gpu();
                return LlmTrainerTest.withGpu(c, g.withKernels(g.kernels().withMoeHostUs(us)));
            });
            double[] x = org.astradse.hw.Fit.minimize(p -> p[0] < 0 || p[0] > 50_000 ? 1e9 : loss.applyAsDouble(p[0]),
                    new double[][] {{2000}, {8000}}, new double[] {1000}, 1e-9, 1e-9, 400);
            fits.put(host.getKey(), x[0]);
            sb.append(String.format(Locale.ROOT, "MoE host floor (%s hosts) fitted on %d published MoE rows: %.0f us (loss %.2f;"
                    + " without: %.2f)%n", host.getKey(), runs.configs().size(), x[0], loss.applyAsDouble(x[0]), loss.applyAsDouble(0)));
            // the feasible published MoE rows: 51 on x86 hosts, 50 on Grace
            org.junit.jupiter.api.Assertions.assertEquals(host.getKey().equals("x86") ? 51 : 50, runs.configs().size(), sb.toString());
            assertTrue(loss.applyAsDouble(x[0]) < loss.applyAsDouble(0), "the floor must explain something: " + sb);
        }
        System.out.print(sb);
        for (String g : org.astradse.hw.GpuProfile.NAMES) {
            double fit = fits.get(g.startsWith("GB") ? "Grace" : "x86");
            org.junit.jupiter.api.Assertions.assertEquals(fit, org.astradse.hw.GpuProfile.named(g).kernels().moeHostUs(),
                    Math.max(50, fit * 0.02), g + ": " + sb);
        }
        org.junit.jupiter.api.Assertions.assertEquals(fits.get("x86"), org.astradse.hw.GpuProfile.KernelParams.DEFAULT.moeHostUs(),
                fits.get("x86") * 0.02, "the default");
    }
}
