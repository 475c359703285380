package org.astradse.collective;

import org.astradse.network.EventQueue;
import org.astradse.network.NetworkConfig;

/**
 * The system layer under v1's barrier (SEMANTICS 4.4, 4.5), on one representative NPU. Every NPU runs the same
 * training loop and, because a chunk leaves a phase only when all NPUs have finished it, every NPU's queues are
 * in the same state at the same time: the whole system is exactly NPU 0's queues, with each phase lasting what
 * {@link PhaseTimer} says. This is the event engine's semantics reduced by that symmetry, not a second model.
 *
 * <p>Same-ns order (SEMANTICS 10 leaves it open). A chunk moves on as the reference's
 * {@code proceed_to_next_vnet_baseline} does ({@link StreamScheduler}): the freed slot is refilled at once, before
 * the chunk may start in its next queue. Phases that end in the same ns are handled after every other event of
 * that ns (issues of new collectives, finished updates), the newest stream (highest stream number) first: under
 * the reference's barrier the phase ends of a ns are released when their last NPU declares them done, and in the
 * visible reference runs that order is newest first. Both parts are needed: with them every visible 1.0 case is
 * exact, including {@code ex_run_multi__npus-8-*} (all dimensions' phases equally long) and
 * {@code wl_resnet_T3D_3dim_p1} (double-binary-tree phases of equal length ending together on different
 * dimensions, where a refill after all events of the ns put a returning all-gather phase ahead of a waiting
 * reduce-scatter phase and the run ended 61,126 ns early).
 *
 * <p>The caller owns the event loop: events of kind {@link #PHASE_END} go to {@link #onPhaseEnd}.
 */
public final class BarrierSystem {
    public static final int PHASE_END = EventQueue.FIRST_USER_KIND + 1;
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
        // the barrier's answers to the scheduler: a phase ends after its duration
        StreamScheduler.Host host = new StreamScheduler.Host() {
            @Override
            public void startPhase(int npu, int stream, int phase, long now) {
                long d = timer.durationNs(registry.phase(stream, phase), registry.input(stream, phase), registry.chunk(stream));
                // after the other events of its ns, newest stream first (see the class comment)
                events.scheduleLast(now + d, Integer.MAX_VALUE - stream, PHASE_END, stream, 0, 0, 0);
            }

            @Override
            public void collectiveFinished(int npu, int collective, long now) {
                listener.collectiveFinished(collective, now);
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
}
