package org.astradse.workload.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.astradse.InputException;

/** Typed reads of one mapping of a training configuration; every error names the file, the key and what was expected. */
final class Fields {
    private final JsonNode m;
    private final Path file;
    private final String at;

    Fields(JsonNode m, Path file, String at) {
        this.m = m;
        this.file = file;
        this.at = at;
    }

    /** Refuses a key the section does not know (a typo must not silently fall back to a default). */
    void allow(String... keys) {
        org.astradse.Keys.allow(m, file, at, Arrays.asList(keys));
    }

    boolean has(String key) {
        return get(key) != null;
    }

    /**
     * The key's value, or null when it is absent. A key written with nothing after it ({@code tp:}) or as
     * {@code null} (or in a flow mapping {@code {tp: , pp: 4}}, an empty string) is refused rather than read as the default: the user wrote the key, so a forgotten value must not
     * silently become tp 1 (absent keys take their documented defaults).
     */
    private JsonNode get(String key) {
        JsonNode v = m.get(key);
        if (v != null && (v.isNull() || v.isTextual() && v.asText().isBlank()))
            throw InputException.at(file, at + key, "has no value; write one, or leave the key out for its default");
        return v;
    }

    int positiveInt(String key, Integer dflt) {
        long v = wholeNumber(key, dflt, 1);
        return (int) v;
    }

    int nonNegativeInt(String key, Integer dflt) {
        return (int) wholeNumber(key, dflt, 0);
    }

    private long wholeNumber(String key, Integer dflt, long min, long max) {
        JsonNode v = get(key);
        if (v == null) {
            if (dflt == null) throw InputException.at(file, at + key, "missing; expected a whole number ≥ " + min);
            return dflt;
        }
        String shown = v.isValueNode() ? v.asText() : v.toString(); // a list or mapping shows itself, not ''
        // a whole number is written as one: 8.0 is refused as the reference refuses npus_count 4.0 (a degree written
        // as a decimal is a copy-paste from a computed value, and its cells would read "8.0")
        if (!v.isIntegralNumber())
            throw InputException.at(file, at + key, "expected a whole number ≥ " + min + ", found '" + shown + "'"
                    + (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()) && Math.abs(v.asDouble()) < 1e15
                    ? " (write " + (long) v.asDouble() + ")" : v.isTextual() ? " (a string: write the number unquoted)" : ""));
        long x = v.asLong();
        if (x < min || !v.canConvertToLong() || x > max)
            throw InputException.at(file, at + key, "expected a whole number from " + min + " to " + max + ", found " + shown);
        return x;
    }

    private long wholeNumber(String key, Integer dflt, long min) {
        return wholeNumber(key, dflt, min, Integer.MAX_VALUE);
    }

    /** {@link #positiveInt} at most {@code max}. */
    int positiveInt(String key, Integer dflt, int max) {
        return (int) wholeNumber(key, dflt, 1, max);
    }

    boolean bool(String key, boolean dflt) {
        JsonNode v = get(key);
        if (v == null) return dflt;
        if (!v.isBoolean())
            throw InputException.at(file, at + key, "expected true or false, found '" + (v.isValueNode() ? v.asText() : v.toString()) + "'");
        return v.asBoolean();
    }

    String choice(String key, String dflt, List<String> allowed) {
        JsonNode v = get(key);
        if (v == null) return dflt;
        String s = v.isBoolean() ? (v.asBoolean() ? "true" : "false") : v.asText();
        if (!v.isValueNode() || !allowed.contains(s)) // a list or mapping has no text: name it as written
            throw InputException.at(file, at + key, "unknown value '" + (v.isValueNode() ? s : v.toString()) + "'; expected one of " + allowed);
        return s;
    }

    double positive(String key, double dflt) {
        JsonNode v = get(key);
        if (v == null) return dflt;
        if (!v.isNumber() || !(v.asDouble() > 0) || !Double.isFinite(v.asDouble()))
            throw InputException.at(file, at + key, "expected a positive number, found '" + v.asText() + "'");
        return v.asDouble();
    }
}
