package org.astradse.network;

/**
 * A contention-free network model: every message's delay is a function of (src, dst, bytes) alone, so a send
 * schedules its delivery at once. The 1.0 and the 2.0 congestion-unaware models differ only in that function.
 */
public abstract class StatelessNetwork implements NetworkModel {
    protected final int dims;
    protected final int[] npus;
    protected final int[] stride;
    protected final TopologyKind[] kinds;
    protected final double[] latencyNs;

    protected StatelessNetwork(NetworkConfig network) {
        dims = network.dimensionCount();
        npus = new int[dims];
        stride = new int[dims];
        kinds = new TopologyKind[dims];
        latencyNs = new double[dims];
        for (int k = 0; k < dims; k++) {
            Dimension d = network.dimension(k);
            npus[k] = d.npus();
            stride[k] = network.stride(k);
            kinds[k] = d.topology();
            latencyNs[k] = d.latencyNs();
        }
    }

    /** Delay of one message of {@code bytes} from src to dst (0 for src = dst), ns. */
    public abstract long delayNs(int src, int dst, long bytes);

    @Override
    public final long send(EventQueue queue, long now, int src, int dst, long bytes,
                           int deliverNpu, int stream, int phase, int apparentSrc) {
        long arrival = now + delayNs(src, dst, bytes);
        queue.schedule(arrival, EventQueue.DELIVER, deliverNpu, stream, phase, apparentSrc);
        return arrival;
    }

    @Override
    public final long controlDelayNs(int src, int dst, long bytes) {
        return delayNs(src, dst, bytes);
    }

    @Override
    public final void onHop(EventQueue queue, long now, int messageId) {
        throw new IllegalStateException("a stateless model has no hops");
    }

    @Override
    public final void reset() {
    }
}
