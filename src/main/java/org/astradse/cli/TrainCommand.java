package org.astradse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.astradse.InputException;
import org.astradse.sim.LlmTrainer;
import org.astradse.sim.TrainResult;
import org.astradse.workload.llm.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code train}: one Megatron-style LLM training iteration on a cluster (a contract). */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Model one training iteration of an LLM configuration (model, parallel layout, cluster): time, "
                + "throughput, MFU, memory per GPU and where the time goes.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "RUN.yaml", description = "training configuration: model, parallel, cluster")
    Path config;

    @Option(names = "--json", description = "print one JSON object (iterationNs, tokensPerSecondPerGpu, modelTflopsPerGpu, mfu, "
            + "memoryPeakBytesPerGpu, memoryBytes, feasible, reason, computeNs, bubbleNs, tpNs, cpNs, epNs, ppNs, dpNs, optimizerNs)")
    boolean json;

    @Option(names = "--export-chakra", paramLabel = "DIR",
            description = "also write the generated workload as Chakra ET (DIR/llm.R.et, one per rank), its communicator groups "
                    + "(comm_groups.json) and an ASTRA-sim 2.0 network.yml and system.json for the cluster")
    Path exportChakra;

    @Option(names = "--bench", paramLabel = "N",
            description = "run the configuration N times after N warm-ups in this process; adds meanNanosPerConfiguration")
    Integer bench;

    @Override
    public Integer call() throws Exception {
        if (bench != null && bench < 1) throw new InputException("--bench: expected a number of runs >= 1, found " + bench);
        if (config.toString().isBlank()) throw new InputException("--config: an empty path; expected a training configuration file");
        // the file's tree, read once: the configuration, and which keys it writes (for the warnings)
        com.fasterxml.jackson.databind.JsonNode root = org.astradse.network.NetworkConfig.readTree(config, org.astradse.Keys.yaml());
        TrainConfig cfg = TrainConfig.fromTree(root, config);
        if (cfg.cluster().topologyWarning() != null) System.err.println(cfg.cluster().topologyWarning());
        if (cfg.cluster().domainWarning() != null) System.err.println(cfg.cluster().domainWarning());
        for (String w : cfg.ineffectiveSettings(root)) System.err.println("warning: " + w);
        TrainResult r = LlmTrainer.run(cfg);
        if (exportChakra != null) {
            // one ASTRA-sim collective per dispatch: the export writes the plain all-to-all on the EP group
            if (cfg.parallel().moeDispatcher().equals("hierarchical") && cfg.expertGroupSpansDomains())
                System.err.println("warning: --export-chakra writes the MoE dispatch as the plain all-to-all on the EP group "
                        + "(an ET collective has no hierarchical dispatcher): the traces' all-to-all time is that of "
                        + "moe-dispatcher: alltoall");
            int ranks = LlmTrainer.exportChakra(cfg, exportChakra); // refuses a layout that cannot run
            if (!r.feasible())
                // a layout above the GPU's memory is still a workload ASTRA-sim can simulate: written, but said
                System.err.println("warning: " + config + ": " + r.reason() + "; the traces are written as the layout "
                        + "would run");
            System.err.printf(Locale.ROOT, "Chakra ET written: %s/llm.{0..%d}.et, comm_groups.json, network.yml, system.json%n",
                    exportChakra, ranks - 1);
        }
        double meanNs = Double.NaN;
        if (bench != null) {
            for (int i = 0; i < bench; i++) LlmTrainer.run(cfg);
            long t0 = System.nanoTime();
            for (int i = 0; i < bench; i++) LlmTrainer.run(cfg);
            meanNs = (System.nanoTime() - t0) / (double) bench;
        }
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(toJson(cfg, r, meanNs)));
            return 0;
        }
        System.out.print(text(cfg, r, meanNs));
        return 0;
    }

    static ObjectNode toJson(TrainConfig cfg, TrainResult r, double meanNs) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("feasible", r.feasible());
        o.put("reason", r.reason());
        num(o, "iterationNs", r.iterationNs());
        num(o, "tokensPerSecondPerGpu", r.tokensPerSecondPerGpu());
        num(o, "modelTflopsPerGpu", r.modelTflopsPerGpu());
        o.put("modelFlopsCounting", "Megatron-LM model FLOPs, causal attention (current Megatron-LM num_floating_point_operations)");
        num(o, "modelTflopsPerGpuNonCausal", Double.isFinite(r.iterationNs()) ? r.modelTflopsPerGpu() * r.modelFlopsNonCausal() / r.modelFlopsPerIteration() : Double.NaN);
        num(o, "mfu", r.mfu());
        o.put("mfuBasis", "dense 16-bit peak of " + cfg.cluster().gpu().name() + " (" + cfg.cluster().gpu().peakTflops("bf16") + " TFLOP/s)");
        num(o, "memoryPeakBytesPerGpu", r.memoryPeakBytesPerGpu());
        ObjectNode mem = o.putObject("memoryBytes");
        // every part, null for a layout refused before its memory is known (the contract's fields are always there)
        for (String part : TrainResult.MEMORY_PARTS) num(mem, part, r.memory().getOrDefault(part, Double.NaN));
        num(o, "computeNs", r.computeNs());
        num(o, "bubbleNs", r.bubbleNs());
        num(o, "tpNs", r.tpNs());
        num(o, "cpNs", r.cpNs());
        num(o, "epNs", r.epNs());
        num(o, "ppNs", r.ppNs());
        num(o, "dpNs", r.dpNs());
        num(o, "optimizerNs", r.optimizerNs());
        num(o, "moeHostWaitNs", r.moeHostWaitNs()); // part of computeNs: MoE forwards waiting on the host
        o.put("gpus", r.gpus());
        // a layout refused before its data parallelism resolves has neither (null, as the times are)
        if (r.dp() > 0) o.put("dp", r.dp());
        else o.putNull("dp");
        if (r.microBatches() > 0) o.put("microBatches", r.microBatches());
        else o.putNull("microBatches");
        num(o, "params", r.params());
        num(o, "activeParams", r.activeParams());
        num(o, "modelFlopsPerIteration", r.modelFlopsPerIteration());
        if (!Double.isNaN(meanNs)) o.put("meanNanosPerConfiguration", meanNs);
        return o;
    }

    private static double ms(double ns) {
        return org.astradse.network.Units.nanosToMillis(ns);
    }

    private static void num(ObjectNode o, String k, double v) {
        if (Double.isFinite(v)) o.put(k, v);
        else o.putNull(k);
    }

    /** The --bench line (empty without --bench): as --json's meanNanosPerConfiguration, infeasible layouts included. */
    private static String bench(double meanNs) {
        return Double.isNaN(meanNs) ? "" : String.format(Locale.ROOT, "bench: %.1f us per configuration%n",
                org.astradse.network.Units.nanosToMicros(meanNs));
    }

    static String text(TrainConfig cfg, TrainResult r, double meanNs) {
        StringBuilder sb = new StringBuilder();
        var p = cfg.parallel();
        sb.append(String.format(Locale.ROOT, "%s on %d x %s: tp %d, pp %d, vpp %d, cp %d, ep %d", cfg.model().name(), r.gpus(),
                cfg.cluster().gpu().name(), p.tp(), p.pp(), p.vpp(), p.cp(), p.ep()));
        // dp and the micro-batch count exist once the layout resolves (a refused layout has neither)
        if (r.dp() > 0) sb.append(", dp ").append(r.dp());
        if (r.microBatches() > 0) sb.append(", ").append(r.microBatches()).append(" micro-batches of ").append(p.microBatch());
        else sb.append(", micro-batch ").append(p.microBatch());
        sb.append('\n');
        if (!r.feasible()) {
            sb.append("infeasible: ").append(r.reason()).append('\n');
            if (!Double.isFinite(r.iterationNs())) return sb.append(bench(meanNs)).toString();
            sb.append("if it fit: ");
        }
        sb.append(String.format(Locale.ROOT, "iteration %.3f s, %.1f tokens/s/GPU, %.1f model TFLOP/s/GPU (causal), MFU %.1f %%%n",
                org.astradse.network.Units.nanosToSeconds(r.iterationNs()), r.tokensPerSecondPerGpu(), r.modelTflopsPerGpu(), 100 * r.mfu()));
        sb.append(String.format(Locale.ROOT, "time (ms): compute %.1f, bubble %.1f, exposed TP %.1f, CP %.1f, EP %.1f, PP %.1f, "
                        + "DP %.1f, optimizer %.1f%n", ms(r.computeNs()), ms(r.bubbleNs()), ms(r.tpNs()), ms(r.cpNs()),
                ms(r.epNs()), ms(r.ppNs()), ms(r.dpNs()), ms(r.optimizerNs())));
        if (r.moeHostWaitNs() > 0)
            sb.append(String.format(Locale.ROOT, "of the compute, %.1f ms is MoE forwards waiting on the host (kernels.moe-host-us)%n",
                    ms(r.moeHostWaitNs())));
        double gib = org.astradse.network.Units.BINARY_GB_BYTES;
        sb.append(String.format(Locale.ROOT, "memory per GPU %.2f GiB: weights %.2f, gradients %.2f, optimizer %.2f, activations %.2f, other %.2f%n",
                r.memoryPeakBytesPerGpu() / gib, r.memory().get("weights") / gib, r.memory().get("gradients") / gib,
                r.memory().get("optimizer") / gib, r.memory().get("activations") / gib, r.memory().get("other") / gib));
        sb.append(bench(meanNs));
        return sb.toString();
    }
}
