package org.astradse.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.astradse.hw.Fit;
import org.astradse.hw.GpuProfile;
import org.astradse.workload.llm.TrainConfig;
import org.junit.jupiter.api.Test;

/**
 * The one training-step parameter per GPU generation, {@code kernels.step-efficiency} (sustained clocks and the
 * framework's gaps between kernels: what a training step reaches relative to isolated kernels), fitted by Nelder–Mead
 * (Apache Commons Math, the calibrations' shared {@link Fit}) on a robust loss of ln(model / measured iteration time) ({@link #SCALE}) over the
 * generation's visible Megatron-family runs, and checked against the committed profile values. Not fitted on: the
 * DeepSpeed ZeRO-3 rows and MegaScale's own system (other frameworks), rows the model cannot run (infeasible as
 * configured), rows whose layout the table does not state ({@link #fittable}), MoE runs (their errors are the MoE
 * model's — dispatch, the host floor — not the GPU's; Blackwell Ultra's fit on published runs is dense-only too). Generations: Ampere (A100 rows → A100 profiles), Hopper (H100 rows → H100, H800, H200 profiles),
 * Blackwell (B200 / GB200 rows → B200, GB200).
 */
class LlmCalibrationTest {
    static final Map<String, List<String>> GENERATIONS = Map.of(
            "A100-SXM4-80GB", List.of("A100-SXM4-40GB", "A100-SXM4-80GB"),
            "H100-SXM", List.of("H100-SXM", "H100-PCIe", "H800", "H200"),
            "B200", List.of("B200", "GB200"));

    /**
     * Rows the fit uses: Megatron-family runs whose layout is published (the MegaScale and Megatron-Core weak-scaling
     * tables do not state micro-batch, recompute or SP: the model runs them with defaults, so they test the model
     * but do not calibrate it), not DeepSpeed's ZeRO-3 nor MegaScale's own system.
     */
    static boolean fittable(String id) {
        return !id.contains("ZeRO3") && !id.startsWith("MEGASCALE") && !id.startsWith("MCORE");
    }

    /**
     * The loss's scale: a robust (Cauchy) loss Σ ln(1 + (ln(model/measured) / 0.1)²) — a run the model misses by far
     * more than 10 % (a recipe it cannot see) does not pull the whole generation's factor.
     */
    static final double SCALE = 0.1;

    static TrainConfig withStep(TrainConfig c, double step) {
        GpuProfile g = c.cluster().gpu();
        return LlmTrainerTest.withGpu(c, g.withKernels(g.kernels().withStepEfficiency(step)));
    }

    /** The runs the model can run as configured, with their measured iteration times (s): what a fit scores. */
    record Fitted(List<TrainConfig> configs, List<Double> measuredS) {
        static Fitted of(List<LlmVisibleRunsTest.Row> rows) {
            List<TrainConfig> cfgs = new ArrayList<>();
            List<Double> measured = new ArrayList<>();
            for (LlmVisibleRunsTest.Row r : rows) {
                TrainConfig c = TrainConfig.fromTree(r.config(), Path.of(r.id()));
                if (!LlmTrainer.run(c).feasible()) continue;
                cfgs.add(c);
                measured.add(r.measuredS());
            }
            // a set without a feasible run would leave the loss flat and a fit at its start: refuse it
            if (cfgs.isEmpty()) throw new AssertionError("no feasible run to fit on among " + rows.size());
            return new Fitted(cfgs, measured);
        }

        /** The robust loss ({@link #SCALE}) of the runs, each configuration edited by {@code edit}. */
        double loss(java.util.function.UnaryOperator<TrainConfig> edit) {
            double loss = 0;
            for (int i = 0; i < configs.size(); i++) {
                double e = Math.log(LlmTrainer.run(edit.apply(configs.get(i))).iterationNs() / 1e9 / measuredS.get(i));
                loss += Math.log1p(e * e / (SCALE * SCALE));
            }
            return loss;
        }
    }

    static double fit(List<LlmVisibleRunsTest.Row> rows) {
        Fitted f = Fitted.of(rows);
        double[] x = Fit.minimize(p -> !(p[0] > 0.2 && p[0] <= 1.5) ? 1e9 : f.loss(c -> withStep(c, p[0])),
                new double[][] {{0.8}, {1.0}}, new double[] {0.05}, 1e-9, 1e-12, 2000);
        return x[0];
    }

    @Test
    void committedStepEfficienciesAreTheFit() throws IOException {
        List<LlmVisibleRunsTest.Row> all = LlmVisibleRunsTest.rows();
        StringBuilder sb = new StringBuilder();
        Map<String, Double> fits = new java.util.TreeMap<>();
        for (var gen : GENERATIONS.entrySet()) {
            List<LlmVisibleRunsTest.Row> rows = new ArrayList<>();
            for (LlmVisibleRunsTest.Row r : all) {
                String gpu = r.config().get("cluster").get("gpu").asText();
                boolean ofGen = gen.getValue().contains(gpu);
                // dense runs only: a MoE run carries the MoE model's own errors (dispatch, host floor), not the GPU's
                boolean moe = TrainConfig.fromTree(r.config(), Path.of(r.id())).model().moe();
                if (ofGen && fittable(r.id()) && !moe && Double.isFinite(r.measuredS())) rows.add(r);
            }
            // the fit runs on the profile as committed but with the factor free
            fits.put(gen.getKey(), fit(rows));
            sb.append(gen.getKey()).append(": ").append(fits.get(gen.getKey())).append(" on the feasible of ").append(rows.size())
                    .append(" rows\n");
        }
        System.out.print(sb);
        for (var gen : GENERATIONS.entrySet())
            for (String name : gen.getValue())
                assertEquals(fits.get(gen.getKey()), GpuProfile.named(name).kernels().stepEfficiency(), 2e-3,
                        name + " step-efficiency; fits:\n" + sb);
    }
}
