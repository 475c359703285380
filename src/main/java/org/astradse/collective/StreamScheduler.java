package org.astradse.collective;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One NPU's system-layer queues (SEMANTICS 4.4), used by the event engine (one per simulated NPU) and by the
 * barrier-synchronised system (one for the representative NPU). All chunks of an issued collective enter the queue
 * of their first phase; a queue runs at most ⌈active-chunks / q⌉ chunks, the rest wait in priority order.
 *
 * <p>A chunk that finishes a phase moves on in the order of the reference's {@code proceed_to_next_vnet_baseline}
 * (ASTRA-sim 1.0 and 2.0 system layer): it leaves its queue and is inserted into its next phase's queue; then the
 * freed slot of the old queue is refilled at once ({@code notify_stream_removed}); only then may the new queue
 * start it ({@code notify_stream_added}). So a chunk arriving in a queue competes by priority only with what is
 * still waiting when it arrives: whichever phase end of a ns is handled first decides, which makes the order of
 * simultaneous phase ends a rule of its own (see {@link BarrierSystem}).
 *
 * <p>What a phase does is the host's business: the engine starts a phase algorithm, the barrier system schedules the
 * phase's end after its known duration.
 */
final class StreamScheduler {
    /** What the scheduler asks of its simulation. */
    interface Host {
        /** Stream {@code stream} may start phase {@code phase} now. */
        void startPhase(int npu, int stream, int phase, long now);

        /** Every chunk of collective {@code collective} has left its last phase. */
        void collectiveFinished(int npu, int collective, long now);
    }

    /**
     * The collectives and their streams (chunks), shared by all NPUs: every NPU issues the same collectives in the
     * same order, so the k-th collective and its streams, queues and ring directions are the same everywhere.
     */
    static final class Registry {
        private final QueueAllocator allocator;
        private final List<CollectivePlan> plans = new ArrayList<>();
        private final List<Integer> firstStream = new ArrayList<>();
        private int[] streamCollective = new int[16];
        private int[] streamChunk = new int[16];
        // per stream its phases' queue and direction, flat: stream s's phase p at streamStart[s] + p (one array each
        // rather than two small arrays per stream: a collective of many chunks allocated thousands)
        private int[] streamStart = new int[17];
        private int[] queueOf = new int[64];
        private int[] directionOf = new int[64];
        // and, flat as well, what the event loop reads for every phase: the phase, its queue level and its input bytes
        // (data chaining from the chunk's size, SEMANTICS 4.3) — one array read instead of list and record hops
        private PhasePlan[] phasePlanOf = new PhasePlan[64];
        private int[] levelOf = new int[64];
        private long[] inputOf = new long[64];
        private int streams;

        Registry(int levels, int queuesPerDim) {
            this.allocator = new QueueAllocator(levels, queuesPerDim);
        }

        /** Collective {@code c}, registering it (and choosing its queues) the first time an NPU issues it. */
        private void register(int c, CollectivePlan plan) {
            if (c < plans.size()) return;
            plans.add(plan);
            firstStream.add(streams);
            int phases = plan.phases().size();
            for (int i = 0; i < plan.chunkCount(); i++) {
                if (streams == streamCollective.length) {
                    int n = streams * 2;
                    streamCollective = Arrays.copyOf(streamCollective, n);
                    streamChunk = Arrays.copyOf(streamChunk, n);
                    streamStart = Arrays.copyOf(streamStart, n + 1);
                }
                streamCollective[streams] = c;
                streamChunk[streams] = i;
                int at = streamStart[streams];
                if (at + phases > queueOf.length) {
                    int n = Math.max(queueOf.length * 2, at + phases);
                    queueOf = Arrays.copyOf(queueOf, n);
                    directionOf = Arrays.copyOf(directionOf, n);
                    phasePlanOf = Arrays.copyOf(phasePlanOf, n);
                    levelOf = Arrays.copyOf(levelOf, n);
                    inputOf = Arrays.copyOf(inputOf, n);
                }
                long input = plan.chunkBytes()[i];
                for (int p = 0; p < phases; p++) {
                    PhasePlan ph = plan.phases().get(p);
                    int q = allocator.allocate(ph.level(), ph.queueGroup());
                    queueOf[at + p] = q;
                    directionOf[at + p] = allocator.direction(q, ph.queueGroup());
                    phasePlanOf[at + p] = ph;
                    levelOf[at + p] = ph.level();
                    inputOf[at + p] = input; // data chaining (SEMANTICS 4.3): the previous phase's output
                    input = ph.type().outputBytes(input, ph.dim().size());
                }
                streamStart[streams + 1] = at + phases;
                streams++;
            }
        }

        CollectivePlan plan(int stream) {
            return plans.get(streamCollective[stream]);
        }

        int collective(int stream) {
            return streamCollective[stream];
        }

        int chunk(int stream) {
            return streamChunk[stream];
        }

        int direction(int stream, int phase) {
            return directionOf[streamStart[stream] + phase];
        }

        /** The queue (within its level) stream {@code stream} uses in phase {@code phase}. */
        int queue(int stream, int phase) {
            return queueOf[streamStart[stream] + phase];
        }

        PhasePlan phase(int stream, int phase) {
            return phasePlanOf[streamStart[stream] + phase];
        }

        /** The queue level of stream {@code stream}'s phase {@code phase}. */
        int level(int stream, int phase) {
            return levelOf[streamStart[stream] + phase];
        }

        /** The bytes stream {@code stream} brings into its phase {@code phase}. */
        long input(int stream, int phase) {
            return inputOf[streamStart[stream] + phase];
        }

        /** How many phases stream {@code stream} goes through. */
        int phases(int stream) {
            return streamStart[stream + 1] - streamStart[stream];
        }
    }

    private final Registry registry;
    private final Host host;
    private final int npu;
    private final PhaseQueue[][] queues;
    private final int runningLimit;
    private final PriorityCounter priorities = new PriorityCounter();
    private int issued;
    private int[] phaseOf = new int[16];
    private long[] priorityOf = new long[16];
    private int[] remaining = new int[4];
    private long[] finishedAt = new long[4];

    StreamScheduler(Registry registry, Host host, int npu, int levels, int queuesPerDim, SystemConfig sys) {
        this.registry = registry;
        this.host = host;
        this.npu = npu;
        this.queues = PhaseQueue.grid(levels, queuesPerDim);
        this.runningLimit = PhaseQueue.runningLimit(sys, queuesPerDim);
    }

    /** The next priority under this policy (SEMANTICS 4.4). */
    long nextPriority(SystemConfig.SchedulingPolicy policy) {
        return priorities.take(policy);
    }

    /** Issues this NPU's next collective at {@code now}; returns its index. */
    int issue(CollectivePlan plan, long now, long priority) {
        return issueAs(issued++, plan, now, priority);
    }

    /**
     * Issues collective {@code c} of the shared registry (the first NPU to issue a slot registers it; slots are taken
     * in order) — for NPUs whose collectives are not one common sequence (communicator groups).
     */
    int issueAs(int c, CollectivePlan plan, long now, long priority) {
        registry.register(c, plan);
        if (c >= remaining.length) {
            remaining = Arrays.copyOf(remaining, c * 2 + 2);
            finishedAt = Arrays.copyOf(finishedAt, c * 2 + 2);
        }
        remaining[c] = plan.chunkCount();
        if (plan.phases().isEmpty() || plan.chunkCount() == 0) {
            finishedAt[c] = now;
            host.collectiveFinished(npu, c, now);
            return c;
        }
        int first = registry.firstStream.get(c);
        int end = first + plan.chunkCount();
        if (end > phaseOf.length) {
            phaseOf = Arrays.copyOf(phaseOf, Math.max(end, phaseOf.length * 2));
            priorityOf = Arrays.copyOf(priorityOf, phaseOf.length);
        }
        for (int s = first; s < end; s++) {
            phaseOf[s] = 0;
            priorityOf[s] = priority;
            enqueue(s, now);
        }
        return c;
    }

    /** Stream {@code stream} finished its current phase at {@code now}. */
    void phaseDone(int stream, long now) {
        int phase = phaseOf[stream];
        int level = registry.level(stream, phase);
        int queue = registry.queue(stream, phase);
        queues[level][queue].removeRunning(stream);
        phaseOf[stream] = phase + 1;
        boolean more = phase + 1 < registry.phases(stream);
        if (more) {
            insert(stream);
        } else {
            int c = registry.collective(stream);
            if (--remaining[c] == 0) {
                finishedAt[c] = now;
                host.collectiveFinished(npu, c, now);
            }
        }
        refill(level, queue, now); // the freed slot first
        if (more) refill(registry.level(stream, phase + 1), registry.queue(stream, phase + 1), now);
    }

    /** Starts waiting streams of a queue while it has free slots. */
    void refill(int level, int queue, long now) {
        PhaseQueue q = queues[level][queue];
        int stream;
        while ((stream = q.startNext(runningLimit)) >= 0) host.startPhase(npu, stream, phaseOf[stream], now);
    }

    int phaseOf(int stream) {
        return phaseOf[stream];
    }

    long finishedAt(int collective) {
        return finishedAt[collective];
    }

    private void enqueue(int stream, long now) {
        insert(stream);
        refill(registry.level(stream, phaseOf[stream]), registry.queue(stream, phaseOf[stream]), now);
    }

    /** Puts the stream into the queue of its current phase, by priority. */
    private void insert(int stream) {
        int phase = phaseOf[stream];
        queues[registry.level(stream, phase)][registry.queue(stream, phase)].insert(stream, priorityOf[stream]);
    }
}
