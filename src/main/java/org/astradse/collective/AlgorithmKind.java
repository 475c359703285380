package org.astradse.collective;

/**
 * The reference's native collective algorithms (SEMANTICS 5), and NVLS: in-switch all-reduce, a model beyond the
 * reference ({@link NvlsAlgorithm}), opt-in by its token.
 */
public enum AlgorithmKind {
    RING, DIRECT, HALVING_DOUBLING, DOUBLE_BINARY_TREE, NVLS
}
