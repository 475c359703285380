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
    CollectiveType type;

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
        this.direction = direction;
        this.bytes = bytes;
        this.type = type;
        setUp();
    }

    /** Derived fields, after init. */
    void setUp() {
    }

    /** The phase starts on this NPU (its queue slot became free). */
    abstract void start(long now);

    /** A delay this algorithm asked for ({@link #after}) has elapsed. */
    abstract void onTimer(long now, int token);

    /** A message from member {@code peer} has arrived; the algorithm counts it and may handle it. */
    abstract void onArrival(long now, int peer);

    final void arrive(long now, int srcNpu) {
        onArrival(now, (srcNpu - base) / stride);
    }

    final int npuOf(int memberIndex) {
        return base + Math.floorMod(memberIndex, n) * stride;
    }

    final void send(long now, int peer, long messageBytes) {
        engine.send(this, now, Math.floorMod(peer, n), messageBytes);
    }

    /**
     * Sends to a peer this phase may send to more than once. Under v1 a second message to the same peer while the
     * first is still in flight aborts the reference (its (tag, src, dst, size) check; within a phase each peer gets
     * one size), so it is refused here. The 1.0 network is contention-free: the arrival is known at sending, and
     * {@code inFlightUntil[slot]} keeps it per peer — no state elsewhere, no allocation per message. A message
     * arriving in the same ns is received first (its delivery was scheduled earlier), hence the strict test.
     * Algorithms allocate {@code inFlightUntil} only when {@link #tracksDuplicates()}; null means no check.
     */
    final void sendOnce(long now, int peer, long messageBytes, long[] inFlightUntil, int slot) {
        int p = Math.floorMod(peer, n);
        if (inFlightUntil == null) { // v2: nothing to check
            engine.send(this, now, p, messageBytes);
            return;
        }
        if (now < inFlightUntil[slot]) throw engine.duplicate(this, p, messageBytes);
        inFlightUntil[slot] = engine.send(this, now, p, messageBytes);
    }

    final void after(long now, long delay, int token) {
        engine.timer(this, now + delay, token);
    }

    final void done(long now) {
        engine.phaseDone(this, now);
    }

    /** Whether this run refuses duplicate in-flight messages (v1); algorithms then allocate their arrival slots. */
    final boolean tracksDuplicates() {
        return engine.checksDuplicates();
    }

    /** Endpoint delay E per packet (endpoint-delay × injection-scale). */
    final long e() {
        return engine.endpointDelayNs;
    }

    /** Reduction delay P(m). */
    final long p(long m) {
        return engine.reductionDelayNs(m);
    }
}
