package org.astradse.collective;

/**
 * One phase of a chunk: an algorithm over one logical dimension (SEMANTICS 4.3).
 *
 * @param dim        the logical dimension
 * @param type       the collective the algorithm runs (doubleBinaryTree always runs an all-reduce)
 * @param algorithm  the algorithm
 * @param inputBytes bytes per NPU entering the phase (D)
 * @param level      queue level: the logical dimension's index, or the extra last level of {@code one*} dimensions
 * @param queueGroup which queues of the level it may use ({@link QueueAllocator#ALL}, FIRST_HALF, SECOND_HALF)
 */
public record PhasePlan(LogicalDim dim, CollectiveType type, AlgorithmKind algorithm, long inputBytes, int level,
                        int queueGroup) {
}
