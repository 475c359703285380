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
    // the same phase plan object comes back for every chunk (and every pass): (bytes, parity, duration) triples
    private final java.util.IdentityHashMap<PhasePlan, long[]> byPlan = new java.util.IdentityHashMap<>();
    private final SharedCache shared;
    private long simulatedPhases;

    private record Key(LogicalDim dim, CollectiveType type, AlgorithmKind algorithm, long bytes, int treeParity) {
    }

    private record Environment(List<Dimension> dims, List<V1LinkTerms> v1, long endpointNs, double localMemBw,
                               boolean rendezvous, Semantics semantics, boolean symmetry) {
    }

    private record SharedKey(Environment environment, Key key) {
    }

    /**
     * What concurrent simulations (a sweep's points) share: phase durations, and collective plans — a plan depends on
     * the network's NPUs per dimension, not its bandwidth or latency. Bounded (cleared when full: values are pure, so
     * only speed changes).
     */
    public static final class SharedCache {
        private static final int LIMIT = 200_000;
        private final ConcurrentHashMap<SharedKey, Long> map = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<PlanKey, CollectivePlan> plans = new ConcurrentHashMap<>();

        private record PlanKey(List<Integer> npus, List<AlgorithmToken> tokens, int splits,
                               SystemConfig.CollectiveOptimization optimization, Semantics semantics, CollectiveType type,
                               long bytes, LogicalLayout layout, long involved) {
        }

        /** {@link CollectivePlanner#plan} through the cache. */
        public CollectivePlan plan(NetworkConfig net, SystemConfig sys, Semantics sem, CollectiveType type, long bytes,
                                   LogicalLayout layout, long involved) {
            List<Integer> npus = new ArrayList<>(net.dimensionCount());
            for (int k = 0; k < net.dimensionCount(); k++) npus.add(net.dimension(k).npus());
            PlanKey key = new PlanKey(npus, sys.implementation(type), sys.preferredSplits(), sys.optimization(), sem, type, bytes,
                    layout, involved);
            CollectivePlan p = plans.get(key);
            if (p == null) {
                p = CollectivePlanner.plan(net, sys, sem, type, bytes, layout, involved); // errors are not cached
                if (plans.size() >= LIMIT) plans.clear();
                plans.put(key, p);
            }
            return p;
        }

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
        long[] seen = byPlan.get(phase);
        if (seen != null) {
            for (int i = 0; i < seen.length; i += 3) if (seen[i] == bytes && seen[i + 1] == parity) return seen[i + 2];
        }
        long d = lookup(phase, bytes, parity);
        long[] grown = seen == null ? new long[3] : java.util.Arrays.copyOf(seen, seen.length + 3);
        grown[grown.length - 3] = bytes;
        grown[grown.length - 2] = parity;
        grown[grown.length - 1] = d;
        byPlan.put(phase, grown);
        return d;
    }

    private long lookup(PhasePlan phase, long bytes, int parity) {
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
