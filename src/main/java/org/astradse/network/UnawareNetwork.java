package org.astradse.network;

/**
 * ASTRA-sim 2.0 congestion-unaware network (SEMANTICS 3.2): no state, no contention. A message is charged
 * to the first (lowest) dimension in which the coordinates differ:
 * {@code T = ⌊hops·lat + m / (bw·2^30/1e9)⌋}, truncated once.
 */
public final class UnawareNetwork extends StatelessNetwork {
    private final double[] bytesPerNs;

    public UnawareNetwork(NetworkConfig network) {
        super(network);
        bytesPerNs = new double[dims];
        for (int k = 0; k < dims; k++) bytesPerNs[k] = network.dimension(k).bytesPerNs();
    }

    @Override
    public long delayNs(int src, int dst, long bytes) {
        for (int k = 0; k < dims; k++) {
            int n = npus[k];
            int ca = (src / stride[k]) % n;
            int cb = (dst / stride[k]) % n;
            if (ca != cb) {
                int hops = kinds[k].hops(ca, cb, n);
                return (long) (hops * latencyNs[k] + bytes / bytesPerNs[k]);
            }
        }
        return 0;
    }
}
