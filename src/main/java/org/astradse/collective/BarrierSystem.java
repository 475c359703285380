package org.astradse.collective;

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
    private final StreamScheduler.Registry registry;
    private final StreamScheduler scheduler;

    public BarrierSystem(NetworkConfig net, SystemConfig sys, PhaseTimer timer, int queuesPerDim, EventQueue events,
                         Listener listener) {
        this.events = events;
        this.timer = timer;
        int levels = LogicalLayout.queueLevels(net);
        this.registry = new StreamScheduler.Registry(levels, queuesPerDim);
        // the barrier's answers to the scheduler: a phase ends after its duration; refill after this ns's events
        StreamScheduler.Host host = new StreamScheduler.Host() {
            @Override
            public void startPhase(int npu, int stream, int phase, long now) {
                CollectivePlan plan = registry.plan(stream);
                int chunk = registry.chunk(stream);
                long d = timer.durationNs(plan.phases().get(phase), plan.phaseInput(phase, plan.chunkBytes()[chunk]), chunk);
                events.schedule(now + d, PHASE_END, stream, 0, 0, 0);
            }

            @Override
            public void collectiveFinished(int npu, int collective, long now) {
                listener.collectiveFinished(collective, now);
            }

            @Override
            public void refillLater(int npu, int level, int queue, long now) {
                events.schedule(now, REFILL, level, queue, 0, 0);
            }
        };
        this.scheduler = new StreamScheduler(registry, host, 0, levels, queuesPerDim, sys);
    }

    /** Priority for a collective issued now (SEMANTICS 4.4). */
    public long nextPriority(SystemConfig.SchedulingPolicy policy) {
        return scheduler.nextPriority(policy);
    }

    /** Issues a collective at {@code now}: all its chunks enter the queue of their first phase. */
    public int issue(CollectivePlan plan, long now, long priority) {
        return scheduler.issue(plan, now, priority);
    }

    public void onPhaseEnd(int stream, long now) {
        scheduler.phaseDone(stream, now);
    }

    public void onRefill(int level, int queue, long now) {
        scheduler.refill(level, queue, now);
    }
}
