package org.astradse.collective;

/**
 * One phase of a chunk: an algorithm over one logical dimension (SEMANTICS 4.3).
 *
 * @param dim        the logical dimension
 * @param type       the collective the algorithm runs (doubleBinaryTree always runs an all-reduce)
 * @param algorithm  the algorithm
 * @param inputBytes bytes per NPU entering the phase (D)
 * @param level      queue level: the physical dimension, or the extra level of {@code one*} dimensions
 */
public record PhasePlan(LogicalDim dim, CollectiveType type, AlgorithmKind algorithm, long inputBytes, int level) {
}
