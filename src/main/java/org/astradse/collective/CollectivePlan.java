package org.astradse.collective;

import java.util.List;

/**
 * How one collective is cut and run, identical on every NPU: chunks of {@code chunkBytes}, each running
 * {@code phases} in order. Queues are chosen when it is issued ({@link QueueAllocator}).
 *
 * @param type        the collective asked for
 * @param chunkCount  number of chunks (streams)
 * @param chunkBytes  bytes of each chunk, per chunk (v1 cuts a smaller last chunk)
 * @param phases      phases of a chunk (inputs computed from the first chunk's size; see {@link #phaseInput})
 * @param warnings    defined-behaviour warnings (e.g. doubleBinaryTree running an all-reduce)
 */
public record CollectivePlan(CollectiveType type, int chunkCount, long[] chunkBytes, List<PhasePlan> phases,
                             List<String> warnings) {

    /** Input bytes of phase {@code p} for a chunk of {@code chunk} bytes (data chaining, SEMANTICS 4.3). */
    public long phaseInput(int p, long chunk) {
        long d = chunk;
        for (int i = 0; i < p; i++) {
            PhasePlan ph = phases.get(i);
            d = ph.type().outputBytes(d, ph.dim().size());
        }
        return d;
    }
}
