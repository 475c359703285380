package org.astradse.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.astradse.InputException;
import org.astradse.network.NetworkConfig;

/**
 * Communicator groups ({@code --comm-group-configuration}, SEMANTICS-ET 2.5): {@code {"<id>": [rank, …], …}}, ids
 * decimal strings > 0, ranks in ring order. A collective node names its group in {@code pg_name}.
 *
 * @param groups members by group id
 */
public record CommGroups(Map<String, int[]> groups) {
    public static final CommGroups NONE = new CommGroups(Map.of());

    public int[] members(String id) {
        return groups.get(id);
    }

    public static CommGroups parse(Path file, int totalNpus) {
        JsonNode root = NetworkConfig.readTree(file, new ObjectMapper());
        if (!root.isObject()) throw InputException.at(file, null, "expected a JSON object {\"<group id>\": [ranks], …}");
        Map<String, int[]> groups = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String id = e.getKey();
            long value;
            try {
                value = Long.parseLong(id);
            } catch (NumberFormatException x) {
                value = -1;
            }
            if (value <= 0 || value > Integer.MAX_VALUE / 1_000_000 || !Long.toString(value).equals(id))
                throw InputException.at(file, id, "a group id must be a decimal integer > 0 (its collectives' tags start at "
                        + "id × 1000000), found '" + id + "'");
            JsonNode list = e.getValue();
            if (!list.isArray() || list.isEmpty())
                throw InputException.at(file, id, "expected a non-empty list of ranks, found " + list);
            int[] members = new int[list.size()];
            boolean[] seen = new boolean[totalNpus];
            for (int i = 0; i < members.length; i++) {
                JsonNode r = list.get(i);
                if (!r.isIntegralNumber() || r.asLong() < 0 || r.asLong() >= totalNpus)
                    throw InputException.at(file, id + "[" + i + "]", "expected a rank in [0, " + totalNpus + "), found " + r);
                members[i] = r.asInt();
                if (seen[members[i]]) throw InputException.at(file, id + "[" + i + "]", "rank " + r + " is listed twice");
                seen[members[i]] = true;
            }
            groups.put(id, members);
        }
        return new CommGroups(Map.copyOf(groups));
    }
}
