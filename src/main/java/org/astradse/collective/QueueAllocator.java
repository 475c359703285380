package org.astradse.collective;

/**
 * Chooses the queue of each phase when a collective is issued (SEMANTICS 4.4): round-robin over the q queues
 * of the phase's level, persistent across collectives; queues in the upper half send anticlockwise. In v2's
 * localBWAware all-reduce, RS/AR phases take the first half of the queues and AG phases the second half.
 */
final class QueueAllocator {
    static final int ALL = 0;
    static final int FIRST_HALF = 1;
    static final int SECOND_HALF = 2;

    private final int queues;
    private final int half;
    private final int[] next;
    private final int[] nextFirst;
    private final int[] nextLast;

    QueueAllocator(int levels, int queuesPerDim) {
        this.queues = queuesPerDim;
        this.half = queuesPerDim / 2;
        next = new int[levels];
        nextFirst = new int[levels];
        nextLast = new int[levels];
        java.util.Arrays.fill(nextLast, half);
    }

    int allocate(int level, int group) {
        if (queues == 1) return 0;
        int q;
        if (group == FIRST_HALF) {
            q = nextFirst[level];
            nextFirst[level] = q + 1 >= half ? 0 : q + 1;
        } else if (group == SECOND_HALF) {
            q = nextLast[level];
            nextLast[level] = q + 1 == queues ? half : q + 1;
        } else {
            q = next[level];
            next[level] = (q + 1) % queues;
        }
        return q;
    }

    /**
     * +1 clockwise (to the ring successor), −1 anticlockwise: the upper half of the queues; v2 localBWAware all-gather
     * phases (the second-half group) always, also with a single queue — invisible when all NPUs start together, and
     * measured with skewed starts (ET case e256: rings of a 4×4 Ring-Switch network finish in the anticlockwise order).
     */
    int direction(int queue, int group) {
        if (group == SECOND_HALF) return -1;
        return queues > 1 && queue >= half ? -1 : 1;
    }
}
