package org.astradse.collective;

/**
 * A logical dimension: the members an algorithm runs over (SEMANTICS 4.2). For NPU id, with
 * {@code offset = stride}: base = id − (id mod offset·n) + (id mod offset); members base + i·offset;
 * own index (id mod offset·n)/offset. A {@code one*} token makes one logical dimension over all NPUs
 * (offset 1, index −1).
 *
 * @param index    the logical dimension's index (its queue level), or −1 for a {@code one*} dimension over all NPUs
 * @param size     members n
 * @param stride   id distance between consecutive members
 * @param token    the implementation token that runs on it
 */
public record LogicalDim(int index, int size, int stride, AlgorithmToken token) {
    // written out: the generated record methods go through invokedynamic method-handle chains whose JIT compilation
    // adds to a sweep's start-up CPU (these are hash keys on the hot path)
    @Override
    public boolean equals(Object other) {
        if (this == other) return true;
        if (!(other instanceof LogicalDim o)) return false;
        return index == o.index && size == o.size && stride == o.stride && java.util.Objects.equals(token, o.token);
    }

    @Override
    public int hashCode() {
        int h = index;
        h = 31 * h + size;
        h = 31 * h + stride;
        h = 31 * h + java.util.Objects.hashCode(token);
        return h;
    }

    public int base(int npu) {
        int span = stride * size;
        return npu - (npu % span) + (npu % stride);
    }

    public int indexOf(int npu) {
        return (npu % (stride * size)) / stride;
    }
}
