package org.astradse.collective;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.astradse.network.EventQueue;
import org.astradse.network.NetworkConfig;

/**
 * The system layer under v1's barrier (SEMANTICS 4.4, 4.5), on one representative NPU. Every NPU runs the same
 * training loop and, because a chunk leaves a phase only when all NPUs have finished it, every NPU's queues are
 * in the same state at the same time: the whole system is exactly NPU 0's queues, with each phase lasting what
 * {@link PhaseTimer} says. This is the event engine's semantics reduced by that symmetry, not a second model.
 *
 * <p>Same-ns order (SEMANTICS 10 leaves it open): a slot freed at t is refilled after every other event at t, so a
 * chunk that enters the queue at t competes by priority; this reproduces the reference's order of finishes in
 * {@code ex_run_multi__npus-8-*}, where every dimension's phases take equally long.
 *
 * <p>The caller owns the event loop: events of kind {@link #PHASE_END} go to {@link #onPhaseEnd}, {@link #REFILL}
 * to {@link #onRefill}.
 */
public final class BarrierSystem {
    public static final int PHASE_END = EventQueue.FIRST_USER_KIND + 1;
    public static final int REFILL = EventQueue.FIRST_USER_KIND + 2;
    /** Priority of collectives issued with policy HIGHEST (SEMANTICS 4.4). */
    public static final long HIGHEST = 100_000_000L;

    /** Callback when every chunk of a collective has left its last phase. */
    public interface Listener {
        void collectiveFinished(int collective, long now);
    }

    private final EventQueue events;
    private final PhaseTimer timer;
    private final PhaseQueue[][] queues;
    private final QueueAllocator allocator;
    private final int runningLimit;
    private final Listener listener;
    private final List<CollectivePlan> collectives = new ArrayList<>();
    private int[] remaining = new int[16];
    private int[] streamCollective = new int[64];
    private int[] streamChunk = new int[64];
    private int[] streamPhase = new int[64];
    private long[] streamPriority = new long[64];
    private int[][] streamQueue = new int[64][];
    private int streams;
    private final PriorityCounter priorities = new PriorityCounter();

    public BarrierSystem(NetworkConfig net, SystemConfig sys, PhaseTimer timer, int queuesPerDim, EventQueue events,
                         Listener listener) {
        this.events = events;
        this.timer = timer;
        this.listener = listener;
        int levels = LogicalLayout.queueLevels(net);
        this.queues = PhaseQueue.grid(levels, queuesPerDim);
        this.allocator = new QueueAllocator(levels, queuesPerDim);
        this.runningLimit = PhaseQueue.runningLimit(sys, queuesPerDim);
    }

    /**
     * Priority for a collective issued now (SEMANTICS 4.4): a per-NPU counter; LIFO takes it and adds one, FIFO
     * takes it and subtracts one.
     */
    public long nextPriority(SystemConfig.SchedulingPolicy policy) {
        return priorities.take(policy);
    }

    /** Issues a collective at {@code now}: all its chunks enter the queue of their first phase. */
    public int issue(CollectivePlan plan, long now, long priority) {
        int c = collectives.size();
        collectives.add(plan);
        if (c == remaining.length) remaining = Arrays.copyOf(remaining, c * 2);
        remaining[c] = plan.chunkCount();
        int first = streams;
        for (int i = 0; i < plan.chunkCount(); i++) {
            int s = newStream(c, i, priority);
            int phases = plan.phases().size();
            streamQueue[s] = new int[phases];
            for (int p = 0; p < phases; p++) {
                PhasePlan ph = plan.phases().get(p);
                streamQueue[s][p] = allocator.allocate(ph.level(), ph.queueGroup());
            }
        }
        for (int s = first; s < streams; s++) enqueue(s, now);
        return c;
    }

    public void onPhaseEnd(int stream, long now) {
        CollectivePlan plan = collectives.get(streamCollective[stream]);
        int phase = streamPhase[stream];
        PhaseQueue q = queues[plan.phases().get(phase).level()][streamQueue[stream][phase]];
        q.removeRunning(stream);
        streamPhase[stream] = phase + 1;
        if (phase + 1 < plan.phases().size()) {
            enqueue(stream, now);
        } else {
            int c = streamCollective[stream];
            if (--remaining[c] == 0) listener.collectiveFinished(c, now);
        }
        // the freed slot is refilled after every other event of this ns, so chunks entering the queue at the same
        // ns compete for it by priority
        events.schedule(now, REFILL, plan.phases().get(phase).level(), streamQueue[stream][phase], 0, 0);
    }

    public void onRefill(int level, int queue, long now) {
        startWaiting(queues[level][queue], now);
    }

    private void enqueue(int stream, long now) {
        CollectivePlan plan = collectives.get(streamCollective[stream]);
        int phase = streamPhase[stream];
        PhaseQueue q = queues[plan.phases().get(phase).level()][streamQueue[stream][phase]];
        q.insert(stream, streamPriority[stream]);
        startWaiting(q, now);
    }

    private void startWaiting(PhaseQueue q, long now) {
        int stream;
        while ((stream = q.startNext(runningLimit)) >= 0) {
            CollectivePlan plan = collectives.get(streamCollective[stream]);
            int chunk = streamChunk[stream];
            int phase = streamPhase[stream];
            long bytes = plan.phaseInput(phase, plan.chunkBytes()[chunk]);
            long d = timer.durationNs(plan.phases().get(phase), bytes, chunk);
            events.schedule(now + d, PHASE_END, stream, 0, 0, 0);
        }
    }

    private int newStream(int collective, int chunk, long priority) {
        if (streams == streamCollective.length) {
            int n = streams * 2;
            streamCollective = Arrays.copyOf(streamCollective, n);
            streamChunk = Arrays.copyOf(streamChunk, n);
            streamPhase = Arrays.copyOf(streamPhase, n);
            streamPriority = Arrays.copyOf(streamPriority, n);
            streamQueue = Arrays.copyOf(streamQueue, n);
        }
        streamCollective[streams] = collective;
        streamChunk[streams] = chunk;
        streamPhase[streams] = 0;
        streamPriority[streams] = priority;
        return streams++;
    }
}
