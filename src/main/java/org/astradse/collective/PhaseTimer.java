package org.astradse.collective;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.astradse.network.Dimension;
import org.astradse.network.NetworkConfig;
import org.astradse.network.V1LinkTerms;

/**
 * Duration of one phase of one chunk under v1's barrier (SEMANTICS 4.5): the time from the phase's start, which
 * the barrier makes the same on every NPU, until the last NPU has finished it. The 1.0 network has no
 * contention and endpoint and reduction delays are per packet, so a phase's duration depends only on the phase
 * itself (algorithm, logical dimension, collective, bytes) and not on what else runs: it is simulated once in
 * isolation by the event engine — every NPU, or one representative when that is exact — and remembered.
 *
 * <p>Ring direction does not enter: hop counts are the same both ways round a ring.
 *
 * <p>A {@link SharedCache} lets many simulations (the design points of a sweep) share durations: the key then
 * also holds everything a phase's duration can depend on — the physical dimension it runs on (messages of a
 * native algorithm only cross that dimension; a {@code one*} phase depends on all of them), the endpoint delay,
 * the reduction-delay parameter and the rendezvous flag.
 */
public final class PhaseTimer {
    private final NetworkConfig net;
    private final SystemConfig sys;
    private final Semantics semantics;
    private final double injectionScale;
    private final boolean rendezvous;
    private final boolean allowSymmetry;
    private final Map<Key, Long> durations = new HashMap<>();
    private final SharedCache shared;
    private long simulatedPhases;

    private record Key(LogicalDim dim, CollectiveType type, AlgorithmKind algorithm, long bytes, int treeParity) {
    }

    private record Environment(List<Dimension> dims, List<V1LinkTerms> v1, long endpointNs, double localMemBw,
                               boolean rendezvous, Semantics semantics, boolean symmetry) {
    }

    private record SharedKey(Environment environment, Key key) {
    }

    /** Durations shared by concurrent simulations; bounded (cleared when full: values are pure, so only speed changes). */
    public static final class SharedCache {
        private static final int LIMIT = 200_000;
        private final ConcurrentHashMap<SharedKey, Long> map = new ConcurrentHashMap<>();

        Long get(SharedKey k) {
            return map.get(k);
        }

        void put(SharedKey k, long v) {
            if (map.size() >= LIMIT) map.clear();
            map.put(k, v);
        }

        public int size() {
            return map.size();
        }
    }

    public PhaseTimer(NetworkConfig net, SystemConfig sys, Semantics semantics, double injectionScale, boolean rendezvous,
                      boolean allowSymmetry) {
        this(net, sys, semantics, injectionScale, rendezvous, allowSymmetry, null);
    }

    public PhaseTimer(NetworkConfig net, SystemConfig sys, Semantics semantics, double injectionScale, boolean rendezvous,
                      boolean allowSymmetry, SharedCache shared) {
        this.net = net;
        this.sys = sys;
        this.semantics = semantics;
        this.injectionScale = injectionScale;
        this.rendezvous = rendezvous;
        this.allowSymmetry = allowSymmetry;
        this.shared = shared;
    }

    /** Duration in ns of {@code phase} run on a chunk whose phase input is {@code bytes}. */
    public long durationNs(PhasePlan phase, long bytes, int chunkIndex) {
        int parity = phase.algorithm() == AlgorithmKind.DOUBLE_BINARY_TREE ? chunkIndex & 1 : 0;
        Key key = new Key(phase.dim(), phase.type(), phase.algorithm(), bytes, parity);
        Long d = durations.get(key);
        if (d == null) {
            SharedKey sk = shared == null ? null : new SharedKey(environment(phase.dim()), key);
            d = sk == null ? null : shared.get(sk);
            if (d == null) {
                d = simulate(phase, bytes, parity);
                if (sk != null) shared.put(sk, d);
            }
            durations.put(key, d);
        }
        return d;
    }

    /** What, besides the phase itself, its duration depends on. */
    private Environment environment(LogicalDim dim) {
        List<Dimension> dims = new ArrayList<>();
        List<V1LinkTerms> terms = net.isV1() ? new ArrayList<>() : null;
        for (int k = 0; k < net.dimensionCount(); k++) {
            int stride = net.stride(k);
            boolean holds = dim.index() < 0 || (dim.stride() >= stride && dim.stride() < stride * net.dimension(k).npus());
            if (holds) {
                dims.add(net.dimension(k));
                if (terms != null) terms.add(net.v1().get(k));
            }
        }
        return new Environment(dims, terms, (long) (sys.endpointDelayNs() * injectionScale), sys.localMemBwGBps(), rendezvous,
                semantics, allowSymmetry);
    }

    /** How many distinct phases were simulated (the rest came from memory). */
    public long simulatedPhases() {
        return simulatedPhases;
    }

    private long simulate(PhasePlan phase, long bytes, int parity) {
        simulatedPhases++;
        PhasePlan alone = new PhasePlan(phase.dim(), phase.type(), phase.algorithm(), bytes, phase.level(), QueueAllocator.ALL);
        CollectivePlan plan = new CollectivePlan(phase.type(), 1, new long[] {bytes}, List.of(alone), List.of());
        // under the barrier the phase lasts until its last NPU is done
        return CollectiveEngine.runAlone(net, sys, semantics, false, plan, injectionScale, rendezvous, allowSymmetry, parity)
                .latest();
    }
}
