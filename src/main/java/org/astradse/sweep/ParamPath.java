package org.astradse.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.astradse.InputException;

/**
 * Where a swept or derived value goes: {@code section.key} (the whole value, e.g. a per-dimension vector) or
 * {@code section.key[i]} (one element), with section one of network, system, run, cost. The path is also the
 * value's column name in the results.
 */
public record ParamPath(String text, String section, String key, int index) {
    private static final Pattern SYNTAX = Pattern.compile("(network|system|run|cost)\\.([A-Za-z0-9_\\-]+)(?:\\[(\\d+)])?");
    /**
     * A study on a cluster writes its network as the cluster section does: {@code cluster.network.KEY[i]},
     * {@code cluster.fabric[i]}, {@code cluster.gpu} — kept in the point's network tree (section network) beside the
     * network's keys, under the text the user wrote.
     */
    private static final Pattern CLUSTER = Pattern.compile("cluster\\.(?:network\\.([A-Za-z0-9_\\-]+)|(fabric|gpu))(?:\\[(\\d+)])?");

    /** A path's text without its element index ({@code cluster.fabric[1]} → {@code cluster.fabric}): the key it sets. */
    public static String withoutIndex(String path) {
        int b = path.endsWith("]") ? path.lastIndexOf('[') : -1;
        return b < 0 ? path : path.substring(0, b);
    }

    /**
     * Whether a value written at {@code path} sets configuration key {@code key} (both as paths are written, e.g.
     * {@code cluster.fabric[1]}): the key itself, its whole list, an element of the key when the key is a whole list,
     * or a mapping above it ({@code cluster} for {@code cluster.fabric[1]}).
     */
    static boolean sets(String path, String key) {
        String whole = withoutIndex(key);
        return path.equals(key) || path.equals(whole) || key.equals(whole) && withoutIndex(path).equals(key)
                || key.startsWith(path + ".");
    }

    /** Whether {@code path} edits a key under mapping {@code whole} ({@code model.layers} under {@code model}). */
    static boolean under(String whole, String path) {
        return !path.equals(whole) && sets(whole, path);
    }

    /** Whether this path is a cluster's ({@code cluster.…}). */
    public boolean clusterPath() {
        return text.startsWith("cluster.");
    }

    public static ParamPath parse(String text, String where) {
        Matcher c = CLUSTER.matcher(text.trim());
        if (c.matches() && c.group(1) != null && (c.group(1).equals("fabric") || c.group(1).equals("gpu")))
            throw new InputException(where + ": '" + text + "': " + c.group(1) + " belongs to the cluster, not its network; "
                    + "expected cluster." + c.group(1) + (c.group(1).equals("fabric") ? "[i]" : ""));
        if (c.matches()) {
            int i = index(text, c.group(3), where);
            return new ParamPath(canonical(text, i), "network", c.group(1) != null ? c.group(1) : c.group(2), i);
        }
        Matcher m = SYNTAX.matcher(text.trim());
        if (!m.matches())
            throw new InputException(where + ": '" + text + "' is not a parameter path; expected section.key or section.key[i] "
                    + "with section network, system, run or cost (e.g. network.bandwidth[0]), or cluster.network.key[i], "
                    + "cluster.fabric[i], cluster.gpu in a study on a cluster");
        int i = index(text, m.group(3), where);
        return new ParamPath(canonical(text, i), m.group(1), m.group(2), i);
    }

    /** Largest element index a path may name (no per-dimension list is longer than a network's dimensions). */
    static final int MAX_INDEX = 1024;

    /** A path's element index ({@code digits} of {@code [digits]}, or null: −1), refused above {@link #MAX_INDEX}. */
    static int index(String text, String digits, String where) {
        if (digits == null) return -1;
        String d = digits.replaceFirst("^0+(?=\\d)", "");
        if (d.length() > 4 || Integer.parseInt(d) > MAX_INDEX)
            throw new InputException(where + ": '" + text.trim() + "': index [" + digits + "] is too large; expected an element of a "
                    + "per-dimension list, 0 to " + MAX_INDEX);
        return Integer.parseInt(d);
    }

    /**
     * The path as its column is named and as it is compared: trimmed, its index written without leading zeros, so
     * {@code network.bandwidth[02]} and {@code network.bandwidth[2]} are one parameter.
     */
    static String canonical(String text, int index) {
        String t = text.trim();
        return index < 0 ? t : withoutIndex(t) + "[" + index + "]";
    }

    /** Sets the value in the section's tree; an element path needs an existing list long enough. */
    public void set(ObjectNode sectionTree, JsonNode value) {
        set(sectionTree, key, index, value, text, section + "." + key);
    }

    /**
     * Writes {@code value} at {@code key} of {@code parent}, whole ({@code index} < 0) or as element {@code index} of
     * the list there (which must be long enough) — for both kinds of study's paths; errors name {@code path} and
     * {@code shown}.
     */
    static void set(ObjectNode parent, String key, int index, JsonNode value, String path, String shown) {
        if (index < 0) {
            parent.set(key, value);
            return;
        }
        JsonNode list = parent.get(key);
        if (list == null || list.isNull())
            throw new InputException(path + ": the base configuration has no " + shown + " (an element is swept in a list the "
                    + "base writes: give it one entry per dimension)");
        if (!list.isArray()) throw new InputException(path + ": " + shown + " is not a list here (found " + list + ")");
        if (index >= list.size())
            throw new InputException(path + ": " + shown + " has " + list.size() + " entries, no [" + index + "]");
        ((ArrayNode) list).set(index, value);
    }

    /** The value at this path in the section's tree, or null. */
    public JsonNode get(ObjectNode sectionTree) {
        JsonNode v = sectionTree.get(key);
        if (v == null || index < 0) return v;
        return v.isArray() && index < v.size() ? v.get(index) : null;
    }
}
