package org.astradse.network;

/** Every unit conversion of the model, each in exactly one place. */
public final class Units {
    private Units() {
    }

    /** The reference's network "GB" is 2^30 bytes (SEMANTICS 1.3). */
    public static final double NETWORK_GB_BYTES = 1073741824.0;

    /**
     * Link bandwidth in bytes per ns from the reference's "GB/s" (GB = 2^30 B), evaluated as the reference
     * does: {@code bw × 2^30 / 1e9} in double, in that order. 50 GB/s = 53.6870912 B/ns.
     */
    public static double networkGBpsToBytesPerNs(double bandwidthGBps) {
        return bandwidthGBps * NETWORK_GB_BYTES / 1e9;
    }

    /**
     * v2 reduction ("processing") delay of m reduced bytes: three memory accesses (one write, two reads) at
     * {@code local-mem-bw} GB/s with GB = 1e9 B, each truncated separately:
     * {@code 3·⌊(m / (LMB·1e9))·1e9⌋} evaluated in IEEE double in that order (m = 48000, LMB = 1600 gives 29
     * per access, not 30).
     */
    public static long v2ReductionDelayNs(long bytes, double localMemBwGBps) {
        return 3L * (long) ((bytes / (localMemBwGBps * 1e9)) * 1e9);
    }

    /**
     * v1 reduction delay of m reduced bytes: a fixed NPU memory of 500000 B/cycle, one write and two reads:
     * {@code 3·⌊m / 500000⌋}, so 0 below 500000 B.
     */
    public static long v1ReductionDelayNs(long bytes) {
        return 3L * (bytes / 500000L);
    }
}
