package org.astradse.collective;

/**
 * A collective's priority at issue (SEMANTICS 4.4): one counter per NPU, starting at 0 and shared by all its
 * collectives; LIFO takes the counter and adds one (newer collectives overtake waiting older ones), FIFO takes it
 * and subtracts one.
 */
final class PriorityCounter {
    private long next;

    long take(SystemConfig.SchedulingPolicy policy) {
        long p = next;
        next += policy == SystemConfig.SchedulingPolicy.LIFO ? 1 : -1;
        return p;
    }
}
