package org.astradse.collective;

/**
 * One NPU's part of one phase of one chunk: a receive-driven state machine (SEMANTICS 3.4, 5). Sends never
 * block; progress happens on receptions. A receive is "posted" at a point the algorithm defines; a message that
 * arrives earlier waits, and is handled the moment its receive is posted, with no extra delay. Messages from
 * one peer are matched in order: each algorithm counts what arrived from each of its few peers (no per-member
 * array, so a full simulation of 65,536 NPUs stays small).
 *
 * <p>Instances are created by the engine lazily, on the phase's start or on the first message for it.
 */
abstract class PhaseAlgorithm {
    CollectiveEngine engine;
    int npu;        // simulated NPU (its id; 0 in a symmetric run)
    int stream;
    int phase;
    int n;          // members of the logical dimension
    int stride;
    int base;
    int index;      // own index in the logical dimension
    int direction;  // +1 clockwise, -1 anticlockwise (ring)
    long bytes;     // D, input bytes per NPU of this phase
    int[] members;  // a communicator group's ring: member i is NPU members[i] (else base + i·stride)
    int[] position; // … and NPU id → member index
    long endpointNs; // E per packet bundle
    CollectiveType type;
    private int[] matchBalance; // v1: per receive slot, sends from that peer − receives posted for it (−1, 0 or 1)
    // the last message sent on a contention-free network (CollectiveEngine.send): peer, size → delay and address
    int memoPeer = -1;
    long memoBytes;
    long memoDelayNs;
    int memoDeliverTo;
    int memoApparentSrc;

    final void init(CollectiveEngine engine, int npu, int stream, int phase, LogicalDim dim, int direction,
                    long bytes, CollectiveType type) {
        this.engine = engine;
        this.npu = npu;
        this.stream = stream;
        this.phase = phase;
        this.n = dim.size();
        this.stride = dim.stride();
        this.base = dim.base(npu);
        this.index = dim.indexOf(npu);
        this.members = dim.members();
        this.position = dim.position();
        // a group's ring bundles packets with the fixed "Fast" 10-ns delay instead of endpoint-delay (Ring.cc, MemBus.cc;
        // SEMANTICS-ET 2.5)
        this.endpointNs = members != null ? GROUP_BUNDLE_NS : engine.endpointDelayNs;
        this.direction = direction;
        this.bytes = bytes;
        this.type = type;
        setUp();
        int slots = engine.checksDuplicates() ? receiveSlots() : 0;
        matchBalance = slots > 0 ? new int[slots] : null;
    }

    /** Derived fields, after init. */
    void setUp() {
    }

    /** Timer tokens of the algorithms that send in steps: send the next message, or end the phase. */
    static final int SEND = 0;
    static final int FINISH = 1;

    /** The phase starts on this NPU (its queue slot became free): by default the first send after E. */
    void start(long now) {
        after(now, e(), SEND);
    }

    /** A delay this algorithm asked for ({@link #after}) has elapsed. */
    abstract void onTimer(long now, int token);

    /** A message from member {@code peer} has arrived; the algorithm counts it and may handle it. */
    abstract void onArrival(long now, int peer);

    final void arrive(long now, int srcNpu) {
        onArrival(now, members != null ? position[srcNpu] : (srcNpu - base) / stride);
    }

    final int npuOf(int memberIndex) {
        if (members != null) return members[Math.floorMod(memberIndex, n)];
        return base + Math.floorMod(memberIndex, n) * stride;
    }

    /** The packet-bundle delay of a communicator group's ring, ns. */
    static final long GROUP_BUNDLE_NS = 10;

    /** Sends {@code messageBytes} to member {@code peer} now. */
    final void send(long now, int peer, long messageBytes) {
        engine.send(this, now, Math.floorMod(peer, n), messageBytes);
    }

    /**
     * v1: the receive for the next message from member {@code peer} is posted now. The 1.0 network matches sends
     * and receives in one entry per (tag, src, dst, size) — a pending send or a posted receive — and aborts when a
     * second of the same kind arrives (its {@code SendRecvTrackingMap}, SEMANTICS 3.4, 8 #8); within one phase
     * each pair of NPUs exchanges one message size, so the entry is this NPU's balance per peer it receives from.
     */
    final void posted(int peer) {
        if (matchBalance == null) return;
        int slot = receiveSlot(peer);
        if (matchBalance[slot] < 0) throw engine.duplicateReceive(this, peer);
        matchBalance[slot]--;
    }

    /** v1: member {@code peer} has just sent this NPU a message of this phase (see {@link #posted}). */
    final void noteSend(int peer, PhaseAlgorithm sender, int senderPeer, long messageBytes) {
        if (matchBalance == null) return;
        int slot = receiveSlot(peer);
        if (slot < 0) return;
        if (matchBalance[slot] > 0) throw engine.duplicate(sender, senderPeer, messageBytes);
        matchBalance[slot]++;
    }

    /**
     * The peers this NPU receives from, for the v1 match check: how many, and the slot of a member (−1 if it
     * never sends here). Algorithms whose every pair of NPUs exchanges at most one message per direction and phase
     * (double binary tree) need none: 0.
     */
    int receiveSlots() {
        return 0;
    }

    int receiveSlot(int peer) {
        return -1;
    }

    final void after(long now, long delay, int token) {
        engine.timer(this, now + delay, token);
    }

    final void done(long now) {
        engine.phaseDone(this, now);
    }

    /** Endpoint delay E per packet (endpoint-delay × injection-scale). */
    final long e() {
        return endpointNs;
    }

    /** Reduction delay P(m). */
    final long p(long m) {
        if (m != pBytes) { // an algorithm reduces messages of one or two sizes: keep the last
            pBytes = m;
            pNs = engine.reductionDelayNs(m);
        }
        return pNs;
    }

    private long pBytes = -1;
    private long pNs;
}
