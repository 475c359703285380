package org.astradse.collective;

import java.util.Locale;

/** The four collectives. Sizes are always the collective's input bytes per NPU. */
public enum CollectiveType {
    ALL_REDUCE("all-reduce"), ALL_GATHER("all-gather"), REDUCE_SCATTER("reduce-scatter"), ALL_TO_ALL("all-to-all");

    private final String cliName;

    CollectiveType(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    /** Bytes per NPU after one phase over an n-member dimension (SEMANTICS 4.3, data chaining). */
    public long outputBytes(long inputBytes, int n) {
        return switch (this) {
            case REDUCE_SCATTER -> inputBytes / n;
            case ALL_GATHER -> inputBytes * n;
            default -> inputBytes;
        };
    }

    /** Accepts all-reduce, all_reduce, allreduce, ALLREDUCE, ... ; null if unknown. */
    public static CollectiveType fromName(String s) {
        if (s == null) return null;
        String k = s.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (CollectiveType t : values()) {
            if (t.cliName.replace("-", "").equals(k)) return t;
        }
        return null;
    }

    @Override
    public String toString() {
        return cliName;
    }
}
