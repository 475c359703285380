package org.astradse.workload;

/** The parallelism keyword of a text workload, or of one layer of a HYBRID_CUSTOMIZED workload. */
public enum Parallelism {
    DATA, MODEL, HYBRID_DATA_MODEL, HYBRID_MODEL_DATA, HYBRID_CUSTOMIZED, MICRO, DISTRIBUTED_INFERENCE,
    HYBRID_TRANSFORMER, HYBRID_TRANSFORMER_FWD_IN_BCKWD, HYBRID_DLRM, HYBRID_DLRM_ENHANCED;

    public static Parallelism fromKeyword(String s) {
        for (Parallelism p : values()) if (p.name().equals(s)) return p;
        return null;
    }

    public boolean transformer() {
        return this == HYBRID_TRANSFORMER || this == HYBRID_TRANSFORMER_FWD_IN_BCKWD;
    }

    public boolean dlrm() {
        return this == HYBRID_DLRM || this == HYBRID_DLRM_ENHANCED;
    }
}
