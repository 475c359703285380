package org.astradse;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

/**
 * The one rule every mapping a user writes is read by: a key the reader does not know is refused, naming the file, the
 * key and the keys it knows — a typo must not silently fall back to a default (a misspelt optional key reads as
 * absent otherwise).
 */
public final class Keys {
    private Keys() {
    }

    /**
     * Refuses a key of mapping {@code m} outside {@code known}; {@code at} prefixes the key in the message (e.g.
     * {@code "cluster.network."}). A non-mapping is left to the caller's own type check.
     */
    public static void allow(JsonNode m, Path file, String at, List<String> known) {
        if (m == null || !m.isObject()) return;
        for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) throw InputException.at(file, at + k, "unknown key; expected one of " + known);
        }
    }
}
