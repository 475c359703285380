package org.astradse.collective;

import java.util.ArrayList;
import java.util.List;
import org.astradse.network.InputException;
import org.astradse.network.NetworkConfig;

/** Cuts a collective into chunks and phases (SEMANTICS 4.1–4.4), validating what the reference cannot run. */
public final class CollectivePlanner {
    private CollectivePlanner() {
    }

    /**
     * Logical dimensions for the implementation of {@code type}: one per token over the physical dimension
     * with the same index, or one over all NPUs for a {@code one*} token.
     */
    public static List<LogicalDim> logicalDims(NetworkConfig net, SystemConfig sys, CollectiveType type,
                                               List<String> warnings) {
        List<AlgorithmToken> tokens = sys.implementation(type);
        String key = SystemConfig.implementationKey(type);
        List<LogicalDim> dims = new ArrayList<>();
        if (tokens.get(0).global()) {
            if (tokens.size() > 1)
                warnings.add(key + ": only the first token '" + tokens.get(0) + "' is used; a one* token spans all NPUs");
            dims.add(new LogicalDim(-1, net.totalNpus(), 1, tokens.get(0)));
            return dims;
        }
        int physical = net.dimensionCount();
        for (int k = 0; k < tokens.size(); k++) {
            if (tokens.get(k).global())
                throw new InputException(key + ": token " + (k + 1) + " '" + tokens.get(k) + "' spans all NPUs and must be "
                        + "the only token");
        }
        if (tokens.size() > physical)
            throw new InputException(key + ": " + tokens.size() + " implementation tokens " + tokens + " for a network of "
                    + physical + " dimension(s); expected exactly " + physical);
        if (tokens.size() < physical) {
            if (tokens.stream().anyMatch(t -> t.kind() == AlgorithmKind.DOUBLE_BINARY_TREE))
                throw new InputException(key + ": " + tokens.size() + " implementation tokens " + tokens + " for a network of "
                        + physical + " dimensions; expected exactly " + physical + " (the reference crashes here with a "
                        + "doubleBinaryTree token)");
            warnings.add(key + ": " + tokens.size() + " tokens for " + physical + " dimensions; only the first "
                    + tokens.size() + " dimension(s) run the collective, as in the reference");
        }
        for (int k = 0; k < tokens.size(); k++) {
            dims.add(new LogicalDim(k, net.dimension(k).npus(), net.stride(k), tokens.get(k)));
        }
        return dims;
    }

    /**
     * Plans a collective of {@code sizeBytes} per NPU issued on every NPU.
     *
     * @param queuesPerDim num-queues-per-dim (≥ 1)
     */
    public static CollectivePlan plan(NetworkConfig net, SystemConfig sys, Semantics sem, CollectiveType type,
                                      long sizeBytes, int queuesPerDim) {
        if (sizeBytes <= 0) throw new InputException("collective size must be a positive number of bytes, got " + sizeBytes);
        if (queuesPerDim < 1) throw new InputException("num-queues-per-dim must be >= 1, got " + queuesPerDim);
        List<String> warnings = new ArrayList<>();
        List<LogicalDim> dims = logicalDims(net, sys, type, warnings);
        List<LogicalDim> active = dims.stream().filter(d -> d.size() > 1).toList();
        int levels = net.dimensionCount() + 1;

        // chunking (SEMANTICS 4.1)
        int splits = sys.preferredSplits();
        long chunk = sizeBytes / splits;
        long[] chunkBytes;
        if (sem.fullLastChunk()) {
            long size = sizeBytes;
            if (type != CollectiveType.ALL_GATHER && chunk < net.totalNpus()) {
                chunk = net.totalNpus();
                size = splits * chunk;
            }
            if (chunk == 0)
                throw new InputException("all-gather of " + sizeBytes + " bytes with preferred-dataset-splits " + splits
                        + " gives 0-byte chunks; the size must be at least the number of splits");
            int count = (int) ((size + chunk - 1) / chunk);
            chunkBytes = new long[count];
            java.util.Arrays.fill(chunkBytes, chunk);
        } else {
            if (chunk == 0)
                throw new InputException("a collective of " + sizeBytes + " bytes with preferred-dataset-splits " + splits
                        + " gives 0-byte chunks (the reference loops forever); the size must be at least the number of splits");
            int count = (int) ((sizeBytes + chunk - 1) / chunk);
            chunkBytes = new long[count];
            long remaining = sizeBytes;
            for (int i = 0; i < count; i++) {
                chunkBytes[i] = Math.min(chunk, remaining);
                remaining -= chunkBytes[i];
            }
        }

        // phases (SEMANTICS 4.3)
        List<PhasePlan> phases = new ArrayList<>();
        boolean localAr = type == CollectiveType.ALL_REDUCE
                && sys.optimization() == SystemConfig.CollectiveOptimization.LOCAL_BW_AWARE;
        List<CollectiveType> phaseTypes = new ArrayList<>();
        List<LogicalDim> phaseDims = new ArrayList<>();
        int k = active.size();
        if (localAr && k > 0) {
            for (int i = 0; i < k - 1; i++) {
                phaseDims.add(active.get(i));
                phaseTypes.add(CollectiveType.REDUCE_SCATTER);
            }
            phaseDims.add(active.get(k - 1));
            phaseTypes.add(CollectiveType.ALL_REDUCE);
            for (int i = k - 2; i >= 0; i--) {
                phaseDims.add(active.get(i));
                phaseTypes.add(CollectiveType.ALL_GATHER);
            }
        } else {
            for (int i = 0; i < k; i++) {
                phaseDims.add(type == CollectiveType.ALL_GATHER ? active.get(k - 1 - i) : active.get(i));
                phaseTypes.add(type);
            }
        }
        long d = chunkBytes[0];
        for (int p = 0; p < phaseDims.size(); p++) {
            LogicalDim dim = phaseDims.get(p);
            CollectiveType pt = phaseTypes.get(p);
            AlgorithmToken tok = dim.token();
            int n = dim.size();
            String where = SystemConfig.implementationKey(type) + " token '" + tok + "' on a dimension of " + n + " NPUs";
            switch (tok.kind()) {
                case HALVING_DOUBLING -> {
                    if (pt == CollectiveType.ALL_TO_ALL)
                        throw new InputException(where + ": halvingDoubling has no all-to-all (the reference stops with "
                                + "\"unknown communication type\"); use ring or direct");
                    if (Integer.bitCount(n) != 1)
                        throw new InputException(where + ": halvingDoubling needs a power-of-two number of NPUs");
                }
                case DOUBLE_BINARY_TREE -> {
                    if (Integer.bitCount(n) != 1)
                        throw new InputException(where + ": doubleBinaryTree needs a power-of-two number of NPUs");
                    if (pt != CollectiveType.ALL_REDUCE) {
                        if (!localAr)
                            warnings.add(where + ": doubleBinaryTree only implements all-reduce; as in the reference, "
                                    + "this " + pt + " runs an all-reduce of the same size");
                        pt = CollectiveType.ALL_REDUCE;
                    }
                }
                case DIRECT -> {
                    if (tok.window() > 0 && tok.window() < n - 1)
                        throw new InputException(where + ": unsupported: a direct window of " + tok.window() + " < n-1 = "
                                + (n - 1) + " is not characterised");
                }
                default -> {
                }
            }
            int level = dim.physical() >= 0 ? dim.physical() : net.dimensionCount();
            phases.add(new PhasePlan(dim, pt, tok.kind(), d, level));
            d = pt.outputBytes(d, n);
        }

        // queues: round-robin per level, chunk-major; v2 localBWAware all-reduce puts RS/AR phases in the first
        // half of the queues and AG phases in the second half; the upper half sends anticlockwise
        int chunks = chunkBytes.length;
        int[][] queueIndex = new int[chunks][phases.size()];
        int[][] direction = new int[chunks][phases.size()];
        int[] next = new int[levels];
        int half = queuesPerDim / 2;
        int[] nextFirst = new int[levels];
        int[] nextLast = new int[levels];
        java.util.Arrays.fill(nextLast, half);
        for (int c = 0; c < chunks; c++) {
            for (int p = 0; p < phases.size(); p++) {
                int lv = phases.get(p).level();
                int q;
                if (localAr && queuesPerDim > 1) {
                    if (phaseTypes.get(p) == CollectiveType.ALL_GATHER) {
                        q = nextLast[lv];
                        nextLast[lv] = q + 1 == queuesPerDim ? half : q + 1;
                    } else {
                        q = nextFirst[lv];
                        nextFirst[lv] = q + 1 >= half ? 0 : q + 1;
                    }
                } else {
                    q = next[lv];
                    next[lv] = (q + 1) % queuesPerDim;
                }
                queueIndex[c][p] = q;
                direction[c][p] = queuesPerDim > 1 && q >= half ? -1 : 1;
            }
        }
        return new CollectivePlan(type, chunks, chunkBytes, List.copyOf(phases), queueIndex, direction, levels,
                List.copyOf(warnings));
    }
}
