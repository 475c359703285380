package org.astradse.collective;

import java.util.Arrays;

/**
 * One queue of a dimension on one NPU (SEMANTICS 4.4): at most {@code limit} entries run; the rest wait in order. A new
 * entry goes after the waiting entries of priority ≥ its own and before the others — so chunks of one collective stay
 * FIFO and a newer LIFO collective overtakes waiting chunks of older ones.
 */
final class PhaseQueue {
    /** The queues of one NPU: {@code queuesPerDim} per level. */
    static PhaseQueue[][] grid(int levels, int queuesPerDim) {
        PhaseQueue[][] q = new PhaseQueue[levels][queuesPerDim];
        for (PhaseQueue[] level : q) for (int i = 0; i < queuesPerDim; i++) level[i] = new PhaseQueue();
        return q;
    }

    /** Chunks running at once per queue: ⌈active-chunks-per-dimension / q⌉ (SEMANTICS 4.4). */
    static int runningLimit(SystemConfig sys, int queuesPerDim) {
        return (sys.activeChunksPerDim() + queuesPerDim - 1) / queuesPerDim;
    }

    // Waiting entries are kept in reverse queue order — the head (next to start) last — so that the common insertions
    // cost O(1) moves: under LIFO a new collective's first chunk outranks everything waiting (appended at the end), and
    // its other chunks go just before their equals. The running entries (at most the running limit) are an unordered
    // set: nothing depends on their order.
    private int[] waiting = new int[8];
    private long[] waitingPriority = new long[8];
    private int size;
    private int[] running = new int[2];
    private int runningCount;

    /**
     * Queues {@code stream}: after every waiting entry of priority ≥ {@code priority} (chunks of one collective stay
     * FIFO), before the others.
     */
    void insert(int stream, long priority) {
        // reverse order: ascending priority, equals newest first — the slot is the first entry of priority >= this one
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (waitingPriority[mid] < priority) lo = mid + 1;
            else hi = mid;
        }
        if (size == waiting.length) {
            waiting = Arrays.copyOf(waiting, size * 2);
            waitingPriority = Arrays.copyOf(waitingPriority, size * 2);
        }
        System.arraycopy(waiting, lo, waiting, lo + 1, size - lo);
        System.arraycopy(waitingPriority, lo, waitingPriority, lo + 1, size - lo);
        waiting[lo] = stream;
        waitingPriority[lo] = priority;
        size++;
    }

    /** The next waiting stream made running, or −1 if none may start. */
    int startNext(int limit) {
        if (runningCount >= limit || size == 0) return -1;
        int s = waiting[--size];
        if (runningCount == running.length) running = Arrays.copyOf(running, runningCount * 2);
        running[runningCount++] = s;
        return s;
    }

    void removeRunning(int stream) {
        for (int i = 0; i < runningCount; i++) {
            if (running[i] == stream) {
                running[i] = running[--runningCount];
                return;
            }
        }
        throw new IllegalStateException("stream " + stream + " is not running in this queue");
    }
}
