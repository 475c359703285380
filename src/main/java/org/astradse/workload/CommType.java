package org.astradse.workload;

/**
 * A layer's collective type in the text workload. NONE means no collective. The reference also reads any other
 * word as no collective, so a typo ({@code ALLSHUFFLE}) silently drops the communication; here it is an error.
 */
public enum CommType {
    NONE, ALLREDUCE, ALLGATHER, REDUCESCATTER, ALLTOALL, ALLREDUCEALLTOALL;

    /** The type spelled {@code s}, or null. */
    public static CommType fromToken(String s) {
        for (CommType t : values()) if (t.name().equals(s)) return t;
        return null;
    }
}
