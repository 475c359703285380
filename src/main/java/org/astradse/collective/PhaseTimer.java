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
    // a phase's environment depends on its logical dimension's index and stride only: built once per pair
    private final Map<Long, Environment> environments = new HashMap<>();
    private long simulatedPhases;

    // The keys below are hashed for every phase a design point meets: their equals/hashCode are written out (a record's
    // generated ones go through method-handle chains on this path) and a key's hash is computed once.
    private record Key(LogicalDim dim, CollectiveType type, AlgorithmKind algorithm, long bytes, int treeParity) {
        @Override
        public int hashCode() {
            int h = dim.hashCode();
            h = 31 * h + type.hashCode();
            h = 31 * h + algorithm.hashCode();
            h = 31 * h + Long.hashCode(bytes);
            return 31 * h + treeParity;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && bytes == k.bytes && treeParity == k.treeParity && type == k.type
                    && algorithm == k.algorithm && (dim == k.dim || dim.equals(k.dim));
        }
    }

    /** What, besides the phase itself, a phase's duration depends on (see {@link #environment}); hashed once. */
    private static final class Environment {
        final List<Dimension> dims;
        final List<V1LinkTerms> v1;
        final long endpointNs;
        final double localMemBw;
        final boolean rendezvous;
        final Semantics semantics;
        final boolean symmetry;
        final int hash;
        /** Durations of the phases met in this environment, once it is a shared cache's (interned) one. */
        final ConcurrentHashMap<Key, Long> durations = new ConcurrentHashMap<>();

        Environment(List<Dimension> dims, List<V1LinkTerms> v1, long endpointNs, double localMemBw, boolean rendezvous,
                    Semantics semantics, boolean symmetry) {
            this.dims = dims;
            this.v1 = v1;
            this.endpointNs = endpointNs;
            this.localMemBw = localMemBw;
            this.rendezvous = rendezvous;
            this.semantics = semantics;
            this.symmetry = symmetry;
            this.hash = java.util.Objects.hash(dims, v1, endpointNs, localMemBw, rendezvous, semantics, symmetry);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o == this || o instanceof Environment e && hash == e.hash && endpointNs == e.endpointNs
                    && Double.compare(localMemBw, e.localMemBw) == 0 && rendezvous == e.rendezvous && symmetry == e.symmetry
                    && semantics.equals(e.semantics) && dims.equals(e.dims) && java.util.Objects.equals(v1, e.v1);
        }
    }

    /**
     * What concurrent simulations (a sweep's points) share: phase durations, and collective plans — a plan depends on
     * the network's NPUs per dimension, not its bandwidth or latency. Bounded (cleared when full: values are pure, so
     * only speed changes).
     */
    public static final class SharedCache {
        private static final int LIMIT = 200_000;
        // one object per distinct environment, each holding its phases' durations: a design point looks its
        // environments up once per logical dimension and then compares them by identity, not field by field per phase
        private final ConcurrentHashMap<Environment, Environment> environments = new ConcurrentHashMap<>();
        private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        private final ConcurrentHashMap<PlanKey, CollectivePlan> plans = new ConcurrentHashMap<>();

        private record PlanKey(int[] npus, List<AlgorithmToken> tokens, int splits,
                               SystemConfig.CollectiveOptimization optimization, Semantics semantics, CollectiveType type,
                               long bytes, LogicalLayout layout, long involved) {
            @Override
            public int hashCode() {
                int h = java.util.Arrays.hashCode(npus);
                h = 31 * h + tokens.hashCode();
                h = 31 * h + splits;
                h = 31 * h + java.util.Objects.hashCode(optimization);
                h = 31 * h + type.hashCode();
                h = 31 * h + Long.hashCode(bytes);
                h = 31 * h + java.util.Objects.hashCode(layout);
                return 31 * h + Long.hashCode(involved);
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof PlanKey k && bytes == k.bytes && involved == k.involved && splits == k.splits
                        && type == k.type && optimization == k.optimization && java.util.Arrays.equals(npus, k.npus)
                        && tokens.equals(k.tokens) && semantics.equals(k.semantics) && java.util.Objects.equals(layout, k.layout);
            }
        }

        /** {@link CollectivePlanner#plan} through the cache. */
        public CollectivePlan plan(NetworkConfig net, SystemConfig sys, Semantics sem, CollectiveType type, long bytes,
                                   LogicalLayout layout, long involved) {
            int[] npus = new int[net.dimensionCount()];
            for (int k = 0; k < npus.length; k++) npus[k] = net.dimension(k).npus();
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

        /** The shared object equal to {@code e} (e itself the first time). */
        Environment intern(Environment e) {
            Environment had = environments.putIfAbsent(e, e);
            return had == null ? e : had;
        }

        /** Remembers a duration in its (interned) environment; past LIMIT durations every environment is let go. */
        void put(Environment e, Key k, long v) {
            if (count.incrementAndGet() > LIMIT) {
                environments.clear(); // points holding an environment keep using it; new lookups start afresh
                count.set(0);
            }
            e.durations.put(k, v);
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
        if (shared != null) { // the environment's own map: what this point met, and what other points did
            Environment env = environment(phase.dim());
            Long d = env.durations.get(key);
            if (d == null) {
                d = simulate(phase, bytes, parity);
                shared.put(env, key, d);
            }
            return d;
        }
        Long d = durations.get(key);
        if (d == null) {
            d = simulate(phase, bytes, parity);
            durations.put(key, d);
        }
        return d;
    }

    /** What, besides the phase itself, its duration depends on. */
    private Environment environment(LogicalDim dim) {
        long at = ((long) dim.index() << 32) ^ (dim.stride() & 0xffffffffL);
        Environment e = environments.get(at);
        if (e == null) {
            e = buildEnvironment(dim);
            if (shared != null) e = shared.intern(e);
            environments.put(at, e);
        }
        return e;
    }

    private Environment buildEnvironment(LogicalDim dim) {
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
