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

    // ---- hardware datasheet units (decimal: GB = 10^9 B, TFLOP = 10^12 FLOP) --------------------------------------

    /** A datasheet bandwidth in GB/s (GB = 10^9 B) as bytes per second. */
    public static double decimalGBpsToBytesPerSecond(double gbps) {
        return gbps * 1e9;
    }

    /** A datasheet bandwidth in GB/s (GB = 10^9 B) in ASTRA-sim's network GB/s (GB = 2^30 B): the one boundary. */
    public static double decimalGBpsToNetworkGBps(double gbps) {
        return decimalGBpsToBytesPerSecond(gbps) / NETWORK_GB_BYTES;
    }

    /** A datasheet bandwidth in GB/s (GB = 10^9 B) as bytes per ns (the same number: 10^9 B/s = 1 B/ns). */
    public static double decimalGBpsToBytesPerNs(double gbps) {
        return decimalGBpsToBytesPerSecond(gbps) / 1e9;
    }

    /** Bytes per second as datasheet GB/s (GB = 10^9 B). */
    public static double bytesPerSecondToDecimalGBps(double bytesPerSecond) {
        return bytesPerSecond / 1e9;
    }

    /** TFLOP/s (10^12 FLOP/s) as FLOP/s. */
    public static double tflopsToFlopsPerSecond(double tflops) {
        return tflops * 1e12;
    }

    /** FLOP/s as TFLOP/s (10^12 FLOP/s). */
    public static double flopsPerSecondToTflops(double flopsPerSecond) {
        return flopsPerSecond / 1e12;
    }

    public static double secondsToNanos(double seconds) {
        return seconds * 1e9;
    }

    public static double secondsToMicros(double seconds) {
        return seconds * 1e6;
    }

    public static double microsToSeconds(double micros) {
        return micros * 1e-6;
    }

    /** A trace's whole µs as ns (callers bound it: 2^63 ns is the simulated clock's end). */
    public static long microsToNanos(long micros) {
        return micros * 1000;
    }

    public static double microsToNanos(double micros) {
        return micros * 1e3;
    }

    public static double nanosToMicros(double nanos) {
        return nanos / 1e3;
    }

    public static double nanosToMillis(double nanos) {
        return nanos / 1e6;
    }

    public static double nanosToSeconds(double nanos) {
        return nanos * 1e-9;
    }

    /**
     * Bytes of a binary GB (GiB, 2^30 B): ASTRA-sim's network GB, and an HBM capacity as marketed ("80 GB" of HBM is
     * 80 GiB, as the devices report).
     */
    public static final double BINARY_GB_BYTES = NETWORK_GB_BYTES;

    public static double bytesToBinaryGB(double bytes) {
        return bytes / BINARY_GB_BYTES;
    }
}
