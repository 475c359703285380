package org.astradse.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.astradse.InputException;
import org.astradse.collective.BarrierSystem;
import org.astradse.collective.CollectivePlan;
import org.astradse.collective.CollectivePlanner;
import org.astradse.collective.CollectiveType;
import org.astradse.collective.LogicalLayout;
import org.astradse.collective.PhaseTimer;
import org.astradse.collective.Semantics;
import org.astradse.collective.SystemConfig;
import org.astradse.network.EventQueue;
import org.astradse.network.NetworkConfig;
import org.astradse.workload.CommType;
import org.astradse.workload.Layer;
import org.astradse.workload.Parallelism;
import org.astradse.workload.Workload;

/**
 * Training iterations of a text workload as ASTRA-sim 1.0 runs them (SEMANTICS 6). The per-NPU loop of each
 * parallelism type is first written out as a straight program of primitives — COMPUTE, STEP, ISSUE, BLOCK — since
 * its control flow never depends on time; the program then runs against the barrier-synchronised system layer.
 * A pure function of its inputs; one instance per simulation.
 */
public final class TrainingSimulator {
    private static final int FWD = 0;
    private static final int IG = 1;
    private static final int WG = 2;

    private static final int OP_COMPUTE = 0;
    private static final int OP_STEP = 1;
    private static final int OP_ISSUE = 2;
    private static final int OP_BLOCK = 3;
    private static final int OP_END = 4;

    private static final int POLICY_NONE = 0;
    private static final int POLICY_LIFO = 1;
    private static final int POLICY_FIFO = 2;
    private static final int POLICY_HIGHEST = 3;

    private static final int WAKE = EventQueue.FIRST_USER_KIND + 8;
    private static final int COLLECTIVE_DONE = EventQueue.FIRST_USER_KIND + 9;

    private final Workload workload;
    private final NetworkConfig net;
    private final SystemConfig sys;
    private final RunOptions options;
    private final LogicalLayout layout;
    private final int logicalDims;
    private final List<String> warnings = new ArrayList<>();
    private final PhaseTimer.SharedCache sharedPhases;

    // the program
    private int[] op = new int[64];
    private int[] opLayer = new int[64];
    private int[] opKind = new int[64];
    private long[] opArg = new long[64];
    private int ops;

    // collectives per (layer, kind), planned once
    private final CollectivePlan[][] plans;

    // run state
    private EventQueue events;
    private BarrierSystem system;
    private int pc;
    private long loopEnd = -1;
    private int[][] latest;              // latest issued collective per (layer, kind), -1 none
    private int[] collLayer = new int[64];
    private int[] collKind = new int[64];
    private long[] collIssued = new long[64];
    private boolean[] collDone = new boolean[64];
    private int collectives;
    private int pending;
    private int blockedOn = -1;
    private long blockStart;
    private long lastFinish;
    private long[][] compute;
    private long[][] exposed;
    private long[][] total;
    private long[] issuedCount;

    public TrainingSimulator(Workload workload, NetworkConfig net, SystemConfig sys, RunOptions options) {
        this(workload, net, sys, options, null);
    }

    /** @param sharedPhases phase durations shared with other simulations (a sweep's design points), or null */
    public TrainingSimulator(Workload workload, NetworkConfig net, SystemConfig sys, RunOptions options,
                             PhaseTimer.SharedCache sharedPhases) {
        this.sharedPhases = sharedPhases;
        this.workload = workload;
        this.net = net;
        this.sys = sys;
        this.options = options;
        this.layout = layout(workload, net);
        this.logicalDims = layout.logicalCount(net);
        int n = workload.layers().size();
        this.plans = new CollectivePlan[n][3];
        // token counts against the network, for the collectives this loop creates, before any is planned: an error
        // of the system file (with the implementation key as its field), not of a workload line
        CollectivePlanner.checkImplementations(net, sys, createdTypes(workload, layout));
        planCollectives();
        writeProgram();
    }

    private static LogicalLayout layout(Workload workload, NetworkConfig net) {
        if (!workload.parallelism().transformer()) return LogicalLayout.IDENTITY;
        try {
            return LogicalLayout.forModelParallelGroup(net, workload.modelParallelGroup());
        } catch (InputException e) {
            throw workload.errorAt(workload.groupLine(), "model_parallel_NPU_group", e);
        }
    }

    /** Simulates (SEMANTICS 6) and returns NPU 0's statistics. */
    public static TrainingResult simulate(Workload workload, NetworkConfig net, SystemConfig sys, RunOptions options) {
        return new TrainingSimulator(workload, net, sys, options).run();
    }

    // ---- planning ----------------------------------------------------------------------------------------------

    /** Involved logical dimensions of a collective kind under a parallelism (SEMANTICS 2.5, table 4). */
    private long involved(Parallelism p, int kind, int layerIndex) {
        return involved(layout, p, kind, layerIndex);
    }

    private static long involved(LogicalLayout layout, Parallelism p, int kind, int layerIndex) {
        long all = -1L;
        long none = 0L;
        long dim0 = 1L;
        long upper = all & ~1L;
        int b = layout.breakDim();
        long upToBreak = b < 0 ? 0L : (b >= 63 ? all : (1L << (b + 1)) - 1);
        return switch (p) {
            case DATA, MICRO -> kind == WG ? all : none;
            case HYBRID_DLRM, HYBRID_DLRM_ENHANCED -> kind == WG ? all : (layerIndex == 0 ? all : none);
            case MODEL, DISTRIBUTED_INFERENCE -> kind == WG ? none : all;
            case HYBRID_DATA_MODEL -> kind == WG ? upper : dim0;
            case HYBRID_MODEL_DATA -> kind == WG ? dim0 : upper;
            case HYBRID_TRANSFORMER, HYBRID_TRANSFORMER_FWD_IN_BCKWD -> kind == WG ? all & ~upToBreak : upToBreak;
            case HYBRID_CUSTOMIZED -> throw new IllegalStateException("a layer's own parallelism is used");
        };
    }

    /** The collective types a training loop of {@code workload} on {@code net} creates (its layers' involved ones). */
    public static java.util.Set<CollectiveType> createdTypes(Workload workload, NetworkConfig net) {
        return createdTypes(workload, layout(workload, net));
    }

    private static java.util.Set<CollectiveType> createdTypes(Workload workload, LogicalLayout layout) {
        java.util.Set<CollectiveType> types = java.util.EnumSet.noneOf(CollectiveType.class);
        List<Layer> layers = workload.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            created(types, layout, l, i, FWD, l.fwdType(), l.fwdBytes());
            created(types, layout, l, i, IG, l.igType(), l.igBytes());
            created(types, layout, l, i, WG, l.wgType(), l.wgBytes());
        }
        return types;
    }

    private static void created(java.util.Set<CollectiveType> types, LogicalLayout layout, Layer l, int index, int kind,
                                CommType type, long bytes) {
        if (type == CommType.NONE || type == CommType.ALLREDUCEALLTOALL || bytes == 0) return;
        if (involved(layout, l.parallelism(), kind, index) == 0) return;
        types.add(collectiveType(type));
    }

    private static CollectiveType collectiveType(CommType type) {
        return switch (type) {
            case ALLREDUCE -> CollectiveType.ALL_REDUCE;
            case ALLGATHER -> CollectiveType.ALL_GATHER;
            case REDUCESCATTER -> CollectiveType.REDUCE_SCATTER;
            case ALLTOALL -> CollectiveType.ALL_TO_ALL;
            default -> null;
        };
    }

    private void planCollectives() {
        List<Layer> layers = workload.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            try {
                plans[i][FWD] = plan(l, i, FWD, l.fwdType(), l.fwdBytes());
                plans[i][IG] = plan(l, i, IG, l.igType(), l.igBytes());
                plans[i][WG] = plan(l, i, WG, l.wgType(), l.wgBytes());
            } catch (InputException e) {
                throw workload.errorAt(l.line(), "layer " + l.name(), e);
            }
        }
    }

    private CollectivePlan plan(Layer l, int index, int kind, CommType type, long bytes) {
        if (type == CommType.NONE || bytes == 0) return null;
        long mask = involved(l.parallelism(), kind, index);
        if (mask == 0) return null;
        if (type == CommType.ALLREDUCEALLTOALL)
            throw new InputException("ALLREDUCEALLTOALL is not supported (the reference aborts when it is issued)");
        CollectiveType ct = collectiveType(type);
        Semantics sem = Semantics.forTrainingLoop(sys);
        CollectivePlan p = sharedPhases != null ? sharedPhases.plan(net, sys, sem, ct, bytes, layout, mask)
                : CollectivePlanner.plan(net, sys, sem, ct, bytes, layout, mask);
        for (String w : p.warnings()) if (!warnings.contains(w)) warnings.add(w);
        return p.phases().isEmpty() ? null : p; // no active dimension: never created
    }

    // ---- the program (SEMANTICS 6.2) -----------------------------------------------------------------------------

    private void emit(int code, int layer, int kind, long arg) {
        if (ops == op.length) {
            int n = ops * 2;
            op = Arrays.copyOf(op, n);
            opLayer = Arrays.copyOf(opLayer, n);
            opKind = Arrays.copyOf(opKind, n);
            opArg = Arrays.copyOf(opArg, n);
        }
        op[ops] = code;
        opLayer[ops] = layer;
        opKind[ops] = kind;
        opArg[ops] = arg;
        ops++;
    }

    private void compute(int layer, int kind) {
        Layer l = workload.layers().get(layer);
        emit(OP_COMPUTE, layer, kind, kind == FWD ? l.fwdComputeNs() : kind == IG ? l.igComputeNs() : l.wgComputeNs());
    }

    private void step() {
        emit(OP_STEP, 0, 0, 0);
    }

    private void issue(int layer, int kind, int policy) {
        emit(OP_ISSUE, layer, kind, policy);
    }

    private void block(int layer, int kind) {
        emit(OP_BLOCK, layer, kind, 0);
    }

    private void writeProgram() {
        Parallelism p = workload.parallelism();
        int n = workload.layers().size();
        int passes = options.numPasses();
        if (p == Parallelism.MICRO) {
            for (int i = 0; i < passes; i++) issue(0, WG, POLICY_NONE);
            block(0, WG);
            emit(OP_END, 0, 0, 0);
            return;
        }
        for (int pass = 0; pass < passes; pass++) {
            switch (p) {
                case DATA -> {
                    for (int i = 0; i < n; i++) {
                        block(i, WG);
                        compute(i, FWD);
                        step();
                    }
                    for (int i = n - 1; i >= 0; i--) {
                        compute(i, WG);
                        issue(i, WG, POLICY_NONE);
                        step();
                        if (i > 0) {
                            compute(i, IG);
                            step();
                        }
                    }
                }
                case HYBRID_DLRM, HYBRID_DLRM_ENHANCED -> {
                    int lastBottom = workload.lastBottom();
                    for (int i = 0; i < n; i++) {
                        block(i, WG);
                        compute(i, FWD);
                        if (workload.layers().get(i).fwdType() == CommType.ALLTOALL) issue(i, FWD, POLICY_HIGHEST);
                        if (i == lastBottom) block(0, FWD);
                        step();
                    }
                    for (int i = n - 1; i >= 0; i--) {
                        compute(i, WG);
                        issue(i, WG, POLICY_NONE);
                        step();
                        if (i == 0) {
                            if (p == Parallelism.HYBRID_DLRM) block(0, IG);
                        } else {
                            compute(i, IG);
                            if (i == lastBottom + 1) issue(0, IG, POLICY_HIGHEST);
                            step();
                        }
                    }
                }
                case DISTRIBUTED_INFERENCE -> {
                    for (int i = 0; i < n; i++) forwardStep(i);
                }
                default -> { // MODEL, HYBRID_DATA_MODEL, HYBRID_MODEL_DATA, HYBRID_CUSTOMIZED, HYBRID_TRANSFORMER*
                    for (int i = 0; i < n; i++) forwardStep(i);
                    boolean recompute = p == Parallelism.HYBRID_TRANSFORMER_FWD_IN_BCKWD;
                    for (int i = n - 1; i >= 0; i--) {
                        if (recompute && workload.initiators().contains(i)) {
                            step();
                            int c = -1;
                            for (int cp : workload.checkpoints()) if (cp <= i && cp > c) c = cp;
                            if (c < 0) c = 0;
                            for (int j = c; j < i; j++) forwardStep(j);
                        }
                        compute(i, IG);
                        boolean hasIg = i > 0 || p.transformer();
                        if (hasIg) issue(i, IG, POLICY_LIFO);
                        step();
                        compute(i, WG);
                        issue(i, WG, POLICY_FIFO);
                        if (hasIg) block(i, IG);
                        step();
                    }
                }
            }
        }
        block(0, WG);
        emit(OP_END, 0, 0, 0);
    }

    private void forwardStep(int i) {
        block(i, WG);
        compute(i, FWD);
        issue(i, FWD, POLICY_NONE);
        block(i, FWD);
        step();
    }

    // ---- running ---------------------------------------------------------------------------------------------------

    public TrainingResult run() {
        int n = workload.layers().size();
        events = new EventQueue();
        PhaseTimer timer = new PhaseTimer(net, sys, Semantics.forTrainingLoop(sys), options.injectionScale(), options.rendezvous(), true,
                sharedPhases);
        system = new BarrierSystem(net, sys, timer, options.queuesPerDim(), events, this::lastChunkDone);
        latest = new int[n][3];
        for (int[] l : latest) Arrays.fill(l, -1);
        compute = new long[n][3];
        exposed = new long[n][3];
        total = new long[n][3];
        issuedCount = new long[n];
        interpret(0);
        while (!events.isEmpty()) {
            events.poll();
            long now = events.time();
            switch (events.kind()) {
                case BarrierSystem.PHASE_END -> system.onPhaseEnd(events.a(), now);
                case WAKE -> interpret(now);
                case COLLECTIVE_DONE -> collectiveDone(events.a(), now);
                default -> throw new IllegalStateException("event kind " + events.kind());
            }
        }
        // a time past 2^63 ns wraps negative: the inputs (a latency, size or scale far beyond any system) say so
        if (loopEnd < 0 || lastFinish < 0)
            throw new org.astradse.InputException("the simulated time is beyond what end_to_end_ns can hold (2^63 ns, 292 years): "
                    + "a latency, bandwidth or scale far beyond any system");
        if (pending > 0) throw new IllegalStateException("the training loop did not finish");
        long e2e = Math.max(loopEnd, lastFinish);
        long computeTotal = 0;
        List<LayerStats> stats = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            computeTotal += compute[i][FWD] + compute[i][IG] + compute[i][WG];
            stats.add(new LayerStats(workload.layers().get(i).name(), issuedCount[i], compute[i][FWD], compute[i][WG],
                    compute[i][IG], exposed[i][FWD], exposed[i][WG], exposed[i][IG], total[i][FWD], total[i][WG], total[i][IG]));
        }
        List<String> w = new ArrayList<>(sys.warnings());
        w.addAll(warnings);
        return new TrainingResult(e2e, computeTotal, e2e - computeTotal, net.totalNpus(), List.copyOf(stats),
                timer.simulatedPhases(), List.copyOf(w));
    }

    private void interpret(long now) {
        while (true) {
            int i = pc++;
            switch (op[i]) {
                case OP_COMPUTE -> {
                    compute[opLayer[i]][opKind[i]] += opArg[i];
                    events.schedule(now + opArg[i], WAKE, 0, 0, 0, 0);
                    return;
                }
                case OP_STEP -> {
                    events.schedule(now + 1, WAKE, 0, 0, 0, 0);
                    return;
                }
                case OP_ISSUE -> issue(opLayer[i], opKind[i], (int) opArg[i], now);
                case OP_BLOCK -> {
                    int c = latest[opLayer[i]][opKind[i]];
                    if (c >= 0 && !collDone[c]) {
                        blockedOn = c;
                        blockStart = now;
                        return;
                    }
                }
                case OP_END -> {
                    loopEnd = now;
                    return;
                }
                default -> throw new IllegalStateException("op " + op[i]);
            }
        }
    }

    private void issue(int layer, int kind, int policy, long now) {
        CollectivePlan plan = plans[layer][kind];
        if (plan == null) {
            latest[layer][kind] = -1;
            return;
        }
        long priority = switch (policy) {
            case POLICY_HIGHEST -> BarrierSystem.HIGHEST;
            case POLICY_LIFO -> system.nextPriority(SystemConfig.SchedulingPolicy.LIFO);
            case POLICY_FIFO -> system.nextPriority(SystemConfig.SchedulingPolicy.FIFO);
            default -> system.nextPriority(sys.schedulingPolicy());
        };
        int c = collectives++;
        if (c == collLayer.length) {
            int m = c * 2;
            collLayer = Arrays.copyOf(collLayer, m);
            collKind = Arrays.copyOf(collKind, m);
            collIssued = Arrays.copyOf(collIssued, m);
            collDone = Arrays.copyOf(collDone, m);
        }
        collLayer[c] = layer;
        collKind[c] = kind;
        collIssued[c] = now;
        latest[layer][kind] = c;
        issuedCount[layer]++;
        pending++;
        int id = system.issue(plan, now, priority);
        if (id != c) throw new IllegalStateException("collective ids out of step");
    }

    /** The system's last chunk finished; the collective counts as finished after the layer's update time. */
    private void lastChunkDone(int c, long now) {
        long update = workload.layers().get(collLayer[c]).updateNs();
        events.schedule(now + update, COLLECTIVE_DONE, c, 0, 0, 0);
    }

    private void collectiveDone(int c, long now) {
        collDone[c] = true;
        pending--;
        lastFinish = Math.max(lastFinish, now);
        total[collLayer[c]][collKind[c]] += now - collIssued[c];
        if (blockedOn == c) {
            blockedOn = -1;
            exposed[opLayer[pc - 1]][opKind[pc - 1]] += now - blockStart;
            interpret(now);
        }
    }
}
