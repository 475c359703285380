package org.astradse.workload;

/** A layer's collective type in the text workload. NONE (or anything unknown) means no collective. */
public enum CommType {
    NONE, ALLREDUCE, ALLGATHER, REDUCESCATTER, ALLTOALL, ALLREDUCEALLTOALL;

    public static CommType fromToken(String s) {
        for (CommType t : values()) if (t.name().equals(s)) return t;
        return NONE;
    }
}
