package org.astradse.network;

import java.util.Locale;

/** Topology of one network dimension. */
public enum TopologyKind {
    RING("Ring"), FULLY_CONNECTED("FullyConnected"), SWITCH("Switch");

    private final String referenceName;

    TopologyKind(String referenceName) {
        this.referenceName = referenceName;
    }

    /** The spelling used by the ASTRA-sim input files. */
    public String referenceName() {
        return referenceName;
    }

    /** Hops between positions a and b of an n-member dimension (Ring: shorter way; FC: 1; Switch: 2). */
    public int hops(int a, int b, int n) {
        if (a == b) return 0;
        switch (this) {
            case RING: {
                int d = Math.abs(a - b);
                return Math.min(d, n - d);
            }
            case FULLY_CONNECTED:
                return 1;
            default:
                return 2;
        }
    }

    /** Parses the reference's name, case-insensitively; null if unknown. */
    public static TopologyKind fromName(String name) {
        if (name == null) return null;
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (TopologyKind k : values()) {
            if (k.referenceName.toLowerCase(Locale.ROOT).equals(n)) return k;
        }
        if (n.equals("fc")) return FULLY_CONNECTED;
        return null;
    }

    @Override
    public String toString() {
        return referenceName;
    }
}
