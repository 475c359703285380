package org.astradse.network;

/**
 * The network layer: answers "when does this message arrive". A model delivers by scheduling a
 * {@link EventQueue#DELIVER} event carrying (deliverNpu, stream, phase, apparentSrc); the caller chooses the
 * delivery address so that a symmetric (quotient) simulation can fold a message back onto its representative.
 * A model instance holds per-run state (link occupancy) and is not shared between concurrent runs.
 */
public interface NetworkModel {
    /**
     * Injects {@code bytes} from NPU {@code src} to NPU {@code dst} at {@code now}.
     *
     * @return the arrival time, or −1 where it is not known when the message leaves (contention)
     */
    long send(EventQueue queue, long now, int src, int dst, long bytes,
              int deliverNpu, int stream, int phase, int apparentSrc);

    /** Handles a {@link EventQueue#HOP} event of this model. */
    void onHop(EventQueue queue, long now, int messageId);

    /** Delay of a control message on an idle network (rendezvous); stateless models only. */
    default long controlDelayNs(int src, int dst, long bytes) {
        throw new UnsupportedOperationException("rendezvous needs a stateless network model");
    }

    /** Forgets all state of a previous run. */
    void reset();
}
