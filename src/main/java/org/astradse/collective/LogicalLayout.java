package org.astradse.collective;

import org.astradse.InputException;
import org.astradse.network.NetworkConfig;

/**
 * How physical dimensions become logical ones (SEMANTICS 2.5): one to one, except that one physical dimension may
 * be split into two logical dimensions of sizes {@code firstSize} and n/firstSize (both run that dimension's
 * implementation token and get their own queue level).
 *
 * @param splitPhysical the physical dimension split in two, or −1
 * @param firstSize     members of the first (inner) half
 * @param breakDim      the last logical dimension of the model-parallel group (−1 if none)
 */
public record LogicalLayout(int splitPhysical, int firstSize, int breakDim) {
    public static final LogicalLayout IDENTITY = new LogicalLayout(-1, 0, -1);

    /**
     * Queue levels an NPU needs for any layout of this network: one per logical dimension (at most one physical
     * dimension is split, adding one) plus one for {@code one*} dimensions over all NPUs, which take the last level.
     */
    public static int queueLevels(NetworkConfig net) {
        return net.dimensionCount() + 2;
    }

    public int logicalCount(NetworkConfig net) {
        return net.dimensionCount() + (splitPhysical >= 0 ? 1 : 0);
    }

    /**
     * The layout for a model-parallel group of G NPUs: walk the dimensions multiplying their sizes; if the product
     * equals G at dimension i, the break dimension is i; if it first overshoots at i (previous product p), dimension
     * i is split into G/p and n_i/(G/p) and the break is the first half. G = 1 gives −1.
     */
    public static LogicalLayout forModelParallelGroup(NetworkConfig net, int group) {
        if (group < 1) throw new InputException("model_parallel_NPU_group must be >= 1, found " + group);
        if (group == 1) return IDENTITY;
        long p = 1;
        for (int i = 0; i < net.dimensionCount(); i++) {
            int n = net.dimension(i).npus();
            long next = p * n;
            if (next == group) return new LogicalLayout(-1, 0, i);
            if (next > group) {
                if (group % p != 0 || n % (group / p) != 0)
                    throw new InputException("model_parallel_NPU_group " + group + " does not divide the network's dimensions "
                            + "(dimension " + i + " has " + n + " NPUs after a product of " + p + ")");
                return new LogicalLayout(i, (int) (group / p), i);
            }
            p = next;
        }
        throw new InputException("model_parallel_NPU_group " + group + " is larger than the network's " + p + " NPUs");
    }
}
