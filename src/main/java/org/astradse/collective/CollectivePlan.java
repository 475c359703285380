package org.astradse.collective;

import java.util.List;

/**
 * How one collective is cut and run, identical on every NPU: chunks of {@code chunkBytes}, each running
 * {@code phases} in order. Queues are chosen when it is issued ({@link QueueAllocator}).
 *
 * @param type        the collective asked for
 * @param chunkCount  number of chunks (streams)
 * @param chunkBytes  bytes of each chunk, per chunk (v1 cuts a smaller last chunk)
 * @param phases      phases of a chunk (each phase's input is the previous one's output, from the chunk's size: data
 *                    chaining, SEMANTICS 4.3; worked out per stream when it is registered, StreamScheduler.Registry)
 * @param warnings    defined-behaviour warnings (e.g. doubleBinaryTree running an all-reduce)
 */
public record CollectivePlan(CollectiveType type, int chunkCount, long[] chunkBytes, List<PhasePlan> phases,
                             List<String> warnings) {

}
