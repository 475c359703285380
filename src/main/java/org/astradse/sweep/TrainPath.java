package org.astradse.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.astradse.InputException;

/**
 * Where a swept value goes in a training study's configuration: dotted keys under {@code model}, {@code parallel}
 * or {@code cluster}, optionally ending in an element {@code [i]} — {@code parallel.tp}, {@code model} (a bundled
 * name), {@code model.layers}, {@code cluster.network.bandwidth[1]}, {@code cluster.fabric[1]}, {@code cluster}
 * (a bundled cluster) — or {@code seq-len}. The path is also the value's column name.
 */
public record TrainPath(String text, List<String> keys, int index) {
    private static final Pattern SYNTAX = Pattern.compile("((?:model|parallel|cluster)(?:\\.[A-Za-z0-9_\\-]+)*|seq-len)(?:\\[(\\d+)])?");

    public static TrainPath parse(String text, String where) {
        Matcher m = SYNTAX.matcher(text.trim());
        if (!m.matches())
            throw new InputException(where + ": '" + text + "' is not a training parameter path; expected model, model.KEY, "
                    + "parallel.KEY, cluster.KEY, cluster.network.KEY[i] or seq-len (e.g. parallel.tp, cluster.network.bandwidth[1])");
        int i = ParamPath.index(text, m.group(2), where);
        return new TrainPath(ParamPath.canonical(text, i), List.of(m.group(1).split("\\.")), i);
    }

    /** Sets the value in the configuration tree; an element path needs a list long enough. */
    public void set(ObjectNode root, JsonNode value) {
        ObjectNode at = root;
        for (int i = 0; i < keys.size() - 1; i++) {
            JsonNode next = at.get(keys.get(i));
            if (next == null || next.isNull()) next = at.putObject(keys.get(i));
            if (!next.isObject()) {
                // wrong with the parent's value: a study that sweeps the parent (model as mappings) runs it on each point
                String parent = String.join(".", keys.subList(0, i + 1));
                throw InputException.together(null, text, parent + " is '" + next.asText() + "' here, not a mapping (sweep it "
                        + "whole, or give the base a mapping)", ParamPath.withoutIndex(text), parent);
            }
            at = (ObjectNode) next;
        }
        ParamPath.set(at, keys.get(keys.size() - 1), index, value, text, String.join(".", keys));
    }
}
