package org.astradse.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.astradse.InputException;
import org.astradse.collective.CollectiveEngine;
import org.astradse.collective.CollectivePlan;
import org.astradse.collective.CollectivePlanner;
import org.astradse.collective.CollectiveType;
import org.astradse.collective.LogicalLayout;
import org.astradse.collective.Semantics;
import org.astradse.collective.SystemConfig;
import org.astradse.network.NetworkConfig;
import org.astradse.network.Units;
import org.astradse.network.Symmetry;
import org.astradse.workload.et.EtGraph;
import org.astradse.workload.et.EtNode;
import org.astradse.workload.et.EtTrace;

/**
 * ASTRA-sim 2.0's graph workload layer (SEMANTICS-ET 2): every NPU executes its own dependency graph; a node is ready
 * when all its parents finished; after every completion on an NPU (and at t = 0) an issue pass walks a snapshot of its
 * ready nodes in ascending id and issues each whose resource class (CPU, GPU compute, GPU comm; receives none) is
 * free. Collectives go to the system layer ({@link CollectiveEngine}, 2.0 rules: no barrier, receive-driven), sends and
 * receives to the network as point-to-point messages, memory accesses to the analytical remote memory. There is no
 * global barrier: NPUs interact only through messages (and a shared memory pool).
 *
 * <p>Ranks whose graphs are identical up to node ids on a network and collectives that make all NPUs equivalent
 * ({@link CollectiveEngine#symmetryFor}) are simulated once, as one representative; no point-to-point nodes and no
 * shared memory may be involved. Tests compare both modes.
 */
public final class GraphSimulator {
    /**
     * Run options of a graph simulation.
     *
     * @param roofline        {@code roofline-enabled}: GPU compute time from num_ops and tensor_size
     * @param peakPerfTflops  {@code peak-perf}, TFLOP/s (10^12)
     * @param replayOnly      {@code replay-only}: every node lasts its recorded duration, no traffic
     * @param aware           congestion-aware network (1-D only)
     * @param queuesPerDim    {@code --num-queues-per-dim}
     * @param injectionScale  {@code --injection-scale}
     * @param rendezvous      {@code --rendezvous-protocol}
     * @param allowSymmetry   false forces every NPU to be simulated (for checking the shortcut)
     */
    public record Options(boolean roofline, double peakPerfTflops, boolean replayOnly, boolean aware, int queuesPerDim,
                          double injectionScale, boolean rendezvous, boolean allowSymmetry) {
        public static final Options DEFAULT = new Options(false, 0, false, false, 1, 1.0, false, true);

        public Options withSymmetry(boolean allow) {
            return new Options(roofline, peakPerfTflops, replayOnly, aware, queuesPerDim, injectionScale, rendezvous, allow);
        }
    }

    private static final int NODE_DONE = CollectiveEngine.FIRST_EXTENSION_KIND;
    private static final long TAG_MODULUS = 500_000_000L; // SEND tags are taken mod 5·10^8 (SYS:1246-1274)

    // node classes for the statistics (ST:44-75)
    private static final int GPU = 0;
    private static final int CPU = 1;
    private static final int COMM = 2;
    private static final int MEM = 3;
    private static final int INVALID = 4;

    private final List<EtGraph> graphs; // by simulated rank
    private final NetworkConfig net;
    private final SystemConfig sys;
    private final Options options;
    private final RemoteMemory memory;
    private final CommGroups groups;
    private final CollectiveEngine engine;
    private final Npu[] npus;
    private final int totalNpus;
    private final List<String> warnings = new ArrayList<>();
    private final Map<PlanKey, CollectivePlan> plans; // one plan per (size, type, involved dims), shared with symmetryOf

    /** What a graph collective's plan depends on besides the network and system. */
    private record PlanKey(long bytes, CollectiveType type, long involved) {
    }
    private final Map<String, CollectivePlan> groupPlans = new HashMap<>();
    // collective slots of the system layer: the k-th collective of each group (0 = all NPUs) is one slot, numbered in
    // the order of first issue; chunks are matched by slot, as the reference matches them by a per-group counter
    private final Map<Long, Integer> slots = new HashMap<>();
    private final List<CollectivePlan> issuedPlans = new ArrayList<>();
    private final List<String> issuedBy = new ArrayList<>();
    private final long[] memoryFreeAt; // FIFO end per shared memory queue (pool: one; per node: one per node)
    // point-to-point messages: key (tag, src, dst, size) → per-key sequence numbers of sends and receives
    private final Map<P2pKey, P2pQueue> p2p = new HashMap<>();
    private final List<Message> messages = new ArrayList<>();

    private record P2pKey(long tag, int src, int dst, long size) {
    }

    /** One key's messages in posting order: arrival times of sends, and the receives waiting for them. */
    private static final class P2pQueue {
        final List<Long> arrivals = new ArrayList<>(); // by send sequence; −1 while in flight
        final List<Integer> receives = new ArrayList<>(); // receive node by receive sequence
        final List<Long> sendNodes = new ArrayList<>(); // sender node id by send sequence (for warnings)
        // rendezvous: by sequence, the sends waiting for the receiver's control message, and control messages arrived
        final List<Integer> waitingSends = new ArrayList<>();
        final List<Boolean> cleared = new ArrayList<>();
    }

    /** A point-to-point message; a control message ({@code control}) goes from the receiver back to the sender. */
    private record Message(P2pKey key, int seq, int sendNpu, int sendNode, boolean control) {
    }

    private GraphSimulator(List<EtGraph> graphs, int totalNpus, NetworkConfig net, SystemConfig sys, Options options,
                           RemoteMemory memory, CommGroups groups, Symmetry[] symmetry, Map<PlanKey, CollectivePlan> plans) {
        this.groups = groups;
        this.plans = plans;
        this.graphs = graphs;
        this.totalNpus = totalNpus;
        this.net = net;
        this.sys = sys;
        this.options = options;
        this.memory = memory;
        this.engine = new CollectiveEngine(net, sys, Semantics.V2, options.aware(), symmetry, options.queuesPerDim(),
                options.injectionScale());
        engine.setRendezvous(options.rendezvous());
        this.npus = new Npu[graphs.size()];
        for (int i = 0; i < npus.length; i++) npus[i] = new Npu(i, graphs.get(i));
        this.memoryFreeAt = new long[memory.kind() == RemoteMemory.Kind.PER_NODE_MEMORY_EXPANSION ? memory.nodes() : 1];
        engine.setListener((npu, c, now) -> {
            Npu n = npus[npu];
            int node = n.collectiveNode[c];
            n.complete(node, now);
            n.pass(now);
        });
        engine.setExtension(new CollectiveEngine.Extension() {
            @Override
            public void onEvent(long now, int kind, int a, int b, int c, int d) {
                Npu n = npus[a];
                n.complete(b, now);
                n.pass(now);
            }

            @Override
            public void onMessage(long now, int dst, int messageId) {
                delivered(now, messages.get(messageId));
            }
        });
    }

    /**
     * Runs the graphs of all {@code graphs.size()} ranks (one per NPU of {@code net}).
     */
    public static GraphResult simulate(EtTrace trace, NetworkConfig net, SystemConfig sys, Options options,
                                       RemoteMemory memory, CommGroups groups) {
        List<EtGraph> graphs = trace.graphs();
        int n = net.totalNpus();
        if (graphs.size() != n)
            throw new InputException("the network has " + n + " NPUs but " + graphs.size() + " ET graphs were given");
        Map<PlanKey, CollectivePlan> plans = new HashMap<>();
        Symmetry[] symmetry = options.allowSymmetry() && trace.uniform() ? symmetryOf(graphs.get(0), net, sys, options, plans)
                : null;
        GraphSimulator sim = symmetry != null
                ? new GraphSimulator(List.of(graphs.get(0)), n, net, sys, options, memory, groups, symmetry, plans)
                : new GraphSimulator(graphs, n, net, sys, options, memory, groups, null, plans);
        for (EtGraph g : symmetry != null ? List.of(graphs.get(0)) : graphs) sim.warnings.addAll(g.warnings());
        return sim.run(symmetry != null);
    }

    /** The symmetry under which one rank stands for all, or null (SEMANTICS-ET: symmetric ranks). */
    private static Symmetry[] symmetryOf(EtGraph g0, NetworkConfig net, SystemConfig sys, Options options,
                                         Map<PlanKey, CollectivePlan> plans) {
        List<CollectivePlan> planned = new ArrayList<>();
        for (EtNode node : g0.nodes()) {
            switch (node.type()) {
                case EtNode.COMM_SEND_NODE, EtNode.COMM_RECV_NODE, EtNode.MEM_LOAD_NODE, EtNode.MEM_STORE_NODE -> {
                    return null; // point-to-point partners and shared memories are not rank-symmetric
                }
                case EtNode.COMM_COLL_NODE -> {
                    if (options.replayOnly() || node.commType() == EtNode.BROADCAST) continue;
                    if (node.error() != null || node.commSize() < 0 || !node.pgName().isEmpty() && !node.pgName().equals("0"))
                        return null;
                    CollectiveType t = collectiveType(node.commType());
                    if (t == null) return null;
                    PlanKey key = new PlanKey(node.commSize(), t, involvedMask(node, net));
                    CollectivePlan p = plans.get(key);
                    if (p == null) {
                        try {
                            p = CollectivePlanner.plan(net, sys, Semantics.V2, t, key.bytes(), LogicalLayout.IDENTITY,
                                    key.involved());
                        } catch (InputException e) {
                            return null; // raised where the node is issued, by the full simulation
                        }
                        plans.put(key, p); // the simulation uses the same plan (its issue check compares them)
                        planned.add(p);
                    }
                    if (p.phases().isEmpty()) return null;
                }
                default -> {
                }
            }
        }
        return CollectiveEngine.symmetryFor(net, options.aware(), planned);
    }

    private static CollectiveType collectiveType(int commType) {
        return switch (commType) {
            case EtNode.ALL_REDUCE -> CollectiveType.ALL_REDUCE;
            case EtNode.ALL_GATHER -> CollectiveType.ALL_GATHER;
            case EtNode.ALL_TO_ALL -> CollectiveType.ALL_TO_ALL;
            case EtNode.REDUCE_SCATTER -> CollectiveType.REDUCE_SCATTER;
            default -> null;
        };
    }

    /** involved_dim as a mask of physical (= logical) dimensions: absent = all; entries beyond the dims ignored. */
    private static long involvedMask(EtNode node, NetworkConfig net) {
        long all = net.dimensionCount() >= 63 ? -1L : (1L << net.dimensionCount()) - 1;
        if (node.involvedCount() < 0) return all;
        return node.involvedDims() & all;
    }

    /** The same collective as far as matching goes: type, chunks and phases (the reference matches tag and size). */
    private static boolean samePlan(CollectivePlan a, CollectivePlan b) {
        return a == b || a.type() == b.type() && a.chunkCount() == b.chunkCount()
                && Arrays.equals(a.chunkBytes(), b.chunkBytes()) && a.phases().equals(b.phases());
    }

    private GraphResult run(boolean symmetric) {
        for (Npu n : npus) n.pass(0); // fire(): rank 0, 1, … at t = 0 (NF/congestion_unaware/main.cc)
        engine.run();
        // the event list is empty: every NPU must have reported
        List<String> stuck = new ArrayList<>();
        for (Npu n : npus) if (!n.finished) stuck.add(n.why());
        if (!stuck.isEmpty())
            throw new InputException("the run cannot finish (the reference never reports these NPUs): "
                    + String.join("; ", stuck.subList(0, Math.min(8, stuck.size())))
                    + (stuck.size() > 8 ? "; and " + (stuck.size() - 8) + " more NPUs" : ""));
        for (P2pQueue q : p2p.values()) {
            if (q.arrivals.size() > q.receives.size()) {
                List<Long> unmatched = q.sendNodes.subList(q.receives.size(), q.sendNodes.size());
                warnings.add("SEND node(s) " + unmatched + " were never received (no matching RECV of the same tag, source, "
                        + "destination and size); as in the reference, a send completes when its message arrives");
            }
        }
        List<GraphResult.Npu> reports = new ArrayList<>();
        if (symmetric) {
            GraphResult.Npu r = npus[0].report();
            for (int i = 0; i < totalNpus; i++) reports.add(r);
        } else {
            for (Npu n : npus) reports.add(n.report());
        }
        return new GraphResult(List.copyOf(reports), symmetric, List.copyOf(warnings));
    }

    private void delivered(long now, Message m) {
        P2pQueue q = p2p.get(m.key());
        if (m.control()) { // the receiver posted its receive: the data may leave (or leaves once the send is issued)
            grow(q.cleared, m.seq(), false);
            q.cleared.set(m.seq(), true);
            if (m.seq() < q.waitingSends.size() && q.waitingSends.get(m.seq()) >= 0) {
                int id = q.waitingSends.get(m.seq());
                q.waitingSends.set(m.seq(), -1);
                Message data = messages.get(id);
                engine.sendMessage(now, data.key().src(), data.key().dst(), data.key().size(), id);
            }
            return;
        }
        q.arrivals.set(m.seq(), now);
        Npu sender = npus[m.sendNpu()];
        sender.complete(m.sendNode(), now); // a send completes when its message arrives (CommonNetworkApi.cc)
        sender.pass(now);
        if (m.seq() < q.receives.size()) {
            Npu receiver = npus[m.key().dst()];
            receiver.complete(q.receives.get(m.seq()), now);
            receiver.pass(now);
        }
    }

    private CollectivePlan plan(EtGraph g, EtNode node, CollectiveType type) {
        PlanKey key = new PlanKey(node.commSize(), type, involvedMask(node, net));
        CollectivePlan p = plans.get(key);
        if (p == null) {
            try {
                p = CollectivePlanner.plan(net, sys, Semantics.V2, type, key.bytes(), LogicalLayout.IDENTITY, key.involved());
            } catch (InputException e) {
                throw at(g, node, e.getMessage());
            }
            plans.put(key, p);
        }
        return p;
    }

    private static InputException at(EtGraph g, EtNode node, String message) {
        return new InputException(g.file() + ": node " + g.idOf(node) + " (" + EtNode.typeName(node.type())
                + "): " + message);
    }

    /** One NPU executing its graph. */
    private final class Npu {
        final int rank;
        final EtGraph g;
        final int[] left;
        final IntHeap ready = new IntHeap();
        int[] scratch = new int[16];
        boolean passing;
        boolean cpuBusy;
        boolean computeBusy;
        boolean commBusy;
        int inFlight;
        boolean finished;
        long finishNs;
        long ticsGpu;
        long wall;
        final long[] issuedAt;
        final byte[] state; // 0 waiting, 1 ready, 2 issued, 3 done
        final byte[] nodeClass;
        final Intervals[] classes = new Intervals[5];
        int[] collectiveNode = new int[16]; // by system-layer slot
        final Map<Long, Integer> groupCount = new HashMap<>(); // collectives issued per group
        // roofline statistics
        double rfDenominator = 1;
        double rfBound;
        double rfUtil;
        double rfMem;
        double rfIntensity;
        boolean rooflineSeen;

        Npu(int rank, EtGraph g) {
            this.rank = rank;
            this.g = g;
            this.left = g.parentCount().clone();
            this.issuedAt = new long[g.size()];
            this.state = new byte[g.size()];
            this.nodeClass = new byte[g.size()];
            Arrays.fill(nodeClass, (byte) -1); // the class a node's interval counts in, set when it is issued
            for (int i = 0; i < left.length; i++) {
                if (left[i] == 0) {
                    ready.add(i);
                    state[i] = 1;
                }
            }
        }

        /** An issue pass (WL:136-150): a snapshot of the ready nodes, ascending id; each issued if its resource is free. */
        void pass(long now) {
            if (finished) return;
            // the snapshot lives in a buffer reused from pass to pass (a pass runs after every completion); a pass
            // inside a pass (not reached today: a collective never completes while it is being issued) gets its own
            int count = ready.size();
            boolean outer = !passing;
            int[] snapshot = outer && scratch.length >= count ? scratch : new int[Math.max(count, 16)];
            if (outer) {
                scratch = snapshot;
                passing = true;
            }
            ready.drainInto(snapshot);
            int keptCount = 0;
            for (int i = 0; i < count; i++) {
                int node = snapshot[i];
                if (!tryIssue(node, now)) snapshot[keptCount++] = node; // kept in place: keptCount <= i
            }
            for (int i = 0; i < keptCount; i++) ready.add(snapshot[i]);
            if (outer) passing = false;
            if (ready.size() == 0 && inFlight == 0 && !cpuBusy && !computeBusy && !commBusy) {
                finished = true;
                finishNs = now;
            }
        }

        private boolean tryIssue(int node, long now) {
            EtNode e = g.nodes()[node];
            int t = e.type();
            boolean cpu = e.cpuOp();
            boolean replayOnly = options.replayOnly();
            // replay-only replays every node before any communication attribute is read (SYS:405-412, WL:213-228)
            if (!replayOnly && cpu && (t == EtNode.COMM_COLL_NODE || t == EtNode.COMM_SEND_NODE || t == EtNode.COMM_RECV_NODE))
                throw at(g, e, "is_cpu_op is set on a communication node (the reference aborts: \"CPU-side communication is "
                        + "not supported\")");
            if (cpu) {
                if (cpuBusy) return false;
            } else if (t == EtNode.COMP_NODE) {
                if (computeBusy) return false;
            } else if (t != EtNode.COMM_RECV_NODE) {
                if (commBusy) return false;
            }
            if (t != EtNode.INVALID_NODE && (t < EtNode.MEM_LOAD_NODE || t > EtNode.COMM_COLL_NODE))
                throw at(g, e, "this node type cannot be executed (the reference aborts on an assertion in its statistics, "
                        + "also in replay-only mode; METADATA nodes and unknown types are not supported)");
            String error = replayOnly ? e.replayError() : e.error();
            if (error != null) throw at(g, e, error);
            issuedAt[node] = now;
            state[node] = 2;
            if (cpu) {
                cpuBusy = true;
                long d = replayNs(e);
                rfDenominator += d;
                finishAfter(node, now, d, CPU);
                return true;
            }
            if (options.replayOnly() && t != EtNode.INVALID_NODE) return replay(node, e, now, t);
            switch (t) {
                case EtNode.COMP_NODE -> {
                    computeBusy = true;
                    if (!options.roofline()) {
                        long d = replayNs(e);
                        ticsGpu += d;
                        finishAfter(node, now, d, GPU);
                        return true;
                    }
                    if (e.numOps() == -1) throw at(g, e, "Attribute num_ops not found (needed with roofline-enabled)");
                    if (e.tensorSize() == -1) throw at(g, e, "Attribute tensor_size not found (needed with roofline-enabled)");
                    if (e.numOps() < 0 || e.tensorSize() < 0)
                        throw at(g, e, "attributes num_ops and tensor_size must be integers (the reference aborts on std::bad_cast)");
                    if (e.tensorSize() == 0) { // skipped: 0 ns, no ticks; children wait for the next pass (SEMANTICS-ET 2.4)
                        classOf(GPU).add(now, now);
                        doneNow(node, now);
                        return true;
                    }
                    if (e.numOps() == 0)
                        throw at(g, e, "num_ops 0 with tensor_size " + e.tensorSize() + ": the roofline time is 0/0 (undefined "
                                + "in the reference)");
                    double oi = (double) e.numOps() / (double) e.tensorSize();
                    double lmb = Units.decimalGBpsToBytesPerSecond(sys.localMemBwGBps());
                    double peak = Units.tflopsToFlopsPerSecond(options.peakPerfTflops());
                    double perf = Math.min(lmb * oi, peak);
                    long d = (long) Units.secondsToNanos(e.numOps() / perf);
                    ticsGpu += d;
                    rooflineSeen = true;
                    rfDenominator += d;
                    if (perf == peak) rfBound += d;
                    rfUtil += d * perf / peak;
                    rfMem += d * (perf / oi) / lmb;
                    rfIntensity += d * oi;
                    finishAfter(node, now, d, GPU);
                }
                case EtNode.COMM_COLL_NODE -> {
                    commBusy = true;
                    issueCollective(node, e, now);
                }
                case EtNode.COMM_SEND_NODE -> {
                    commBusy = true;
                    send(node, e, now);
                }
                case EtNode.COMM_RECV_NODE -> receive(node, e, now);
                case EtNode.MEM_LOAD_NODE, EtNode.MEM_STORE_NODE -> {
                    commBusy = true;
                    access(node, e, now);
                }
                case EtNode.INVALID_NODE -> { // skipped at issue, 0 ns (WL:192-193)
                    classOf(INVALID).add(now, now);
                    doneNow(node, now);
                }
                default -> throw at(g, e, "this node type cannot be executed (the reference aborts on an assertion in its "
                        + "statistics; METADATA nodes and unknown types are not supported)");
            }
            return true;
        }

        private boolean replay(int node, EtNode e, long now, int t) {
            // replay-only (SYS:405-412): every node lasts its recorded duration; SEND holds the comm resource, RECV none
            long d = replayNs(e);
            ticsGpu += d;
            int cls;
            if (t == EtNode.COMP_NODE) {
                computeBusy = true;
                cls = GPU;
            } else if (t == EtNode.COMM_RECV_NODE) {
                cls = COMM;
            } else if (t == EtNode.MEM_LOAD_NODE || t == EtNode.MEM_STORE_NODE) {
                commBusy = true;
                cls = MEM;
            } else {
                commBusy = true;
                cls = t == EtNode.COMM_COLL_NODE || t == EtNode.COMM_SEND_NODE ? COMM : INVALID;
            }
            finishAfter(node, now, d, cls);
            return true;
        }

        /** Recorded duration: µs → ns; 0 µs counts as 1 ns (WL:213-228). */
        private long replayNs(EtNode e) {
            long us = e.durationMicros(); // uint64 in the file
            if (us < 0 || us > Long.MAX_VALUE / 4000)
                throw at(g, e, "duration_micros " + Long.toUnsignedString(us) + " µs is beyond what a run can time (2^63 ns)");
            long d = Units.microsToNanos(us);
            return d == 0 ? 1 : d;
        }

        private void finishAfter(int node, long now, long d, int cls) {
            inFlight++;
            pendingClass(node, cls);
            engine.schedule(now + d, NODE_DONE, rank, node, 0, 0);
        }

        private void doneNow(int node, long now) {
            // completes during the pass: resource released, children ready but outside this pass's snapshot
            inFlight++;
            complete(node, now);
        }

        private void issueCollective(int node, EtNode e, long now) {
            if (e.commType() == -1) throw at(g, e, "Attribute comm_type not found");
            if (e.commType() == EtNode.BROADCAST) { // not simulated: replayed, holding the comm resource (WL:371-387)
                inFlight++;
                pendingClass(node, COMM);
                engine.schedule(now + replayNs(e), NODE_DONE, rank, node, 0, 0);
                return;
            }
            CollectiveType type = collectiveType(e.commType());
            if (type == null)
                throw at(g, e, "Unsupported collective comm type " + EtNode.commTypeName(e.commType())
                        + " (ASTRA-sim 2.0 runs ALL_REDUCE, ALL_GATHER, ALL_TO_ALL, REDUCE_SCATTER; BROADCAST is replayed)");
            if (e.commSize() == -1) throw at(g, e, "Attribute comm_size not found");
            String pg = e.pgName();
            long group = 0;
            CollectivePlan plan;
            if (!pg.isEmpty() && !pg.equals("0")) {
                int[] members = groups.members(pg);
                if (members == null)
                    throw at(g, e, "For rank " + rank + " ET node " + g.idOf(e) + ", communicator group " + pg + " not found"
                            + (groups.groups().isEmpty() ? " (no --comm-group-configuration given)" : " in the group file"));
                boolean member = false;
                for (int m : members) member |= m == rank;
                if (!member)
                    throw at(g, e, "rank " + rank + " uses communicator group " + pg + " " + Arrays.toString(members)
                            + " but is not a member of it (the reference aborts on an assertion)");
                group = Long.parseLong(pg);
                if (members.length == totalNpus) {
                    plan = plan(g, e.withInvolved(-1), type); // the whole network: exactly the default group
                } else {
                    String key = pg + "/" + type + "/" + e.commSize();
                    plan = groupPlans.get(key);
                    if (plan == null) {
                        try {
                            plan = CollectivePlanner.planGroup(net, sys, Semantics.V2, type, e.commSize(), members);
                        } catch (InputException x) {
                            throw at(g, e, x.getMessage());
                        }
                        groupPlans.put(key, plan);
                    }
                }
            } else {
                int dims = net.dimensionCount();
                if (e.involvedCount() >= 0 && e.involvedCount() < dims)
                    warnOnce("involved_dim of node " + g.idOf(e) + " in " + g.file() + " has " + e.involvedCount() + " entries for "
                            + dims + " dimensions; as in the reference's build, the missing entries count as false");
                plan = plan(g, e, type);
            }
            if (plan.phases().isEmpty())
                throw at(g, e, "the collective involves no dimension of more than one NPU (involved_dim "
                        + (e.involvedCount() < 0 ? "absent" : Long.toBinaryString(e.involvedDims())) + "), so it has no chunk "
                        + "and never completes (the reference hangs)");
            int k = groupCount.merge(group, 1, Integer::sum) - 1;
            long slotKey = group << 32 | k;
            Integer slot = slots.get(slotKey);
            String what = "NPU " + rank + "'s collective #" + (k + 1) + (group == 0 ? "" : " in group " + group) + " (node "
                    + g.idOf(e) + ", " + type + " of " + e.commSize() + " bytes)";
            if (slot == null) {
                slot = issuedPlans.size();
                slots.put(slotKey, slot);
                issuedPlans.add(plan);
                issuedBy.add(what);
            } else if (!samePlan(issuedPlans.get(slot), plan)) {
                throw at(g, e, what + " differs from " + issuedBy.get(slot) + "; every NPU of a group must issue the same "
                        + "collectives in the same order (their chunks are matched by a counter; the reference deadlocks)");
            }
            if (slot >= collectiveNode.length) collectiveNode = Arrays.copyOf(collectiveNode, Math.max(slot + 1, collectiveNode.length * 2));
            collectiveNode[slot] = node;
            inFlight++;
            pendingClass(node, COMM);
            engine.issueAs(rank, slot, plan, now, sys.schedulingPolicy());
        }

        private void send(int node, EtNode e, long now) {
            long src = e.commSrc() == EtNode.ABSENT ? rank : e.commSrc();
            if (src != rank)
                throw at(g, e, "comm_src is " + src + " but the node is on rank " + rank + " (\"Send node should be issued by "
                        + "the sender\")");
            P2pKey key = p2pKey(e, "comm_dst", e.commDst(), true);
            int dst = key.dst();
            P2pQueue q = p2p.computeIfAbsent(key, k -> new P2pQueue());
            int seq = q.arrivals.size();
            q.arrivals.add(-1L);
            q.sendNodes.add(g.idOf(e));
            inFlight++;
            pendingClass(node, COMM);
            messages.add(new Message(key, seq, rank, node, false));
            int id = messages.size() - 1;
            if (options.rendezvous()) {
                // rendezvous (SYS:1306-1360): the data leaves once the receiver's 8192-B control message, sent when it
                // posted the matching receive, has arrived
                grow(q.cleared, seq, false);
                if (!q.cleared.get(seq)) {
                    grow(q.waitingSends, seq, -1);
                    q.waitingSends.set(seq, id);
                    return;
                }
            }
            engine.sendMessage(now, rank, dst, e.commSize(), id);
        }

        private void receive(int node, EtNode e, long now) {
            P2pKey key = p2pKey(e, "comm_src", e.commSrc(), false);
            int src = key.src();
            P2pQueue q = p2p.computeIfAbsent(key, k -> new P2pQueue());
            int seq = q.receives.size();
            q.receives.add(node);
            inFlight++;
            pendingClass(node, COMM);
            if (options.rendezvous()) {
                messages.add(new Message(key, seq, src, -1, true));
                engine.sendMessage(now, rank, src, CollectiveEngine.rendezvousBytes(), messages.size() - 1);
            }
            if (seq < q.arrivals.size() && q.arrivals.get(seq) >= 0) {
                engine.schedule(now, NODE_DONE, rank, node, 0, 0); // already arrived: completes at posting time
            }
        }

        /** The matching key of a send (to {@code peer}) or receive (from {@code peer}), its attributes checked. */
        private P2pKey p2pKey(EtNode e, String peerAttr, long peer, boolean sending) {
            if (peer == EtNode.ABSENT) throw at(g, e, "Attribute " + peerAttr + " not found");
            if (e.commTag() == EtNode.ABSENT) throw at(g, e, "Attribute comm_tag not found");
            if (e.commSize() == -1) throw at(g, e, "Attribute comm_size not found");
            if (peer < 0 || peer >= totalNpus)
                throw at(g, e, peerAttr + " " + peer + " is not an NPU of this " + totalNpus + "-NPU network");
            if (peer == rank)
                throw at(g, e, "a " + (sending ? "send to" : "receive from") + " itself (" + peerAttr + " = own rank " + rank
                        + "; the reference aborts)");
            if (e.commSize() == 0) throw at(g, e, "comm_size 0: a 0-byte message (the reference aborts on an assertion)");
            long tag = Math.floorMod(e.commTag(), TAG_MODULUS);
            return sending ? new P2pKey(tag, rank, (int) peer, e.commSize()) : new P2pKey(tag, (int) peer, rank, e.commSize());
        }

        private void access(int node, EtNode e, long now) {
            if (memory.kind() == RemoteMemory.Kind.NO_MEMORY_EXPANSION)
                throw at(g, e, "Remote memory access is not supported in NO_MEMORY_EXPANSION (give a "
                        + "--remote-memory-configuration with another memory-type)");
            if (e.tensorSize() == -1) throw at(g, e, "Attribute tensor_size not found");
            long d = memory.accessNs(e.tensorSize());
            long end;
            switch (memory.kind()) {
                case MEMORY_POOL, PER_NODE_MEMORY_EXPANSION -> {
                    int queue = memory.kind() == RemoteMemory.Kind.MEMORY_POOL ? 0 : rank / memory.npusPerNode();
                    if (queue >= memoryFreeAt.length)
                        throw at(g, e, "rank " + rank + " is in no memory node (num-nodes " + memory.nodes()
                                + " × num-npus-per-node " + memory.npusPerNode() + ")");
                    long start = Math.max(now, memoryFreeAt[queue]); // FIFO: starts when the previous request ends
                    end = start + d;
                    memoryFreeAt[queue] = end;
                }
                default -> end = now + d;
            }
            inFlight++;
            pendingClass(node, MEM);
            engine.schedule(end, NODE_DONE, rank, node, 0, 0);
        }

        private void pendingClass(int node, int cls) {
            nodeClass[node] = (byte) cls;
        }

        /** Node {@code node} completed at {@code now}: its resource is released, its children may become ready. */
        void complete(int node, long now) {
            EtNode e = g.nodes()[node];
            inFlight--;
            state[node] = 3;
            wall = Math.max(wall, now);
            int cls = nodeClass[node];
            int t = e.type();
            if (e.cpuOp()) {
                cpuBusy = false;
            } else if (t == EtNode.COMP_NODE) {
                computeBusy = false;
            } else if (t != EtNode.COMM_RECV_NODE) {
                commBusy = false;
            }
            if (cls >= 0) classOf(cls).add(issuedAt[node], now);
            for (int j = g.childStart()[node]; j < g.childStart()[node + 1]; j++) {
                int child = g.children()[j];
                if (--left[child] == 0) {
                    ready.add(child);
                    state[child] = 1;
                }
            }
        }

        Intervals classOf(int cls) {
            if (classes[cls] == null) classes[cls] = new Intervals();
            return classes[cls];
        }

        String why() {
            List<String> waiting = new ArrayList<>();
            boolean readyLeft = ready.size() > 0;
            for (int i = 0; i < state.length && waiting.size() < 6; i++) {
                if (state[i] == 2) {
                    EtNode e = g.nodes()[i];
                    String what = switch (e.type()) {
                        case EtNode.COMM_RECV_NODE -> "RECV waiting for a message from NPU " + e.commSrc() + " (tag "
                                + e.commTag() + ", " + e.commSize() + " bytes) that no SEND matches";
                        case EtNode.COMM_COLL_NODE -> "collective " + EtNode.commTypeName(e.commType()) + " of "
                                + e.commSize() + " bytes that never completes (its messages do not match the other NPUs')";
                        default -> EtNode.typeName(e.type()) + " still running";
                    };
                    waiting.add("node " + g.idOf(e) + ": " + what);
                }
            }
            if (waiting.isEmpty() && readyLeft) {
                int[] r = new int[ready.size()];
                int k = ready.drainInto(r);
                List<Long> ids = new ArrayList<>();
                for (int i = 0; i < Math.min(k, 6); i++) ids.add(g.idOf(r[i]));
                return "NPU " + rank + " stalled after a skipped node: nodes " + ids + " became ready during an issue pass "
                        + "(children of an INVALID node or a 0-byte roofline COMP) and no later completion issues them";
            }
            return "NPU " + rank + " deadlocked (" + g.file().getFileName() + "): " + String.join("; ", waiting);
        }

        GraphResult.Npu report() {
            long gpu = span(GPU);
            long comm = span(COMM);
            long overlap = (gpu < 0 ? 0 : gpu) + (comm < 0 ? 0 : comm) - wall;
            GraphResult.Roofline rf = options.roofline()
                    ? new GraphResult.Roofline(100 * rfBound / rfDenominator, 100 * rfUtil / rfDenominator,
                    100 * rfMem / rfDenominator, rfIntensity / rfDenominator) : null;
            return new GraphResult.Npu(finishNs, finishNs - ticsGpu, wall, gpu, span(CPU), comm, span(MEM), span(INVALID),
                    overlap, rf);
        }

        private long span(int cls) {
            return classes[cls] == null ? -1 : classes[cls].unionLength();
        }
    }

    private static <T> void grow(List<T> list, int index, T filler) {
        while (list.size() <= index) list.add(filler);
    }

    private final java.util.Set<String> warned = new java.util.HashSet<>();

    private void warnOnce(String w) {
        if (warned.size() < 20 && warned.add(w)) warnings.add(w);
    }

    /** Closed intervals [start, end] of one node class; their union's length (overlaps merged, ST:77-89). */
    private static final class Intervals {
        long[] start = new long[8];
        long[] end = new long[8];
        int n;

        void add(long s, long e) {
            if (n == start.length) {
                start = Arrays.copyOf(start, n * 2);
                end = Arrays.copyOf(end, n * 2);
            }
            start[n] = s;
            end[n] = e;
            n++;
        }

        long unionLength() {
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) order[i] = i;
            Arrays.sort(order, (a, b) -> start[a] != start[b] ? Long.compare(start[a], start[b]) : Long.compare(end[a], end[b]));
            long total = 0;
            long curS = 0;
            long curE = -1;
            boolean open = false;
            for (int k = 0; k < n; k++) {
                int i = order[k];
                if (!open || start[i] > curE) {
                    if (open) total += curE - curS;
                    curS = start[i];
                    curE = end[i];
                    open = true;
                } else {
                    curE = Math.max(curE, end[i]);
                }
            }
            if (open) total += curE - curS;
            return total;
        }
    }

    /** A min-heap of node indices (= ascending id). */
    private static final class IntHeap {
        private int[] heap = new int[16];
        private int size;

        int size() {
            return size;
        }

        void add(int v) {
            if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
            int i = size++;
            heap[i] = v;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (heap[p] <= heap[i]) break;
                int t = heap[p];
                heap[p] = heap[i];
                heap[i] = t;
                i = p;
            }
        }

        /** Removes every element into {@code out} (at least {@link #size()} long), ascending; returns how many. */
        int drainInto(int[] out) {
            int k = 0;
            while (size > 0) {
                out[k++] = heap[0];
                heap[0] = heap[--size];
                int i = 0;
                while (true) {
                    int l = 2 * i + 1;
                    if (l >= size) break;
                    int m = l + 1 < size && heap[l + 1] < heap[l] ? l + 1 : l;
                    if (heap[i] <= heap[m]) break;
                    int t = heap[m];
                    heap[m] = heap[i];
                    heap[i] = t;
                    i = m;
                }
            }
            return k;
        }

    }
}
