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
    // written out: the generated record methods go through invokedynamic method-handle chains whose JIT compilation
    // adds to a sweep's start-up CPU (these are hash keys on the hot path)
    @Override
    public boolean equals(Object other) {
        if (this == other) return true;
        if (!(other instanceof Dimension o)) return false;
        return java.util.Objects.equals(topology, o.topology) && npus == o.npus &&
                Double.compare(bandwidthGBps, o.bandwidthGBps) == 0 && Double.compare(latencyNs, o.latencyNs) == 0;
    }

    @Override
    public int hashCode() {
        int h = java.util.Objects.hashCode(topology);
        h = 31 * h + npus;
        h = 31 * h + Double.hashCode(bandwidthGBps);
        h = 31 * h + Double.hashCode(latencyNs);
        return h;
    }

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

    /** Bandwidth in bytes per ns (the one conversion, {@link Units#networkGBpsToBytesPerNs}). */
    public double bytesPerNs() {
        return Units.networkGBpsToBytesPerNs(bandwidthGBps);
    }
}
