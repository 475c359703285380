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
    public int base(int npu) {
        int span = stride * size;
        return npu - (npu % span) + (npu % stride);
    }

    public int indexOf(int npu) {
        return (npu % (stride * size)) / stride;
    }
}
