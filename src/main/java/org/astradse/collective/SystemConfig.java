package org.astradse.collective;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.astradse.InputException;
import org.astradse.network.NetworkConfig;

/**
 * The system layer's configuration (ASTRA-sim's system file), immutable.
 *
 * @param schedulingPolicy       LIFO or FIFO priority of collectives (SEMANTICS 4.4)
 * @param endpointDelayNs        per-packet endpoint delay before injection-scale, ns (cycles)
 * @param activeChunksPerDim     chunks running at once per dimension
 * @param preferredSplits        preferred-dataset-splits: chunks per collective
 * @param implementations        one token list per collective type
 * @param optimization           baseline or localBWAware
 * @param localMemBwGBps         local-mem-bw in GB/s with GB = 1e9 B (v2 reduction delay); NaN when absent (v1)
 * @param warnings               what was accepted but ignored, or unknown
 */
public record SystemConfig(SchedulingPolicy schedulingPolicy, long endpointDelayNs, int activeChunksPerDim,
                           int preferredSplits, Map<CollectiveType, List<AlgorithmToken>> implementations,
                           CollectiveOptimization optimization, double localMemBwGBps, List<String> warnings) {

    public enum SchedulingPolicy { LIFO, FIFO }

    public enum CollectiveOptimization { BASELINE, LOCAL_BW_AWARE }

    public SystemConfig {
        if (endpointDelayNs < 0) throw new IllegalArgumentException("endpoint-delay must be >= 0");
        if (activeChunksPerDim < 1) throw new IllegalArgumentException("active-chunks-per-dimension must be >= 1");
        if (preferredSplits < 1) throw new IllegalArgumentException("preferred-dataset-splits must be >= 1");
        implementations = Map.copyOf(implementations);
        for (CollectiveType t : CollectiveType.values()) {
            List<AlgorithmToken> l = implementations.get(t);
            if (l == null || l.isEmpty()) throw new IllegalArgumentException("no implementation for " + t);
        }
        warnings = List.copyOf(warnings);
    }

    public List<AlgorithmToken> implementation(CollectiveType type) {
        return implementations.get(type);
    }

    /** The format rule for system files: {@code .json} is ASTRA-sim 2.0 JSON, anything else a 1.0 txt file. */
    public static boolean isV2File(Path file) {
        return file.getFileName() != null && file.getFileName().toString().endsWith(".json");
    }

    /** Reads a system file of either format. */
    public static SystemConfig parse(Path file) {
        return isV2File(file) ? parseJson(file) : V1SystemParser.parse(file);
    }

    /** The JSON keys of a v2 system file for the four implementations. */
    private static final java.util.EnumMap<CollectiveType, String> KEYS = new java.util.EnumMap<>(CollectiveType.class);

    static {
        for (CollectiveType t : CollectiveType.values()) KEYS.put(t, t.cliName() + "-implementation");
    }

    public static String implementationKey(CollectiveType t) {
        return KEYS.get(t);
    }

    private static final List<String> REQUIRED = List.of("scheduling-policy", "endpoint-delay",
            "active-chunks-per-dimension", "preferred-dataset-splits", "all-reduce-implementation",
            "all-gather-implementation", "reduce-scatter-implementation", "all-to-all-implementation",
            "collective-optimization", "local-mem-bw");

    /** The keys of a 2.0 system JSON this reader knows: the required ones and those the reference reads but we ignore. */
    public static final List<String> KNOWN_KEYS = java.util.stream.Stream.concat(REQUIRED.stream(),
            new java.util.TreeSet<>(Set.of("boost-mode", "roofline-enabled", "peak-perf", "model-shared-bus", "L", "o", "g", "G",
                    "local-reduction-delay", "intra-dimension-scheduling", "inter-dimension-scheduling", "seprate-log",
                    "replay-only", "track-local-mem", "local-mem-trace-filename")).stream()).toList();

    /** Keys the reference reads but that have no timing effect here (documented in the README). */
    private static final Set<String> ACCEPTED_IGNORED = Set.copyOf(KNOWN_KEYS.subList(REQUIRED.size(), KNOWN_KEYS.size()));

    /**
     * Reads an ASTRA-sim 2.0 system JSON (SEMANTICS 2.4). Every required key must be present; keys the
     * reference ignores are accepted (a warning when set to a non-default value); unknown keys give a warning
     * naming them; custom per-rank algorithms and the LogGP bus are rejected as unsupported.
     */
    public static SystemConfig parseJson(Path file) {
        return fromJsonTree(NetworkConfig.readTree(file, new ObjectMapper()), file);
    }

    /** Builds a system from a 2.0 JSON tree ({@code file} names it in messages; may be null). */
    public static SystemConfig fromJsonTree(JsonNode root, Path file) {
        if (!root.isObject()) throw InputException.at(file, null, "expected a JSON object of system keys");
        List<String> warnings = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (key.endsWith("-implementation-custom"))
                throw InputException.at(file, key, "unsupported: custom per-rank collective algorithms are not characterised");
            if (!REQUIRED.contains(key) && !ACCEPTED_IGNORED.contains(key)) unknown.add(key);
        }
        if (!unknown.isEmpty())
            warnings.add((file == null ? "system" : file) + ": unknown keys ignored: " + String.join(", ", unknown));
        for (String key : REQUIRED) {
            if (!root.has(key) || root.get(key).isNull())
                throw InputException.at(file, key, "missing; the " + key + " key is required"
                        + (key.equals("preferred-dataset-splits") ? " (the reference divides by zero without it)" : ""));
        }
        SchedulingPolicy policy = switch (text(root, "scheduling-policy", file)) {
            case "LIFO" -> SchedulingPolicy.LIFO;
            case "FIFO" -> SchedulingPolicy.FIFO;
            default -> throw InputException.at(file, "scheduling-policy", "expected \"LIFO\" or \"FIFO\" (or \"EXPLICIT\" "
                    + "for a Chakra workload), found " + root.get("scheduling-policy"));
        };
        if (root.path("endpoint-delay").isIntegralNumber() && root.get("endpoint-delay").asLong() == 0)
            throw InputException.at(file, "endpoint-delay", "expected a positive number of ns, found 0 (the reference "
                    + "aborts on a zero delay before the first event)");
        long endpointDelay = integer(root, "endpoint-delay", file, 1, MAX_ENDPOINT_DELAY_NS);
        int active = (int) integer(root, "active-chunks-per-dimension", file, 1, MAX_CHUNKS);
        int splits = (int) integer(root, "preferred-dataset-splits", file, 1, MAX_CHUNKS);
        Map<CollectiveType, List<AlgorithmToken>> impl = new EnumMap<>(CollectiveType.class);
        for (CollectiveType t : CollectiveType.values()) {
            String key = implementationKey(t);
            JsonNode arr = root.get(key);
            if (!arr.isArray() || arr.isEmpty())
                throw InputException.at(file, key, "expected a non-empty array of tokens, one per dimension, e.g. [\"ring\"]");
            List<AlgorithmToken> tokens = new ArrayList<>();
            for (int i = 0; i < arr.size(); i++) {
                JsonNode tok = arr.get(i);
                AlgorithmToken a = tok.isTextual() ? AlgorithmToken.parse(tok.asText()) : null;
                if (a == null)
                    throw InputException.at(file, key + "[" + i + "]", "unknown algorithm " + tok + "; expected one of "
                            + AlgorithmToken.NAMES);
                tokens.add(a);
            }
            impl.put(t, tokens);
        }
        CollectiveOptimization opt = switch (text(root, "collective-optimization", file)) {
            case "baseline" -> CollectiveOptimization.BASELINE;
            case "localBWAware" -> CollectiveOptimization.LOCAL_BW_AWARE;
            default -> throw InputException.at(file, "collective-optimization", "expected \"baseline\" or \"localBWAware\", "
                    + "found " + root.get("collective-optimization"));
        };
        JsonNode lmb = root.get("local-mem-bw");
        if (!lmb.isNumber() || !org.astradse.network.Dimension.valid(lmb.asDouble(), true))
            throw InputException.at(file, "local-mem-bw", "expected a positive number of GB/s, found " + lmb);
        JsonNode bus = root.get("model-shared-bus");
        if (bus != null && bus.isNumber() && bus.asInt() != 0)
            throw InputException.at(file, "model-shared-bus", "unsupported: the LogGP shared-bus model is not characterised; "
                    + "set it to 0");
        JsonNode boost = root.get("boost-mode");
        if (boost != null && boost.isNumber() && boost.asInt() != 0)
            warnings.add(file + ": boost-mode is ignored by the 2.0 reference (never read)");
        for (String k : List.of("intra-dimension-scheduling", "inter-dimension-scheduling")) {
            if (root.has(k)) warnings.add(file + ": " + k + " is not read by the 2.0 reference; fixed to FIFO / ascending");
        }
        return new SystemConfig(policy, endpointDelay, active, splits, impl, opt, lmb.asDouble(), warnings);
    }

    private static String text(JsonNode root, String key, Path file) {
        JsonNode v = root.get(key);
        if (!v.isTextual()) throw InputException.at(file, key, "expected a string, found " + v);
        return v.asText();
    }

    private static long integer(JsonNode root, String key, Path file, long min, long max) {
        JsonNode v = root.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max)
            throw InputException.at(file, key, "expected an integer " + (max == Long.MAX_VALUE ? ">= " + min : "from " + min
                    + " to " + max) + ", found " + v);
        return v.asLong();
    }

    /**
     * Most chunks a collective may be cut into, and run at once per dimension (2^20): far beyond any real setting, and
     * below the int range a larger value used to wrap around in silently (4294967300 splits ran as 4).
     */
    public static final int MAX_CHUNKS = 1 << 20;

    /**
     * The longest endpoint delay per packet, ns (10^12, a network's per-hop latency bound): beyond it the simulated
     * time wraps past 2^63 ns (10^18 read as 5 ns end to end).
     */
    public static final long MAX_ENDPOINT_DELAY_NS = 1_000_000_000_000L;
}
