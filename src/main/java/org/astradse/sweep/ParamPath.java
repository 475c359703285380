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

    public static ParamPath parse(String text, String where) {
        Matcher m = SYNTAX.matcher(text.trim());
        if (!m.matches())
            throw new InputException(where + ": '" + text + "' is not a parameter path; expected section.key or section.key[i] "
                    + "with section network, system, run or cost (e.g. network.bandwidth[0])");
        return new ParamPath(text.trim(), m.group(1), m.group(2), m.group(3) == null ? -1 : Integer.parseInt(m.group(3)));
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
        if (list == null || !list.isArray()) throw new InputException(path + ": " + shown + " is not a list here");
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
