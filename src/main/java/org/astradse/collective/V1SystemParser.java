package org.astradse.collective;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.astradse.InputException;
import org.astradse.network.InputTokens;

/**
 * Reads an ASTRA-sim 1.0 system file (SEMANTICS 2.3): whitespace-separated tokens in pairs {@code key:} value.
 * Unknown keys are errors (the reference exits with status 1); non-default scheduling and the LogGP bus are
 * refused as unsupported. The file is first read into a tree (implementation strings split into token arrays) so
 * that sweeps can change single fields before the configuration is built.
 */
public final class V1SystemParser {
    private V1SystemParser() {
    }

    private static final Set<String> KEYS = org.astradse.Keys.ordered("scheduling-policy", "endpoint-delay", "active-chunks-per-dimension",
            "preferred-dataset-splits", "boost-mode", "all-reduce-implementation", "all-gather-implementation",
            "reduce-scatter-implementation", "all-to-all-implementation", "collective-optimization",
            "intra-dimension-scheduling", "inter-dimension-scheduling", "model-shared-bus", "local-reduction-delay", "L", "o",
            "g", "G", "seprate-log");

    /** A 1.0 system file as a tree, with the line of each key for messages. */
    public record Tree(ObjectNode root, Map<String, Integer> lines) {
    }

    public static SystemConfig parse(Path file) {
        Tree t = readTree(file);
        return fromTree(t.root(), file, t.lines());
    }

    public static Tree readTree(Path file) {
        InputTokens in = InputTokens.read(file);
        if (in.isEmpty()) throw InputException.at(file, null, "is empty; expected key: value pairs");
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        Map<String, Integer> where = new HashMap<>();
        while (in.hasNext()) {
            InputTokens.Token keyToken = in.next("a key");
            String key = keyToken.text();
            int line = keyToken.line();
            if (!key.endsWith(":"))
                throw InputException.at(file, "line " + line, "expected a key ending in ':', found '" + key + "'");
            if (!in.hasNext()) throw InputException.at(file, "line " + line, "key " + key + " has no value");
            String k = key.substring(0, key.length() - 1);
            if (!KEYS.contains(k))
                throw InputException.at(file, "line " + line, "unknown key '" + key + "' (the reference exits on it)");
            InputTokens.Token vt = in.next("a value");
            String v = vt.text();
            // no value ends with ':': this is the next key, and the value of this one is missing
            if (v.endsWith(":"))
                throw InputException.at(file, "line " + line, "key " + key + " has no value (the next token is the key '" + v
                        + "' on line " + vt.line() + ")");
            if (where.containsKey(k))
                throw InputException.at(file, "line " + line, "key " + key + " is given twice (first on line " + where.get(k) + ")");
            if (k.endsWith("-implementation")) {
                ArrayNode arr = root.putArray(k);
                for (String part : v.split("_")) arr.add(part);
            } else {
                root.put(k, v);
            }
            where.put(k, line);
        }
        return new Tree(root, where);
    }

    /** Builds the system from a 1.0 tree; values may be strings or numbers. */
    public static SystemConfig fromTree(JsonNode root, Path file, Map<String, Integer> lines) {
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) throw InputException.at(file, k, "unknown key (the reference exits on it)");
        }
        SystemConfig.SchedulingPolicy policy = switch (text(root, "scheduling-policy", file, lines, true)) {
            case "LIFO" -> SystemConfig.SchedulingPolicy.LIFO;
            case "FIFO" -> SystemConfig.SchedulingPolicy.FIFO;
            default -> throw error(file, lines, "scheduling-policy", "expected LIFO or FIFO, found '"
                    + text(root, "scheduling-policy", file, lines, true) + "'");
        };
        long endpoint = integer(root, "endpoint-delay", file, lines, 10, 0, SystemConfig.MAX_ENDPOINT_DELAY_NS);
        int active = (int) integer(root, "active-chunks-per-dimension", file, lines, 1, 1, SystemConfig.MAX_CHUNKS);
        if (!root.has("preferred-dataset-splits"))
            throw InputException.at(file, "preferred-dataset-splits", "missing; the key is required (the reference leaves it "
                    + "uninitialised)");
        int splits = (int) integer(root, "preferred-dataset-splits", file, lines, 1, 1, SystemConfig.MAX_CHUNKS);
        Map<CollectiveType, List<AlgorithmToken>> impl = new EnumMap<>(CollectiveType.class);
        for (CollectiveType t : CollectiveType.values()) {
            String key = SystemConfig.implementationKey(t);
            JsonNode v = root.get(key);
            if (v == null) throw InputException.at(file, key, "missing; the key is required");
            List<String> parts = new ArrayList<>();
            if (v.isArray()) v.forEach(x -> parts.add(x.asText()));
            else parts.addAll(List.of(v.asText().split("_")));
            List<AlgorithmToken> list = new ArrayList<>();
            for (String part : parts) {
                AlgorithmToken a = AlgorithmToken.parse(part);
                if (a == null)
                    throw error(file, lines, key, "unknown algorithm '" + part + "'; expected " + AlgorithmToken.NAMES);
                list.add(a);
            }
            if (list.isEmpty()) throw error(file, lines, key, "expected at least one token");
            impl.put(t, list);
        }
        String opt = text(root, "collective-optimization", file, lines, true);
        SystemConfig.CollectiveOptimization optimization = switch (opt) {
            case "baseline" -> SystemConfig.CollectiveOptimization.BASELINE;
            case "localBWAware" -> SystemConfig.CollectiveOptimization.LOCAL_BW_AWARE;
            default -> throw error(file, lines, "collective-optimization", "expected baseline or localBWAware, found '" + opt + "'");
        };
        String intra = text(root, "intra-dimension-scheduling", file, lines, false);
        if (intra != null && !intra.equals("FIFO"))
            throw error(file, lines, "intra-dimension-scheduling", "unsupported: only FIFO is characterised, found '" + intra + "'");
        String inter = text(root, "inter-dimension-scheduling", file, lines, false);
        if (inter != null && !inter.equals("baseline") && !inter.equals("ascending"))
            throw error(file, lines, "inter-dimension-scheduling", "unsupported: only baseline/ascending is characterised, found '"
                    + inter + "'");
        String bus = text(root, "model-shared-bus", file, lines, false);
        if (bus != null && !bus.equals("0"))
            throw error(file, lines, "model-shared-bus", "unsupported: the LogGP shared-bus model is not characterised; set it to 0");
        String boost = text(root, "boost-mode", file, lines, false);
        if (boost != null && !boost.equals("0") && !boost.equals("1"))
            throw error(file, lines, "boost-mode", "expected 0 or 1, found '" + boost + "'");
        return new SystemConfig(policy, endpoint, active, splits, impl, optimization, Double.NaN, List.of());
    }

    private static InputException error(Path file, Map<String, Integer> lines, String key, String message) {
        Integer line = lines.get(key);
        return InputException.at(file, line == null ? key : "line " + line + ", " + key, message);
    }

    private static String text(JsonNode root, String key, Path file, Map<String, Integer> lines, boolean required) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            if (required) throw InputException.at(file, key, "missing; the key is required");
            return null;
        }
        return v.asText();
    }

    private static long integer(JsonNode root, String key, Path file, Map<String, Integer> lines, long def, long min, long max) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) return def;
        try {
            if (v.isIntegralNumber() && !v.canConvertToLong()) throw new NumberFormatException();
            long x = v.isIntegralNumber() ? v.asLong() : Long.parseLong(v.asText());
            if (x < min || x > max) throw new NumberFormatException();
            return x;
        } catch (NumberFormatException e) {
            throw error(file, lines, key, "expected an integer from " + min + " to " + max + ", found '" + v.asText() + "'");
        }
    }
}
