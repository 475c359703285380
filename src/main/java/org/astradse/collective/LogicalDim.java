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
public record LogicalDim(int index, int size, int stride, AlgorithmToken token, int[] members, int[] position) {
    public LogicalDim(int index, int size, int stride, AlgorithmToken token) {
        this(index, size, stride, token, null, null);
    }

    // written out, with the record's meaning (the arrays compared by reference, as a record's generated methods do):
    // every phase a design point meets hashes its dimension, and the generated methods go through method-handle chains
    @Override
    public int hashCode() {
        int h = 31 * (31 * index + size) + stride;
        h = 31 * h + (token == null ? 0 : token.kind().ordinal() * 31 * 31 + (token.global() ? 31 : 0) + token.window());
        return 31 * (31 * h + System.identityHashCode(members)) + System.identityHashCode(position);
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof LogicalDim d && index == d.index && size == d.size && stride == d.stride
                && members == d.members && position == d.position && java.util.Objects.equals(token, d.token);
    }

    /**
     * A communicator group's ring (SEMANTICS-ET 2.5): the listed NPUs in the listed order, whatever their ids.
     *
     * @param totalNpus NPUs of the network (for the id → member position table)
     */
    public static LogicalDim group(int[] members, int totalNpus, AlgorithmToken token) {
        int[] position = new int[totalNpus];
        java.util.Arrays.fill(position, -1);
        for (int i = 0; i < members.length; i++) position[members[i]] = i;
        return new LogicalDim(0, members.length, 0, token, members.clone(), position);
    }

    /** Whether the members are an explicit list (a communicator group) instead of base + i·stride. */
    public boolean listed() {
        return members != null;
    }

    public int base(int npu) {
        if (members != null) return 0;
        int span = stride * size;
        return npu - (npu % span) + (npu % stride);
    }

    public int indexOf(int npu) {
        if (members != null) return position[npu];
        return (npu % (stride * size)) / stride;
    }
}
