package org.astradse.collective;

import java.util.Arrays;

/**
 * One queue of a dimension on one NPU (SEMANTICS 4.4): running entries form a prefix, at most
 * {@code limit} of them; the rest wait in order. Insertion scans from the head, skips running entries and
 * waiting entries of priority ≥ the new one's, and inserts before the first other entry — so chunks of one
 * collective stay FIFO and a newer LIFO collective overtakes waiting chunks of older ones.
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

    private int[] streams = new int[8];
    private long[] priorities = new long[8];
    private int size;
    private int running;

    void insert(int stream, long priority) {
        int i = running;
        while (i < size && priorities[i] >= priority) i++;
        if (size == streams.length) {
            streams = Arrays.copyOf(streams, size * 2);
            priorities = Arrays.copyOf(priorities, size * 2);
        }
        System.arraycopy(streams, i, streams, i + 1, size - i);
        System.arraycopy(priorities, i, priorities, i + 1, size - i);
        streams[i] = stream;
        priorities[i] = priority;
        size++;
    }

    /** The next waiting stream made running, or −1 if none may start. */
    int startNext(int limit) {
        if (running >= limit || running >= size) return -1;
        return streams[running++];
    }

    void removeRunning(int stream) {
        for (int i = 0; i < running; i++) {
            if (streams[i] == stream) {
                System.arraycopy(streams, i + 1, streams, i, size - i - 1);
                System.arraycopy(priorities, i + 1, priorities, i, size - i - 1);
                size--;
                running--;
                return;
            }
        }
        throw new IllegalStateException("stream " + stream + " is not running in this queue");
    }
}
