package org.astradse.workload.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.astradse.InputException;
import org.astradse.hw.Cluster;
import org.astradse.network.NetworkConfig;

/**
 * A training configuration (a contract: {@code train --config RUN.yaml} reads it): a {@code model} (a bundled name
 * or a mapping), its {@code parallel} layout and the {@code cluster} it runs on (the hardware profiles' cluster
 * section, or a bundled cluster's name).
 */
public record TrainConfig(Path file, TransformerModel model, ParallelConfig parallel, Cluster cluster) {

    public static TrainConfig parse(Path file) {
        JsonNode root = NetworkConfig.readTree(file, org.astradse.Keys.yaml());
        return fromTree(root, file);
    }

    public static TrainConfig fromTree(JsonNode root, Path file) {
        if (!root.isObject()) throw InputException.at(file, null, "expected a mapping with model, parallel and cluster");
        new Fields(root, file, "").allow("model", "parallel", "cluster", "seq-len");
        JsonNode m = root.get("model");
        TransformerModel model;
        if (m == null) throw InputException.at(file, "model", "missing; expected a bundled model " + TransformerModel.NAMES
                + " or a mapping (layers, hidden, ffn-hidden, heads, …)");
        if (m.isTextual()) {
            try {
                model = TransformerModel.named(m.asText(), file == null ? null : file.toAbsolutePath().getParent());
            } catch (InputException e) {
                throw InputException.at(file, "model", e.getMessage());
            }
        } else if (m.isObject() && !m.has("seq-len") && root.has("seq-len")) {
            // the run's seq-len replaces a model's: a mapping that leaves it out takes the run's (checked as the run's)
            int runSeq = new Fields(root, file, "").positiveInt("seq-len", null);
            com.fasterxml.jackson.databind.node.ObjectNode withSeq = ((com.fasterxml.jackson.databind.node.ObjectNode) m).deepCopy();
            withSeq.put("seq-len", runSeq);
            model = TransformerModel.fromTree(withSeq, file, "model.");
        } else {
            model = TransformerModel.fromTree(m, file, "model.");
        }
        if (root.has("seq-len")) model = model.withSeqLen(new Fields(root, file, "").positiveInt("seq-len", null));
        ParallelConfig p = ParallelConfig.fromTree(root.get("parallel"), file, "parallel.");
        JsonNode c = root.get("cluster");
        if (c == null) throw InputException.at(file, "cluster", "missing; expected the cluster section (gpu, network, fabric) "
                + "or a bundled cluster " + Cluster.BUNDLED);
        Cluster cluster = Cluster.fromTree(c, file, "cluster.");
        // the GEMMs' precision must be one the GPU has a peak for (fp8 on an A100 used to fail later, naming no field)
        if (!cluster.gpu().peakTflops().containsKey(p.precision()))
            throw InputException.together(file, "parallel.precision", "'" + p.precision() + "' is not a precision of the "
                    + cluster.gpu().name() + " (its peak-tflops gives " + new java.util.TreeSet<>(cluster.gpu().peakTflops().keySet())
                    + ")", "parallel.precision", "cluster.gpu");
        return new TrainConfig(file, model, p, cluster);
    }

    /**
     * Whether a MoE configuration's expert-parallel group spans more than one scale-up domain — where the
     * hierarchical dispatcher and the plain all-to-all differ.
     */
    public boolean expertGroupSpansDomains() {
        int e = parallel.ep();
        if (!model.moe() || e <= 1) return false;
        return cluster.group(parallel.expertTp(), e).ranksPerDomain() < e;
    }

    /**
     * Settings the configuration writes that cannot act on it (each still valid, so a warning, not an error): SP or TP
     * communication overlap without TP, the MoE all-to-all overlap on a dense model, the parameter-gather overlap
     * without a distributed optimizer (Megatron ties it to one). {@code root} is the file's tree, to tell written keys
     * from defaults.
     */
    public java.util.List<String> ineffectiveSettings(JsonNode root) {
        return new java.util.ArrayList<>(ineffectiveByKey(root).values());
    }

    /** {@link #ineffectiveSettings}, by the key each is about ({@code parallel.sp}). */
    public java.util.Map<String, String> ineffectiveByKey(JsonNode root) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        String at = (file == null ? "" : file + ": ");
        if (model.moe() && model.denseLayers() >= model.layers())
            out.put("model.dense-layers", at + "model.dense-layers: " + model.denseLayers() + " of " + model.layers()
                    + " layers: no layer is a MoE layer (the experts are never used)");
        JsonNode p = root == null ? null : root.get("parallel");
        if (p == null || !p.isObject()) return out;
        java.util.Map<String, String> inert = inertKeys();
        for (String k : java.util.List.of("sp", "tp-comm-overlap", "ep-comm-overlap", "moe-dispatcher", "overlap-param-gather")) {
            String why = inert.get("parallel." + k);
            if (why == null || !p.has(k)) continue;
            // the switches warn when on (off is their default, and harmless); the dispatcher when written at all
            boolean on = switch (k) {
                case "moe-dispatcher" -> true;
                case "tp-comm-overlap" -> p.path(k).asText("").equals("true");
                default -> p.path(k).asBoolean(false);
            };
            if (on) out.put("parallel." + k, at + "parallel." + k + ": " + p.path(k).asText() + " has no effect " + why);
        }
        return out;
    }

    /**
     * The parallel keys whose value cannot change this configuration's results, whatever it is, with why: sequence
     * parallelism and TP overlap with tp 1, the MoE switches on a dense model (the dispatcher also with ep 1, or an EP
     * group inside one scale-up domain), the parameter-gather overlap without a sharded optimizer.
     */
    public java.util.Map<String, String> inertKeys() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        if (parallel.tp() == 1) {
            m.put("parallel.sp", "with tp 1 (sequence parallelism splits over the TP ranks)");
            m.put("parallel.tp-comm-overlap", "with tp 1 (no TP collectives)");
        }
        if (!model.moe()) m.put("parallel.ep-comm-overlap", "on a dense model (no MoE all-to-all)");
        if (!expertGroupSpansDomains())
            m.put("parallel.moe-dispatcher", !model.moe() ? "on a dense model (no MoE all-to-all)" : parallel.ep() == 1
                    ? "with ep 1 (no MoE all-to-all)"
                    : "when the EP group fits in one scale-up domain (both dispatchers are the same all-to-all there)");
        if (parallel.optimizer().equals("none"))
            m.put("parallel.overlap-param-gather", "with optimizer none (no parameter all-gather)");
        return m;
    }
}