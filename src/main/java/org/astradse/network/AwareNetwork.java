package org.astradse.network;

import java.util.Arrays;
import org.astradse.InputException;

/**
 * ASTRA-sim 2.0 congestion-aware network (SEMANTICS 3.3), one dimension only. Every direction of every
 * connection is a link with a FIFO; per hop, store-and-forward: a message offered at {@code now} starts at
 * {@code s = max(now, link free)}, reaches the next device at {@code s + ⌊lat + m/bw⌋} and frees the link at
 * {@code s + ⌊m/bw⌋}. Since service times are fixed at offer time, "link free" is one number per link and
 * FIFO order is the order of offers. Routes: Ring — the shorter way, ties clockwise (+1), one hop per
 * device; FullyConnected — one direct link; Switch — up-link to the switch, then the destination's
 * down-link.
 *
 * <p>In a symmetric run only NPU 0 is simulated and links are folded onto their class under the
 * {@link Symmetry} (all clockwise ring links are one link, all switch up-links one, ...), which is exact
 * because every member of a class is in the same state at the same time.
 */
public final class AwareNetwork implements NetworkModel {
    private final TopologyKind kind;
    private final int n;
    private final double latencyNs;
    private final double bytesPerNs;
    private final Symmetry symmetry; // null: every link is its own
    private final long[] linkFreeAt;

    // pooled multi-hop messages
    private int[] msgAt = new int[16];
    private int[] msgDst = new int[16];
    private int[] msgDir = new int[16];
    private long[] msgBytes = new long[16];
    private int[] msgDeliverNpu = new int[16];
    private int[] msgStream = new int[16];
    private int[] msgPhase = new int[16];
    private int[] msgApparentSrc = new int[16];
    private int[] freeIds = new int[16];
    private int freeCount;
    private int used;

    public AwareNetwork(NetworkConfig network, Symmetry symmetry) {
        if (network.dimensionCount() != 1)
            throw new InputException("the congestion-aware network model only supports 1-dim topology (the reference "
                    + "refuses " + network.dimensionCount() + " dimensions); use --congestion unaware");
        Dimension d = network.dimension(0);
        kind = d.topology();
        n = d.npus();
        latencyNs = d.latencyNs();
        bytesPerNs = d.bytesPerNs();
        this.symmetry = symmetry;
        int links = switch (kind) {
            case RING, SWITCH -> symmetry != null ? 2 : 2 * n;
            case FULLY_CONNECTED -> symmetry != null ? n : n * n;
        };
        linkFreeAt = new long[links];
    }

    @Override
    public void reset() {
        Arrays.fill(linkFreeAt, 0);
        freeCount = 0;
        used = 0;
    }

    @Override
    public long send(EventQueue queue, long now, int src, int dst, long bytes,
                     int deliverNpu, int stream, int phase, int apparentSrc) {
        switch (kind) {
            case FULLY_CONNECTED -> {
                long arrive = traverse(fcLink(src, dst), now, bytes);
                queue.schedule(arrive, EventQueue.DELIVER, deliverNpu, stream, phase, apparentSrc);
            }
            case SWITCH -> {
                long atSwitch = traverse(symmetry != null ? 0 : src, now, bytes);
                int id = newMessage(n /* the switch */, dst, 0, bytes, deliverNpu, stream, phase, apparentSrc);
                queue.schedule(atSwitch, EventQueue.HOP, id, 0, 0, 0);
            }
            case RING -> {
                int cw = Math.floorMod(dst - src, n);
                int dir = cw <= n - cw ? 1 : -1; // ties clockwise
                int next = Math.floorMod(src + dir, n);
                long arrive = traverse(ringLink(src, dir), now, bytes);
                if (next == dst) {
                    queue.schedule(arrive, EventQueue.DELIVER, deliverNpu, stream, phase, apparentSrc);
                } else {
                    int id = newMessage(next, dst, dir, bytes, deliverNpu, stream, phase, apparentSrc);
                    queue.schedule(arrive, EventQueue.HOP, id, 0, 0, 0);
                }
            }
        }
        return -1; // later hops may queue
    }

    @Override
    public void onHop(EventQueue queue, long now, int id) {
        int at = msgAt[id];
        int dst = msgDst[id];
        long bytes = msgBytes[id];
        long arrive;
        int next;
        if (kind == TopologyKind.SWITCH) {
            arrive = traverse(symmetry != null ? 1 : n + dst, now, bytes);
            next = dst;
        } else {
            int dir = msgDir[id];
            arrive = traverse(ringLink(at, dir), now, bytes);
            next = Math.floorMod(at + dir, n);
        }
        if (next == dst) {
            queue.schedule(arrive, EventQueue.DELIVER, msgDeliverNpu[id], msgStream[id], msgPhase[id], msgApparentSrc[id]);
            if (freeCount == freeIds.length) freeIds = Arrays.copyOf(freeIds, freeIds.length * 2);
            freeIds[freeCount++] = id;
        } else {
            msgAt[id] = next;
            queue.schedule(arrive, EventQueue.HOP, id, 0, 0, 0);
        }
    }

    /** Offers the message to a link at {@code now}; returns its arrival time at the link's far end. */
    private long traverse(int link, long now, long bytes) {
        long start = Math.max(now, linkFreeAt[link]);
        double serialisation = bytes / bytesPerNs;
        linkFreeAt[link] = start + (long) serialisation;
        return start + (long) (latencyNs + serialisation);
    }

    private int ringLink(int from, int dir) {
        int d = dir > 0 ? 0 : 1;
        return symmetry != null ? d : 2 * from + d;
    }

    private int fcLink(int src, int dst) {
        if (symmetry == null) return src * n + dst;
        return symmetry == Symmetry.XOR ? (src ^ dst) : Math.floorMod(dst - src, n);
    }

    private int newMessage(int at, int dst, int dir, long bytes, int deliverNpu, int stream, int phase, int apparentSrc) {
        int id;
        if (freeCount > 0) {
            id = freeIds[--freeCount];
        } else {
            if (used == msgAt.length) grow();
            id = used++;
        }
        msgAt[id] = at;
        msgDst[id] = dst;
        msgDir[id] = dir;
        msgBytes[id] = bytes;
        msgDeliverNpu[id] = deliverNpu;
        msgStream[id] = stream;
        msgPhase[id] = phase;
        msgApparentSrc[id] = apparentSrc;
        return id;
    }

    private void grow() {
        int len = msgAt.length * 2;
        msgAt = Arrays.copyOf(msgAt, len);
        msgDst = Arrays.copyOf(msgDst, len);
        msgDir = Arrays.copyOf(msgDir, len);
        msgBytes = Arrays.copyOf(msgBytes, len);
        msgDeliverNpu = Arrays.copyOf(msgDeliverNpu, len);
        msgStream = Arrays.copyOf(msgStream, len);
        msgPhase = Arrays.copyOf(msgPhase, len);
        msgApparentSrc = Arrays.copyOf(msgApparentSrc, len);
    }
}
