package org.astradse.network;

/**
 * ASTRA-sim 1.0 hierarchical analytical network (SEMANTICS 3.1): no contention. A message is charged to the
 * highest dimension in which the addresses differ, with integer steps
 * {@code c = ⌊hops·lat⌋; c = ⌊c + B/bw⌋; c = ⌊c + 2·nic⌋;} Switch: {@code c = ⌊c + router⌋}; the delay is
 * {@code max(c, (hbm_lat + B/hbm_bw)·hbm_scale)}. The reference keeps the HBM term in double; the system
 * layer reads whole ns, so it is truncated here.
 */
public final class V1Network extends StatelessNetwork {
    private final double[] bytesPerNs;
    private final V1LinkTerms[] terms;

    public V1Network(NetworkConfig network) {
        super(requireV1(network));
        bytesPerNs = new double[dims];
        terms = new V1LinkTerms[dims];
        for (int k = 0; k < dims; k++) {
            terms[k] = network.v1().get(k);
            bytesPerNs[k] = terms[k].bytesPerNs();
        }
    }

    private static NetworkConfig requireV1(NetworkConfig network) {
        if (!network.isV1()) throw new IllegalArgumentException("not a 1.0 network");
        return network;
    }

    @Override
    public long delayNs(int src, int dst, long bytes) {
        for (int k = dims - 1; k >= 0; k--) {
            int n = npus[k];
            int ca = (src / stride[k]) % n;
            int cb = (dst / stride[k]) % n;
            if (ca != cb) {
                V1LinkTerms t = terms[k];
                long c = (long) (kinds[k].hops(ca, cb, n) * latencyNs[k]);
                c = (long) (c + bytes / bytesPerNs[k]);
                c = (long) (c + 2 * t.nicLatencyNs());
                if (kinds[k] == TopologyKind.SWITCH) c = (long) (c + t.routerLatencyNs());
                if (t.hbmScale() != 0) {
                    double hbm = (t.hbmLatencyNs() + bytes / t.hbmBandwidth()) * t.hbmScale();
                    if (hbm > c) return (long) hbm;
                }
                return c;
            }
        }
        return 0;
    }
}
