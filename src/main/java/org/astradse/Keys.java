package org.astradse;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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
     * The reader of the YAML files this product defines (sweep specs, clusters, GPU and fabric profiles, training
     * configurations): a key given twice in one mapping is refused with its line (YAML would let the last one win
     * silently, e.g. a second {@code tp:} replacing the first). ASTRA-sim's own input files are read as the reference
     * reads them.
     */
    public static ObjectMapper yaml() {
        return new ObjectMapper(YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
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
