package org.astradse.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.astradse.InputException;
import org.astradse.hw.FabricProfile;
import org.astradse.hw.GpuProfile;
import org.astradse.workload.llm.TransformerModel;

/**
 * Every profile a training study (or an ASTRA-sim-input study on a cluster) can use — the GPUs, fabrics and models its base configuration and its swept values
 * name — with every figure in it, for the manifest (the hardware-profiles issue: "every figure a profile uses is
 * visible in manifest.json"). Keyed by the profiles' own names, sorted, so the manifest is deterministic.
 */
final class TrainProfiles {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private TrainProfiles() {
    }

    /** The paths whose values name profiles (a bundled name or a file). */
    private static final java.util.Set<String> PROFILE_PATHS = java.util.Set.of("cluster", "cluster.gpu", "cluster.fabric", "model");

    static ObjectNode of(SweepSpec spec) {
        Path dir = spec.file().toAbsolutePath().getParent();
        Map<String, Object> gpus = new TreeMap<>();
        Map<String, Object> fabrics = new TreeMap<>();
        Map<String, Object> models = new TreeMap<>();
        JsonNode base = spec.train();
        if (base == null) { // an ASTRA-sim-input study on a cluster: its GPU and fabrics
            ObjectNode wrap = JSON.createObjectNode();
            wrap.set("cluster", SweepSpec.clusterSection(spec.network()));
            base = wrap;
        }
        collect(base, "", dir, gpus, fabrics, models);
        for (Domain d : spec.domains()) {
            // only domains that can name a profile are read, each whole (whatever its size): a name missed here would
            // leave that profile's figures out of the run's identity
            if (d instanceof Domain.Continuous || d.paths().stream().map(ParamPath::withoutIndex)
                    .noneMatch(PROFILE_PATHS::contains)) continue;
            for (long i = 0; i < d.size(); i++)
                for (Map.Entry<String, Object> e : d.valuesAt(i).entrySet())
                    if (e.getValue() instanceof JsonNode n) collect(n, ParamPath.withoutIndex(e.getKey()), dir, gpus, fabrics, models);
        }
        ObjectNode o = JSON.createObjectNode();
        o.set("gpus", JSON.valueToTree(gpus));
        o.set("fabrics", JSON.valueToTree(fabrics));
        o.set("models", JSON.valueToTree(models));
        return o;
    }

    /**
     * A profile under its name — or, when another profile of that name is already listed with other figures (a file
     * copying a bundled profile's name), under the name and the file naming it, so both enter the identity.
     */
    private static void put(Map<String, Object> m, String name, Object profile, String namedAs) {
        Object had = m.putIfAbsent(name, profile);
        if (had != null && !had.equals(profile)) m.putIfAbsent(name + " (" + namedAs + ")", profile);
    }

    /** The names under {@code at} (a path such as cluster.fabric) in a tree, resolved to their profiles. */
    private static void collect(JsonNode n, String at, Path dir, Map<String, Object> gpus, Map<String, Object> fabrics,
                                Map<String, Object> models) {
        if (n.isObject()) {
            for (var it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                collect(e.getValue(), at.isEmpty() ? e.getKey() : at + "." + e.getKey(), dir, gpus, fabrics, models);
            }
            return;
        }
        if (n.isArray()) {
            for (JsonNode c : n) collect(c, at, dir, gpus, fabrics, models);
            return;
        }
        if (!n.isTextual()) return;
        String v = n.asText();
        try {
            switch (at) {
                case "cluster" -> { // a bundled cluster or a cluster file: its GPU and fabrics
                    org.astradse.hw.Cluster c = org.astradse.hw.Cluster.fromTree(n, dir == null ? null : dir.resolve("spec"), "cluster.");
                    put(gpus, c.gpu().name(), c.gpu(), n.asText());
                    for (org.astradse.hw.Cluster.Dim d : c.dims()) put(fabrics, d.fabric().name(), d.fabric(), n.asText());
                }
                case "cluster.gpu" -> {
                    GpuProfile g = GpuProfile.named(v, dir);
                    put(gpus, g.name(), g, v);
                }
                case "cluster.fabric" -> {
                    FabricProfile f = FabricProfile.named(v, dir);
                    put(fabrics, f.name(), f, v);
                }
                case "model" -> {
                    TransformerModel m = TransformerModel.named(v, dir);
                    put(models, m.name(), m, v);
                }
                default -> {
                }
            }
        } catch (InputException e) {
            // a name the study refuses elsewhere, with its own message
        }
    }
}
