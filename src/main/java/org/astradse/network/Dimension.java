package org.astradse.network;

/**
 * One physical network dimension as the analytical models see it.
 *
 * @param topology      Ring, FullyConnected or Switch
 * @param npus          members of the dimension (≥ 1)
 * @param bandwidthGBps per-link bandwidth in the reference's GB/s (GB = 2^30 B), link scalar included
 * @param latencyNs     per-hop latency in ns
 */
public record Dimension(TopologyKind topology, int npus, double bandwidthGBps, double latencyNs) {
    public Dimension {
        if (topology == null) throw new IllegalArgumentException("topology is null");
        if (npus < 1) throw new IllegalArgumentException("npus must be >= 1, got " + npus);
        if (!valid(bandwidthGBps, true))
            throw new IllegalArgumentException("bandwidth must be > 0 GB/s, got " + bandwidthGBps);
        if (!valid(latencyNs, false))
            throw new IllegalArgumentException("latency must be >= 0 ns, got " + latencyNs);
    }

    /**
     * The one rule for a network quantity read from any input: finite, and positive (bandwidths) or non-negative
     * (latencies). NaN fails both.
     */
    public static boolean valid(double x, boolean positive) {
        return !Double.isInfinite(x) && (positive ? x > 0 : x >= 0);
    }

    /**
     * Bounds of a dimension's bandwidth and per-hop latency where a value stands for a system: beyond them (a kB/s, a
     * thousand seconds per hop) a value is a unit mistake, and a simulated time would pass 2^63 ns.
     */
    public static final double MIN_GBPS = 1e-6;
    /** A zettabyte per second per NPU: beyond it a value is a typo (a 400-digit literal reads as infinity). */
    public static final double MAX_GBPS = 1e12;
    public static final double MAX_LATENCY_NS = 1e12;

    /** {@link #valid} for a bandwidth read from a network file, within {@link #MIN_GBPS} and {@link #MAX_GBPS}. */
    public static boolean plausibleBandwidth(double gbps) {
        return valid(gbps, true) && gbps >= MIN_GBPS && gbps <= MAX_GBPS;
    }

    /** {@link #valid} for a per-hop latency read from a network file, within {@link #MAX_LATENCY_NS}. */
    public static boolean plausibleLatency(double ns) {
        return valid(ns, false) && ns <= MAX_LATENCY_NS;
    }

    /** Bandwidth in bytes per ns (the one conversion, {@link Units#networkGBpsToBytesPerNs}). */
    public double bytesPerNs() {
        return Units.networkGBpsToBytesPerNs(bandwidthGBps);
    }
}
