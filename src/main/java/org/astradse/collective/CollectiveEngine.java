package org.astradse.collective;

import java.util.Arrays;
import java.util.List;
import org.astradse.network.AwareNetwork;
import org.astradse.network.EventQueue;
import org.astradse.network.NetworkConfig;
import org.astradse.network.NetworkModel;
import org.astradse.network.Symmetry;
import org.astradse.network.UnawareNetwork;

/**
 * The system layer as a discrete-event simulation: collectives issued on NPUs are cut into chunks (streams)
 * that wait in per-dimension queues and run one phase algorithm per logical dimension (SEMANTICS 4, 5),
 * exchanging messages through a {@link NetworkModel}.
 *
 * <p><b>Symmetric runs.</b> When every NPU provably behaves alike — all issue the same collectives at the same
 * times, each dimension's algorithm is equivariant under a symmetry of that dimension ({@link Symmetry}) and the
 * network is too — only NPU 0 is simulated: a message it sends to member j is delivered back to it as the
 * message from the mirrored member, which by symmetry was sent at the same time over an equivalent path. This
 * changes no number (tests compare both modes) and divides the work by the number of NPUs.
 *
 * <p>An engine is one simulation: single-threaded, no static state; run many in parallel.
 */
public final class CollectiveEngine {
    /** Callback when a collective has finished on an NPU (its last chunk left its last phase). */
    public interface Listener {
        void collectiveFinished(int npu, int collective, long now);
    }

    private static final int TIMER = EventQueue.FIRST_USER_KIND;
    /** The first event kind of a layer above ({@link #schedule}); it receives them through its {@link Extension}. */
    public static final int FIRST_EXTENSION_KIND = TIMER + 1;

    /**
     * A layer above the system layer that shares its clock: a workload graph's own events (compute done, memory done)
     * and point-to-point messages, interleaved with the collectives' events in one time-ordered FIFO queue.
     */
    public interface Extension {
        /** An event scheduled with {@link #schedule}. */
        void onEvent(long now, int kind, int a, int b, int c, int d);

        /** Point-to-point message {@code messageId} sent with {@link #sendMessage} reached NPU {@code dst}. */
        void onMessage(long now, int dst, int messageId);
    }
    private static final long RENDEZVOUS_BYTES = 8192;

    final long endpointDelayNs;
    private final NetworkConfig net;
    private final SystemConfig sys;
    private final Semantics semantics;
    private final NetworkModel network;
    private final org.astradse.network.StatelessNetwork stateless; // the network when contention-free, else null
    private final EventQueue events = new EventQueue();
    private final Symmetry[] symmetry; // per logical dimension; null = full simulation
    private final NpuState[] npus;
    private final StreamScheduler.Registry registry;
    private final boolean checkDuplicates; // v1: a second unmatched send (or receive) of one key aborts the reference
    private Listener listener = (npu, c, now) -> { };
    private Extension extension;
    private int chunkIndexBase; // a run of one chunk stands for this chunk of its collective (runAlone)
    private boolean rendezvous; // v1 rendezvous (SEMANTICS 3.5): an 8192-B control message before each data message

    /** One simulated NPU: its queues, and its phase algorithms per stream (created on first use). */
    private static final class NpuState {
        final StreamScheduler scheduler;
        PhaseAlgorithm[][] algorithms = new PhaseAlgorithm[16][];

        NpuState(StreamScheduler scheduler) {
            this.scheduler = scheduler;
        }
    }

    /** The engine's answers to the scheduler: start a phase algorithm, report. */
    private final StreamScheduler.Host host = new StreamScheduler.Host() {
        @Override
        public void startPhase(int npu, int stream, int phase, long now) {
            algorithm(npu, stream, phase).start(now);
        }

        @Override
        public void collectiveFinished(int npu, int collective, long now) {
            listener.collectiveFinished(npu, collective, now);
        }
    };

    /**
     * @param symmetry one {@link Symmetry} per logical dimension for a symmetric run, or null to simulate every
     *                 NPU; see {@link #symmetryFor}
     * @param aware    congestion-aware network (1-D only) instead of congestion-unaware
     */
    public CollectiveEngine(NetworkConfig net, SystemConfig sys, Semantics semantics, boolean aware,
                            Symmetry[] symmetry, int queuesPerDim, double injectionScale) {
        this.net = net;
        this.sys = sys;
        this.semantics = semantics;
        this.symmetry = symmetry == null ? null : symmetry.clone();
        int levels = LogicalLayout.queueLevels(net);
        this.registry = new StreamScheduler.Registry(levels, queuesPerDim);
        this.checkDuplicates = semantics.phaseBarrier();
        this.endpointDelayNs = (long) (sys.endpointDelayNs() * injectionScale);
        if (net.isV1() && aware) throw new org.astradse.InputException("the congestion-aware model needs a 2.0 network");
        this.network = aware ? new AwareNetwork(net, symmetry == null ? null : symmetry[0])
                : net.isV1() ? new org.astradse.network.V1Network(net) : new UnawareNetwork(net);
        this.stateless = network instanceof org.astradse.network.StatelessNetwork sn ? sn : null;
        int simulated = symmetry == null ? net.totalNpus() : 1;
        this.npus = new NpuState[simulated];
        for (int i = 0; i < simulated; i++) {
            npus[i] = new NpuState(new StreamScheduler(registry, host, i, levels, queuesPerDim, sys));
        }
    }

    /**
     * The per-dimension symmetries under which every NPU behaves alike for these collectives, or null if there
     * is none (doubleBinaryTree and one* algorithms, one dimension run by algorithms of different symmetry,
     * halving-doubling over multi-hop congestion-aware ring links). Ring and direct are translation-equivariant;
     * halving-doubling is XOR-equivariant, which unaware networks and aware FullyConnected/Switch respect.
     */
    public static Symmetry[] symmetryFor(NetworkConfig net, boolean aware, List<CollectivePlan> plans) {
        Symmetry[] sym = new Symmetry[LogicalLayout.queueLevels(net)]; // indexed by logical dimension
        for (CollectivePlan plan : plans) {
            for (PhasePlan ph : plan.phases()) {
                if (ph.dim().index() < 0) {
                    // a one* dimension over all NPUs: direct talks to every other NPU, a set that coordinate-wise
                    // translation preserves together with every message delay; ring and halving-doubling partners
                    // are not preserved (ids carry across dimensions)
                    if (ph.algorithm() != AlgorithmKind.DIRECT) return null;
                    continue;
                }
                Symmetry s = switch (ph.algorithm()) {
                    case RING, DIRECT, NVLS -> Symmetry.TRANSLATION;
                    case HALVING_DOUBLING -> Symmetry.XOR;
                    case DOUBLE_BINARY_TREE -> null;
                };
                if (s == null) return null;
                int k = ph.dim().index();
                if (sym[k] != null && sym[k] != s) return null;
                if (aware && s == Symmetry.XOR && net.dimension(0).topology() == org.astradse.network.TopologyKind.RING
                        && net.dimension(0).npus() > 3) return null;
                sym[k] = s;
            }
        }
        for (int k = 0; k < sym.length; k++) {
            if (sym[k] == null) sym[k] = Symmetry.TRANSLATION; // unused dimension
        }
        return sym;
    }

    /** Finish time of one collective on every NPU id, and whether one representative stood for all. */
    public record Alone(long[] finishNs, boolean symmetric) {
        public long latest() {
            long max = 0;
            for (long f : finishNs) max = Math.max(max, f);
            return max;
        }
    }

    /**
     * Runs one collective issued on every NPU at time 0 — the single-collective command, and one phase timed in
     * isolation — on the symmetric shortcut where it is exact (unless {@code allowSymmetry} is false).
     *
     * @param chunkIndexBase the plan's first chunk stands for this chunk of its collective (tree choice)
     */
    public static Alone runAlone(NetworkConfig net, SystemConfig sys, Semantics semantics, boolean aware, CollectivePlan plan,
                                 double injectionScale, boolean rendezvous, boolean allowSymmetry, int chunkIndexBase) {
        Symmetry[] symmetry = allowSymmetry ? symmetryFor(net, aware, List.of(plan)) : null;
        CollectiveEngine engine = new CollectiveEngine(net, sys, semantics, aware, symmetry, 1, injectionScale);
        engine.chunkIndexBase = chunkIndexBase;
        engine.rendezvous = rendezvous;
        for (int npu = 0; npu < engine.simulatedNpus(); npu++) engine.issue(npu, plan, 0, sys.schedulingPolicy());
        engine.run();
        long[] finish = new long[net.totalNpus()];
        if (engine.symmetric()) {
            Arrays.fill(finish, engine.finishedAt(0, 0));
        } else {
            for (int npu = 0; npu < finish.length; npu++) finish[npu] = engine.finishedAt(npu, 0);
        }
        return new Alone(finish, engine.symmetric());
    }

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    /** Number of NPUs simulated one by one (1 in a symmetric run). */
    public int simulatedNpus() {
        return npus.length;
    }

    public boolean symmetric() {
        return symmetry != null;
    }

    /**
     * Issues the next collective of simulated NPU {@code npu} at {@code now}. Every NPU must issue the same
     * sequence of collectives; the k-th collective of each NPU is the same one.
     *
     * @param priorityPolicy LIFO or FIFO priority (SEMANTICS 4.4)
     * @return the collective's index
     */
    public int issue(int npu, CollectivePlan plan, long now, SystemConfig.SchedulingPolicy priorityPolicy) {
        StreamScheduler scheduler = npus[npu].scheduler;
        return scheduler.issue(plan, now, scheduler.nextPriority(priorityPolicy));
    }

    public void setExtension(Extension extension) {
        this.extension = extension;
    }

    /** Schedules an event of the layer above (kind ≥ {@link #FIRST_EXTENSION_KIND}), FIFO among same-time events. */
    public void schedule(long at, int kind, int a, int b, int c, int d) {
        if (kind < FIRST_EXTENSION_KIND) throw new IllegalArgumentException("kind " + kind);
        events.schedule(at, kind, a, b, c, d);
    }

    /**
     * Sends a point-to-point message of {@code bytes} from {@code src} to {@code dst} now, timed by the network like a
     * collective's message; its arrival calls {@link Extension#onMessage}. (The layer above runs its own rendezvous.)
     */
    public void sendMessage(long now, int src, int dst, long bytes, int messageId) {
        network.send(events, now, src, dst, bytes, dst, -1 - messageId, 0, src);
    }

    /** The rendezvous control message's size, bytes (SEMANTICS 3.5). */
    public static long rendezvousBytes() {
        return RENDEZVOUS_BYTES;
    }

    /** Turns the rendezvous protocol on (an 8192-B control message before every data message, SEMANTICS 3.5). */
    public void setRendezvous(boolean rendezvous) {
        this.rendezvous = rendezvous;
    }

    /**
     * Issues collective slot {@code slot} on simulated NPU {@code npu}: like {@link #issue}, for workloads whose NPUs
     * issue different sequences (communicator groups). Slots are numbered in the order of their first issue; every
     * NPU issuing a slot must issue the same plan. The listener reports the slot.
     */
    public void issueAs(int npu, int slot, CollectivePlan plan, long now, SystemConfig.SchedulingPolicy priorityPolicy) {
        StreamScheduler scheduler = npus[npu].scheduler;
        scheduler.issueAs(slot, plan, now, scheduler.nextPriority(priorityPolicy));
    }

    /** Runs events until none is left. */
    public void run() {
        EventQueue q = events;
        while (!q.isEmpty()) {
            q.poll();
            long now = q.time();
            switch (q.kind()) {
                case EventQueue.DELIVER -> {
                    if (q.b() >= 0) algorithm(q.a(), q.b(), q.c()).arrive(now, q.d());
                    else extension.onMessage(now, q.a(), -1 - q.b());
                }
                case EventQueue.HOP -> network.onHop(q, now, q.a());
                case TIMER -> npus[q.a()].algorithms[q.b()][q.c()].onTimer(now, q.d());
                default -> {
                    if (extension == null) throw new IllegalStateException("event kind " + q.kind());
                    extension.onEvent(now, q.kind(), q.a(), q.b(), q.c(), q.d());
                }
            }
        }
    }

    /** When collective {@code c} finished on simulated NPU {@code npu}. */
    public long finishedAt(int npu, int c) {
        return npus[npu].scheduler.finishedAt(c);
    }

    int chunkIndex(int stream) {
        return registry.chunk(stream) + chunkIndexBase;
    }

    Semantics semantics() {
        return semantics;
    }

    /** Whether messages are timed without contention (the 1.0 and 2.0 congestion-unaware models). */
    boolean contentionFree() {
        return stateless != null;
    }

    long reductionDelayNs(long bytes) {
        return semantics.reductionDelayNs(bytes, sys);
    }

    /** Whether sends and posted receives are matched as the 1.0 network does, aborting on a duplicate (v1, SEMANTICS 8 #8). */
    boolean checksDuplicates() {
        return checkDuplicates;
    }

    org.astradse.InputException duplicate(PhaseAlgorithm from, int peerIndex, long bytes) {
        return new org.astradse.InputException("duplicate in-flight message: NPU " + from.npu + " sends a second "
                + bytes + "-byte message of chunk " + chunkIndex(from.stream) + " to NPU " + from.npuOf(peerIndex)
                + " before NPU " + from.npuOf(peerIndex) + " has posted the receive for the first (the reference aborts"
                + " here: its send/receive tracking keeps one entry per tag, source, destination and size; seen with one*"
                + " algorithms over dimensions of different speed)");
    }

    org.astradse.InputException duplicateReceive(PhaseAlgorithm at, int peerIndex) {
        return new org.astradse.InputException("duplicate posted receive: NPU " + at.npu + " posts a second receive"
                + " of chunk " + chunkIndex(at.stream) + " from NPU " + at.npuOf(peerIndex) + " before NPU "
                + at.npuOf(peerIndex) + " has sent the first (the reference aborts here: its send/receive tracking keeps"
                + " one entry per tag, source, destination and size)");
    }

    /** Sends a message of the algorithm's phase. */
    void send(PhaseAlgorithm from, long now, int peerIndex, long bytes) {
        if (stateless != null && from.memoPeer == peerIndex && from.memoBytes == bytes) {
            // a contention-free network: the same peer and size as this phase's last message, so the same delay and
            // the same delivery address — the very event the full path below would schedule
            events.schedule(now + from.memoDelayNs, EventQueue.DELIVER, from.memoDeliverTo, from.stream, from.phase,
                    from.memoApparentSrc);
            return;
        }
        int dst = from.npuOf(peerIndex);
        int deliverTo;
        int apparentSrc;
        if (symmetry != null) {
            deliverTo = 0;
            apparentSrc = mirror(from, dst);
        } else {
            deliverTo = dst;
            apparentSrc = from.npu;
        }
        if (checkDuplicates) {
            // the receiver's match entry for this sender; in a symmetric run NPU 0 stands for it, the mirrored
            // member for the sender (the entry the reference would see, by the same symmetry)
            PhaseAlgorithm target = algorithm(deliverTo, from.stream, from.phase);
            target.noteSend((apparentSrc - target.base) / target.stride, from, peerIndex, bytes);
        }
        if (rendezvous && stateless == null)
            throw new org.astradse.InputException("--rendezvous-protocol with the congestion-aware network is supported for "
                    + "sends and receives only, not for collectives (not characterised); use --congestion unaware");
        long leave = rendezvous ? now + network.controlDelayNs(dst, from.npu, RENDEZVOUS_BYTES) : now;
        long arrival = network.send(events, leave, from.npu, dst, bytes, deliverTo, from.stream, from.phase, apparentSrc);
        if (stateless != null && !checkDuplicates) {
            from.memoPeer = peerIndex;
            from.memoBytes = bytes;
            from.memoDelayNs = arrival - now;
            from.memoDeliverTo = deliverTo;
            from.memoApparentSrc = apparentSrc;
        }
    }

    /** In a symmetric run: the NPU whose message to 0 is the image of 0's message to {@code npu} (an involution). */
    private int mirror(PhaseAlgorithm alg, int npu) {
        PhasePlan ph = registry.phase(alg.stream, alg.phase);
        if (ph.dim().index() < 0) return net.negatedCoordinates(npu);
        return alg.npuOf(symmetry[ph.dim().index()].mirror((npu - alg.base) / alg.stride, alg.n));
    }

    void timer(PhaseAlgorithm alg, long at, int token) {
        events.schedule(at, TIMER, alg.npu, alg.stream, alg.phase, token);
    }

    void phaseDone(PhaseAlgorithm alg, long now) {
        npus[alg.npu].algorithms[alg.stream][alg.phase] = null; // done; nothing more arrives for it
        npus[alg.npu].scheduler.phaseDone(alg.stream, now);
    }

    private PhaseAlgorithm algorithm(int npu, int stream, int phase) {
        NpuState s = npus[npu];
        if (stream >= s.algorithms.length) s.algorithms = Arrays.copyOf(s.algorithms, Math.max(stream + 1, s.algorithms.length * 2));
        PhaseAlgorithm[] perPhase = s.algorithms[stream];
        if (perPhase == null) {
            perPhase = new PhaseAlgorithm[registry.phases(stream)];
            s.algorithms[stream] = perPhase;
        }
        PhaseAlgorithm a = perPhase[phase];
        if (a == null) {
            PhasePlan ph = registry.phase(stream, phase);
            a = switch (ph.algorithm()) {
                case RING -> new RingAlgorithm();
                case DIRECT -> new DirectAlgorithm();
                case HALVING_DOUBLING -> new HalvingDoublingAlgorithm();
                case DOUBLE_BINARY_TREE -> new DoubleBinaryTreeAlgorithm();
                case NVLS -> new NvlsAlgorithm();
            };
            a.init(this, npu, stream, phase, ph.dim(), registry.direction(stream, phase), registry.input(stream, phase), ph.type());
            perPhase[phase] = a;
        }
        return a;
    }
}
