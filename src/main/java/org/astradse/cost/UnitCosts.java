package org.astradse.cost;

/**
 * Dollar cost per GB/s of bandwidth of one network dimension's building blocks.
 *
 * @param linkUsdPerGBps   links
 * @param switchUsdPerGBps switch ports (Switch dimensions only)
 * @param nicUsdPerGBps    NICs (Switch dimensions only)
 */
public record UnitCosts(double linkUsdPerGBps, double switchUsdPerGBps, double nicUsdPerGBps) {
    /**
     * The largest unit cost a file may give, $ per GB/s: LIBRA's classes are $2–$32, list prices of optics tens to
     * hundreds; beyond 10^9 a network of 10^6 GPUs at 10^3 GB/s would cost more than a double holds exactly (and 10^307
     * overflowed to Infinity).
     */
    public static final double MAX_USD_PER_GBPS = 1e9;

    /** Whether a unit cost a file gives is one: from 0 to {@link #MAX_USD_PER_GBPS} $ per GB/s. */
    public static boolean validUsd(double x) {
        return x >= 0 && x <= MAX_USD_PER_GBPS;
    }

    public UnitCosts {
        if (!(linkUsdPerGBps >= 0) || !(switchUsdPerGBps >= 0) || !(nicUsdPerGBps >= 0))
            throw new IllegalArgumentException("unit costs must be >= 0 $/GB/s");
    }
}
