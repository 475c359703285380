package org.astradse.cost;

/**
 * Dollar cost per GB/s of bandwidth of one network dimension's building blocks.
 *
 * @param linkUsdPerGBps   links
 * @param switchUsdPerGBps switch ports (Switch dimensions only)
 * @param nicUsdPerGBps    NICs (Switch dimensions only)
 */
public record UnitCosts(double linkUsdPerGBps, double switchUsdPerGBps, double nicUsdPerGBps) {
    public UnitCosts {
        if (!(linkUsdPerGBps >= 0) || !(switchUsdPerGBps >= 0) || !(nicUsdPerGBps >= 0))
            throw new IllegalArgumentException("unit costs must be >= 0 $/GB/s");
    }
}
