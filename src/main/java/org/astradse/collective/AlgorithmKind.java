package org.astradse.collective;

/** The reference's native collective algorithms (SEMANTICS 5). */
public enum AlgorithmKind {
    RING, DIRECT, HALVING_DOUBLING, DOUBLE_BINARY_TREE
}
