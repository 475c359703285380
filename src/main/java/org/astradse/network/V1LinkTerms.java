package org.astradse.network;

/**
 * The ASTRA-sim 1.0 per-dimension terms beyond topology, size, bandwidth and latency (SEMANTICS 2.1, 3.1).
 *
 * @param linkBandwidthGBps per-link bandwidth, GB/s with GB = 2^30 B (before the link scalar)
 * @param linkScalar        links that count: Ring links-count (even; odd → minus one), FullyConnected
 *                          ⌊links-count/(n−1)⌋, Switch links-count
 * @param nicLatencyNs      counted twice per message
 * @param routerLatencyNs   counted once per message on Switch dimensions
 * @param hbmLatencyNs      HBM term latency
 * @param hbmBandwidth      HBM bandwidth, used directly as bytes per ns (no unit conversion in the reference)
 * @param hbmScale          0 disables the HBM term
 * @param dimensionType     T / N / P / PP (cost model only)
 */
public record V1LinkTerms(double linkBandwidthGBps, int linkScalar, double nicLatencyNs, double routerLatencyNs,
                          double hbmLatencyNs, double hbmBandwidth, double hbmScale, String dimensionType) {

    /** Bytes per ns: {@code bw × 2^30 / 1e9 × s}, in that order, as the reference evaluates it. */
    public double bytesPerNs() {
        return Units.networkGBpsToBytesPerNs(linkBandwidthGBps) * linkScalar;
    }
}
