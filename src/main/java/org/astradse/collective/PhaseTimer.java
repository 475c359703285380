package org.astradse.collective;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.astradse.network.NetworkConfig;
import org.astradse.network.Symmetry;

/**
 * Duration of one phase of one chunk under v1's barrier (SEMANTICS 4.5): the time from the phase's start, which
 * the barrier makes the same on every NPU, until the last NPU has finished it. The 1.0 network has no
 * contention and endpoint and reduction delays are per packet, so a phase's duration depends only on the phase
 * itself (algorithm, logical dimension, collective, bytes) and not on what else runs: it is simulated once in
 * isolation by the event engine — every NPU, or one representative when that is exact — and remembered.
 *
 * <p>Ring direction does not enter: hop counts are the same both ways round a ring.
 */
public final class PhaseTimer {
    private final NetworkConfig net;
    private final SystemConfig sys;
    private final Semantics semantics;
    private final double injectionScale;
    private final boolean rendezvous;
    private final boolean allowSymmetry;
    private final Map<Key, Long> durations = new HashMap<>();
    private long simulatedPhases;

    private record Key(LogicalDim dim, CollectiveType type, AlgorithmKind algorithm, long bytes, int treeParity) {
    }

    public PhaseTimer(NetworkConfig net, SystemConfig sys, Semantics semantics, double injectionScale, boolean rendezvous,
                      boolean allowSymmetry) {
        this.net = net;
        this.sys = sys;
        this.semantics = semantics;
        this.injectionScale = injectionScale;
        this.rendezvous = rendezvous;
        this.allowSymmetry = allowSymmetry;
    }

    /** Duration in ns of {@code phase} run on a chunk whose phase input is {@code bytes}. */
    public long durationNs(PhasePlan phase, long bytes, int chunkIndex) {
        int parity = phase.algorithm() == AlgorithmKind.DOUBLE_BINARY_TREE ? chunkIndex & 1 : 0;
        Key key = new Key(phase.dim(), phase.type(), phase.algorithm(), bytes, parity);
        Long d = durations.get(key);
        if (d == null) {
            d = simulate(phase, bytes, parity);
            durations.put(key, d);
        }
        return d;
    }

    /** How many distinct phases were simulated (the rest came from memory). */
    public long simulatedPhases() {
        return simulatedPhases;
    }

    private long simulate(PhasePlan phase, long bytes, int parity) {
        simulatedPhases++;
        PhasePlan alone = new PhasePlan(phase.dim(), phase.type(), phase.algorithm(), bytes, phase.level(), QueueAllocator.ALL);
        CollectivePlan plan = new CollectivePlan(phase.type(), 1, new long[] {bytes}, List.of(alone), net.dimensionCount() + 2,
                List.of());
        Symmetry[] symmetry = allowSymmetry ? CollectiveEngine.symmetryFor(net, false, List.of(plan)) : null;
        CollectiveEngine engine = new CollectiveEngine(net, sys, semantics, false, symmetry, 1, injectionScale);
        engine.setChunkIndexBase(parity);
        engine.setRendezvous(rendezvous);
        for (int npu = 0; npu < engine.simulatedNpus(); npu++) engine.issue(npu, plan, 0, sys.schedulingPolicy());
        engine.run();
        long end = 0;
        for (int npu = 0; npu < engine.simulatedNpus(); npu++) end = Math.max(end, engine.finishedAt(npu, 0));
        return end;
    }
}
