package org.astradse.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.astradse.InputException;

/**
 * A multi-dimensional network: dimension 0 varies fastest in the NPU id. Immutable.
 *
 * @param dimensions the physical dimensions
 * @param v1         for an ASTRA-sim 1.0 network JSON, its per-dimension link terms (nic, router, HBM, link
 *                   scalar), which select the 1.0 delay model; null for a 2.0 network
 */
public record NetworkConfig(List<Dimension> dimensions, List<V1LinkTerms> v1) {
    /** Most NPUs a network may have (16,777,216). */
    public static final int MAX_NPUS = 1 << 24;

    /** A 2.0-style network. */
    public NetworkConfig(List<Dimension> dimensions) {
        this(dimensions, null);
    }

    public NetworkConfig {
        dimensions = List.copyOf(dimensions);
        if (v1 != null) {
            v1 = List.copyOf(v1);
            if (v1.size() != dimensions.size()) throw new IllegalArgumentException("one V1LinkTerms per dimension");
        }
        if (dimensions.isEmpty()) throw new IllegalArgumentException("a network needs at least one dimension");
        long total = 1;
        for (Dimension d : dimensions) {
            total *= d.npus();
            if (total > MAX_NPUS) throw new IllegalArgumentException("more than " + MAX_NPUS + " NPUs");
        }
    }

    public int dimensionCount() {
        return dimensions.size();
    }

    public Dimension dimension(int k) {
        return dimensions.get(k);
    }

    /** Whether messages follow the ASTRA-sim 1.0 delay model. */
    public boolean isV1() {
        return v1 != null;
    }

    /** The format rule for network files: {@code .json} is ASTRA-sim 1.0 JSON, anything else 2.0 YAML. */
    public static boolean isV1File(Path file) {
        return file.getFileName() != null && file.getFileName().toString().endsWith(".json");
    }

    /** Reads a network file of either format, with the command line's per-dimension overrides. */
    public static NetworkConfig parse(Path file, V1NetworkParser.Overrides overrides, List<String> warnings) {
        NetworkConfig net = isV1File(file) ? V1NetworkParser.parse(file, overrides, warnings) : overrides.applyTo(parseYaml(file));
        warnings.addAll(net.singleNpuWarnings(file));
        return net;
    }

    /**
     * Dimensions of one NPU: no collective phase runs on them (the reference skips them silently), so a network of
     * such dimensions only simulates compute. A warning each, naming the dimension.
     */
    public List<String> singleNpuWarnings(Path file) {
        List<String> w = new java.util.ArrayList<>();
        for (int k = 0; k < dimensions.size(); k++) {
            if (dimensions.get(k).npus() == 1)
                w.add(file + ": dimension " + k + " has 1 NPU: no communication crosses it"
                        + (totalNpus() == 1 ? " (the whole network is one NPU: nothing is communicated)" : ""));
        }
        return w;
    }

    public int totalNpus() {
        int total = 1;
        for (Dimension d : dimensions) total *= d.npus();
        return total;
    }

    /** Id distance between consecutive members of dimension k: Π_{j<k} n_j. */
    public int stride(int k) {
        int s = 1;
        for (int j = 0; j < k; j++) s *= dimensions.get(j).npus();
        return s;
    }

    /** The NPU whose coordinates are the negation (mod n_k) of {@code id}'s: its message to 0 mirrors 0's to id. */
    public int negatedCoordinates(int id) {
        int out = 0;
        int stride = 1;
        for (Dimension d : dimensions) {
            int n = d.npus();
            int c = (id / stride) % n;
            out += ((n - c) % n) * stride;
            stride *= n;
        }
        return out;
    }

    /** Coordinate of NPU id in dimension k: (id / Π_{j<k} n_j) mod n_k. */
    public int coordinate(int id, int k) {
        return (id / stride(k)) % dimensions.get(k).npus();
    }

    /**
     * Reads an ASTRA-sim 2.0 network YAML: lists {@code topology}, {@code npus_count}, {@code bandwidth}
     * (GB/s, GB = 2^30 B) and {@code latency} (ns), one entry per dimension.
     */
    public static NetworkConfig parseYaml(Path file) {
        JsonNode root = readTree(file, new ObjectMapper(new YAMLFactory()));
        return fromTree(root, file);
    }

    /** Builds a network from a 2.0-style tree (also used for inline networks in specs). */
    public static NetworkConfig fromTree(JsonNode root, Path file) {
        if (root == null || !root.isObject())
            throw InputException.at(file, null, "expected a mapping with keys topology, npus_count, bandwidth, latency");
        List<String> known = List.of("topology", "npus_count", "bandwidth", "latency");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key))
                throw InputException.at(file, key, "unknown key; expected one of " + known);
        }
        JsonNode topo = list(root, "topology", file);
        JsonNode npus = list(root, "npus_count", file);
        JsonNode bw = list(root, "bandwidth", file);
        JsonNode lat = list(root, "latency", file);
        int n = topo.size();
        if (n == 0) throw InputException.at(file, "topology", "expected at least one dimension, found an empty list");
        for (var e : List.of(java.util.Map.entry("npus_count", npus), java.util.Map.entry("bandwidth", bw),
                java.util.Map.entry("latency", lat))) {
            if (e.getValue().size() != n)
                throw InputException.together(file, e.getKey(), "expected " + n + " entries (one per dimension of topology), found "
                        + e.getValue().size(), e.getKey(), "topology");
        }
        List<Dimension> dims = new ArrayList<>();
        long total = 1;
        for (int k = 0; k < n; k++) {
            JsonNode t = topo.get(k);
            TopologyKind kind = t.isTextual() ? TopologyKind.fromName(t.asText()) : null;
            if (kind == null)
                throw InputException.at(file, "topology[" + k + "]", "expected Ring, FullyConnected or Switch, found " + t);
            JsonNode c = npus.get(k);
            if (!c.canConvertToInt() || !c.isIntegralNumber() || c.asInt() < 1)
                throw InputException.at(file, "npus_count[" + k + "]", "expected a positive integer, found " + c);
            JsonNode b = bw.get(k);
            if (!b.isNumber() || !Dimension.plausibleBandwidth(b.asDouble()))
                throw InputException.at(file, "bandwidth[" + k + "]", "expected a positive number of GB/s from 10^-6 (a kB/s) "
                        + "to 10^12, found " + b);
            JsonNode l = lat.get(k);
            if (!l.isNumber() || !Dimension.plausibleLatency(l.asDouble()))
                throw InputException.at(file, "latency[" + k + "]", "expected a non-negative number of ns, at most 10^12 "
                        + "(1,000 s), found " + l);
            total *= c.asInt();
            if (total > MAX_NPUS)
                throw InputException.at(file, "npus_count", "more than " + MAX_NPUS + " NPUs in total");
            dims.add(new Dimension(kind, c.asInt(), b.asDouble(), l.asDouble()));
        }
        return new NetworkConfig(dims);
    }

    private static JsonNode list(JsonNode root, String key, Path file) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) throw InputException.at(file, key, "missing; expected a list with one entry per dimension");
        if (!v.isArray()) throw InputException.at(file, key, "expected a list with one entry per dimension, found " + v);
        return v;
    }

    /** Reads a JSON or YAML file into a tree; user errors name the file and the line. */
    /** The 1-based line holding byte {@code offset} of a file (for a reader's error given as an offset). */
    private static long lineOfOffset(Path file, long offset) {
        try {
            byte[] b = Files.readAllBytes(file);
            long line = 1;
            for (int i = 0; i < Math.min(offset, b.length); i++) if (b[i] == '\n') line++;
            return line;
        } catch (IOException e) {
            return 1;
        }
    }

    public static JsonNode readTree(Path file, ObjectMapper mapper) {
        if (!Files.exists(file)) throw InputException.at(file, null, "file not found");
        if (Files.isDirectory(file)) throw InputException.at(file, null, "is a directory; expected a file");
        if (!Files.isReadable(file)) throw InputException.at(file, null, "cannot be read");
        // every input file, the reference formats' too: a key given twice (the last one used to win silently) and a
        // second document or value after the first (ignored before) are mistakes, reported with their line
        try (com.fasterxml.jackson.core.JsonParser p = mapper.getFactory().createParser(file.toFile())) {
            p.enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            JsonNode root = p.nextToken() == null ? null : mapper.readTree(p);
            if (root == null || root.isMissingNode())
                throw InputException.at(file, null, "is empty");
            if (p.nextToken() != null) {
                var loc = p.currentLocation();
                throw InputException.at(file, "line " + loc.getLineNr(), "a second document or value after the first; "
                        + "expected one (a YAML '---' or a second JSON object is not read)");
            }
            return root;
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? null : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            String m = e.getOriginalMessage();
            // SnakeYAML's problem mark ("line 2, column 1" in its message) is where the mistake is; Jackson's location is
            // where the token it was scanning began
            java.util.regex.Matcher mark = java.util.regex.Pattern.compile("line (\\d+), column (\\d+)").matcher(m);
            while (mark.find()) where = "line " + mark.group(1) + ", column " + mark.group(2);
            java.util.regex.Matcher at = java.util.regex.Pattern.compile("Invalid UTF-8 .* \\(at char #(\\d+)").matcher(m);
            if (at.find()) where = "line " + lineOfOffset(file, Long.parseLong(at.group(1)));
            String first = m.lines().findFirst().orElse("").strip();
            // SnakeYAML's first line of a tab is only "while scanning for the next token": say what it found
            if (m.contains("'\\t'") || m.contains("\\t(TAB)")) first += ": a tab, which YAML does not allow for indentation (use spaces)";
            else if (at.reset().find()) first = "not UTF-8 text (a binary file, or text in another encoding)";
            else if (m.contains("special characters are not allowed")) first += ": a character YAML does not allow (a control character, or the file is not UTF-8 text)";
            first = plainParserWords(first);
            throw InputException.at(file, where, "malformed: " + first);
        } catch (IOException e) {
            throw InputException.at(file, null, "cannot be read: " + e.getMessage());
        }
    }

    /**
     * A parser message in the user's words: SnakeYAML's event objects ({@code <org.yaml.snakeyaml.events.MappingStartEvent(
     * anchor=null, …)>}) become what the file holds there, and a YAML {@code .nan} / {@code .inf} (which Jackson calls a
     * malformed numeric value) says that a finite number is expected.
     */
    static String plainParserWords(String message) {
        String m = message.replaceAll("<org\\.yaml\\.snakeyaml\\.events\\.MappingStartEvent\\([^)]*\\)>", "a mapping ({…})")
                .replaceAll("<org\\.yaml\\.snakeyaml\\.events\\.SequenceStartEvent\\([^)]*\\)>", "a list ([…])")
                .replaceAll("<org\\.yaml\\.snakeyaml\\.events\\.(\\w+)Event\\([^)]*\\)>", "a YAML $1")
                .replace("Expected a field name (Scalar value in YAML), got this instead:", "expected a key (a plain name), found");
        // JSON's words: NaN / Infinity (Jackson names its feature flag), a token where a value belongs, a key twice
        java.util.regex.Matcher nonStd = java.util.regex.Pattern.compile("Non-standard token '([^']*)'").matcher(m);
        if (nonStd.find()) return "'" + nonStd.group(1) + "' is not a finite number; expected a number such as 50 or 0.5";
        java.util.regex.Matcher token = java.util.regex.Pattern.compile("Unrecognized token '([^']*)': was expecting.*").matcher(m);
        if (token.find())
            return "found '" + token.group(1) + "' where a JSON value belongs (not a JSON file? a string needs \"quotes\")";
        java.util.regex.Matcher open = java.util.regex.Pattern.compile("Unexpected end-of-input: expected close marker for "
                + "(Object|Array) \\(start marker at .*line: (\\d+), column: (\\d+)\\]").matcher(m);
        if (open.find())
            return "the file ends before the " + (open.group(1).equals("Object") ? "'{'" : "'['") + " opened at line " + open.group(2)
                    + ", column " + open.group(3) + " is closed (the file is cut short?)";
        if (m.startsWith("Unexpected end-of-input")) return "the file ends in the middle of a value (the file is cut short?)";
        java.util.regex.Matcher twice = java.util.regex.Pattern.compile("Duplicate field '([^']*)'").matcher(m);
        if (twice.find()) return "the key '" + twice.group(1) + "' is given twice in one mapping; expected it once";
        java.util.regex.Matcher nan = java.util.regex.Pattern.compile("Malformed numeric value '([^']*)'").matcher(m);
        if (nan.find()) {
            String v = nan.group(1);
            if (v.matches("[-+]?\\.(?i:nan|inf)")) return "'" + v + "' is not a finite number; expected a number such as 50 or 0.5";
        }
        return m;
    }
}
