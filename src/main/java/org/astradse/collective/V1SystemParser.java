package org.astradse.collective;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.astradse.network.InputException;

/**
 * Reads an ASTRA-sim 1.0 system file (SEMANTICS 2.3): whitespace-separated tokens in pairs {@code key:} value.
 * Unknown keys are errors (the reference exits with status 1); non-default scheduling and the LogGP bus are
 * refused as unsupported.
 */
public final class V1SystemParser {
    private V1SystemParser() {
    }

    private record Token(String text, int line) {
    }

    public static SystemConfig parse(Path file) {
        if (!Files.exists(file)) throw InputException.at(file, null, "file not found");
        if (Files.isDirectory(file)) throw InputException.at(file, null, "is a directory; expected a file");
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw InputException.at(file, null, "cannot be read: " + e.getMessage());
        }
        List<Token> tokens = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            for (String t : lines.get(i).trim().split("\\s+")) {
                if (!t.isEmpty()) tokens.add(new Token(t, i + 1));
            }
        }
        if (tokens.isEmpty()) throw InputException.at(file, null, "is empty; expected key: value pairs");
        Map<String, Token> values = new HashMap<>();
        for (int i = 0; i < tokens.size(); i += 2) {
            Token key = tokens.get(i);
            if (!key.text().endsWith(":"))
                throw InputException.at(file, "line " + key.line(), "expected a key ending in ':' , found '" + key.text() + "'");
            if (i + 1 >= tokens.size())
                throw InputException.at(file, "line " + key.line(), "key " + key.text() + " has no value");
            values.put(key.text().substring(0, key.text().length() - 1), tokens.get(i + 1));
        }
        List<String> warnings = new ArrayList<>();
        for (String k : values.keySet()) {
            switch (k) {
                case "scheduling-policy", "endpoint-delay", "active-chunks-per-dimension", "preferred-dataset-splits",
                        "boost-mode", "all-reduce-implementation", "all-gather-implementation",
                        "reduce-scatter-implementation", "all-to-all-implementation", "collective-optimization",
                        "intra-dimension-scheduling", "inter-dimension-scheduling", "model-shared-bus",
                        "local-reduction-delay", "L", "o", "g", "G", "seprate-log" -> {
                }
                default -> throw InputException.at(file, "line " + values.get(k).line(), "unknown key '" + k + ":' (the reference "
                        + "exits on it)");
            }
        }
        SchedulingPolicyValue policy = new SchedulingPolicyValue(required(values, "scheduling-policy", file), file);
        long endpoint = integer(values, "endpoint-delay", file, 10, 0);
        int active = (int) integer(values, "active-chunks-per-dimension", file, 1, 1);
        if (!values.containsKey("preferred-dataset-splits"))
            throw InputException.at(file, "preferred-dataset-splits", "missing; the key is required (the reference leaves it "
                    + "uninitialised)");
        int splits = (int) integer(values, "preferred-dataset-splits", file, 1, 1);
        Map<CollectiveType, List<AlgorithmToken>> impl = new EnumMap<>(CollectiveType.class);
        for (CollectiveType t : CollectiveType.values()) {
            String key = SystemConfig.implementationKey(t);
            Token v = required(values, key, file);
            List<AlgorithmToken> list = new ArrayList<>();
            for (String part : v.text().split("_")) {
                AlgorithmToken a = AlgorithmToken.parse(part);
                if (a == null)
                    throw InputException.at(file, "line " + v.line() + ", " + key, "unknown algorithm '" + part + "'; expected "
                            + AlgorithmToken.NAMES);
                list.add(a);
            }
            impl.put(t, list);
        }
        Token opt = required(values, "collective-optimization", file);
        SystemConfig.CollectiveOptimization optimization = switch (opt.text()) {
            case "baseline" -> SystemConfig.CollectiveOptimization.BASELINE;
            case "localBWAware" -> SystemConfig.CollectiveOptimization.LOCAL_BW_AWARE;
            default -> throw InputException.at(file, "line " + opt.line() + ", collective-optimization",
                    "expected baseline or localBWAware, found '" + opt.text() + "'");
        };
        Token intra = values.get("intra-dimension-scheduling");
        if (intra != null && !intra.text().equals("FIFO"))
            throw InputException.at(file, "line " + intra.line() + ", intra-dimension-scheduling", "unsupported: only FIFO is "
                    + "characterised, found '" + intra.text() + "'");
        Token inter = values.get("inter-dimension-scheduling");
        if (inter != null && !inter.text().equals("baseline") && !inter.text().equals("ascending"))
            throw InputException.at(file, "line " + inter.line() + ", inter-dimension-scheduling", "unsupported: only baseline/"
                    + "ascending is characterised, found '" + inter.text() + "'");
        Token bus = values.get("model-shared-bus");
        if (bus != null && !bus.text().equals("0"))
            throw InputException.at(file, "line " + bus.line() + ", model-shared-bus", "unsupported: the LogGP shared-bus model "
                    + "is not characterised; set it to 0");
        Token boost = values.get("boost-mode");
        if (boost != null && !boost.text().equals("0") && !boost.text().equals("1"))
            throw InputException.at(file, "line " + boost.line() + ", boost-mode", "expected 0 or 1, found '" + boost.text() + "'");
        return new SystemConfig(policy.value, endpoint, active, splits, impl, optimization, Double.NaN, warnings);
    }

    private record SchedulingPolicyValue(SystemConfig.SchedulingPolicy value) {
        SchedulingPolicyValue(Token t, Path file) {
            this(switch (t.text()) {
                case "LIFO" -> SystemConfig.SchedulingPolicy.LIFO;
                case "FIFO" -> SystemConfig.SchedulingPolicy.FIFO;
                default -> throw InputException.at(file, "line " + t.line() + ", scheduling-policy", "expected LIFO or FIFO, found '"
                        + t.text() + "'");
            });
        }
    }

    private static Token required(Map<String, Token> values, String key, Path file) {
        Token t = values.get(key);
        if (t == null) throw InputException.at(file, key, "missing; the key is required");
        return t;
    }

    private static long integer(Map<String, Token> values, String key, Path file, long def, long min) {
        Token t = values.get(key);
        if (t == null) return def;
        try {
            long v = Long.parseLong(t.text());
            if (v < min) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw InputException.at(file, "line " + t.line() + ", " + key, "expected an integer >= " + min + ", found '" + t.text() + "'");
        }
    }
}
