package org.astradse.collective;

import java.util.ArrayList;
import java.util.List;
import org.astradse.InputException;
import org.astradse.network.NetworkConfig;

/** Cuts a collective into chunks and phases (SEMANTICS 4.1–4.4), validating what the reference cannot run. */
public final class CollectivePlanner {
    private CollectivePlanner() {
    }

    /**
     * The implementation tokens of these collective types (the ones a workload creates) against the network's
     * dimensions, before anything is simulated: the error {@link #logicalDims} would throw (its field is the
     * implementation key); its warnings come when a collective is planned.
     */
    public static void checkImplementations(NetworkConfig net, SystemConfig sys, java.util.Set<CollectiveType> types) {
        checkImplementations(net, sys, types, false);
    }

    /**
     * As {@link #checkImplementations(NetworkConfig, SystemConfig, java.util.Set)}; with {@code everyDimension} a list
     * of fewer tokens than dimensions is an error too (a sweep's own system section: the reference runs only the first
     * dimensions then, which a design point would report as the whole network's time). Returns the warnings.
     */
    public static List<String> checkImplementations(NetworkConfig net, SystemConfig sys, java.util.Set<CollectiveType> types,
                                                    boolean everyDimension) {
        List<String> warnings = new ArrayList<>();
        for (CollectiveType t : types) {
            List<AlgorithmToken> tokens = sys.implementation(t);
            int physical = net.dimensionCount();
            if (everyDimension && !tokens.get(0).global() && tokens.size() < physical)
                throw InputException.at(null, SystemConfig.implementationKey(t), tokens.size() + " implementation tokens "
                        + tokens + " for a network of " + physical + " dimensions; expected exactly " + physical
                        + " (one per dimension; `simulate` runs a shorter list on the first dimensions only, as the reference does)");
            logicalDims(net, sys, t, LogicalLayout.IDENTITY, warnings);
        }
        return warnings;
    }

    /**
     * Logical dimensions for the implementation of {@code type}: one per token over the physical dimension
     * with the same index (two for a split dimension), or one over all NPUs for a {@code one*} token.
     */
    public static List<LogicalDim> logicalDims(NetworkConfig net, SystemConfig sys, CollectiveType type,
                                               LogicalLayout layout, List<String> warnings) {
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
                throw InputException.at(null, key, "token " + (k + 1) + " '" + tokens.get(k) + "' spans all NPUs and must "
                        + "be the only token");
        }
        if (tokens.size() > physical)
            throw InputException.at(null, key, tokens.size() + " implementation tokens " + tokens + " for a network of "
                    + physical + " dimension(s); expected exactly " + physical);
        if (tokens.size() < physical) {
            if (tokens.stream().anyMatch(t -> t.kind() == AlgorithmKind.DOUBLE_BINARY_TREE))
                throw InputException.at(null, key, tokens.size() + " implementation tokens " + tokens + " for a network of "
                        + physical + " dimensions; expected exactly " + physical + " (the reference crashes here with a "
                        + "doubleBinaryTree token)");
            warnings.add(key + ": " + tokens.size() + " tokens for " + physical + " dimensions; only the first "
                    + tokens.size() + " dimension(s) run the collective, as in the reference");
        }
        int logical = 0;
        for (int k = 0; k < physical; k++) {
            AlgorithmToken tok = k < tokens.size() ? tokens.get(k) : null;
            if (k == layout.splitPhysical()) {
                int a = layout.firstSize();
                int b = net.dimension(k).npus() / a;
                if (tok != null) {
                    dims.add(new LogicalDim(logical, a, net.stride(k), tok));
                    dims.add(new LogicalDim(logical + 1, b, net.stride(k) * a, tok));
                }
                logical += 2;
            } else {
                if (tok != null) dims.add(new LogicalDim(logical, net.dimension(k).npus(), net.stride(k), tok));
                logical++;
            }
        }
        return dims;
    }

    /** Plans a collective over all dimensions (v2's single collectives). */
    public static CollectivePlan plan(NetworkConfig net, SystemConfig sys, Semantics sem, CollectiveType type,
                                      long sizeBytes) {
        return plan(net, sys, sem, type, sizeBytes, LogicalLayout.IDENTITY, -1L);
    }

    /**
     * Plans a collective of {@code sizeBytes} per NPU issued on every NPU.
     *
     * @param involved bit mask of involved logical dimensions (−1: all); a {@code one*} dimension is involved when
     *                 any dimension is
     */
    public static CollectivePlan plan(NetworkConfig net, SystemConfig sys, Semantics sem, CollectiveType type,
                                      long sizeBytes, LogicalLayout layout, long involved) {
        checkSize(sem, type, sizeBytes);
        List<String> warnings = new ArrayList<>();
        List<LogicalDim> dims = logicalDims(net, sys, type, layout, warnings);
        int logicalCount = layout.logicalCount(net);
        List<LogicalDim> active = dims.stream()
                .filter(d -> d.size() > 1 && (d.index() < 0 ? involved != 0 : (involved >>> d.index() & 1) != 0))
                .toList();

        long[] chunkBytes = chunks(net, sys, sem, type, sizeBytes);

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
            java.util.function.Supplier<String> at = () -> SystemConfig.implementationKey(type) + " token '" + tok
                    + "' on a dimension of " + n + " NPUs";
            switch (tok.kind()) {
                case HALVING_DOUBLING -> {
                    if (pt == CollectiveType.ALL_TO_ALL)
                        throw new InputException(at.get() + ": halvingDoubling has no all-to-all (the reference stops with "
                                + "\"unknown communication type\"); use ring or direct");
                    if (Integer.bitCount(n) != 1)
                        throw new InputException(at.get() + ": halvingDoubling needs a power-of-two number of NPUs");
                }
                case DOUBLE_BINARY_TREE -> {
                    if (Integer.bitCount(n) != 1)
                        throw new InputException(at.get() + ": doubleBinaryTree needs a power-of-two number of NPUs");
                    if (pt != CollectiveType.ALL_REDUCE) {
                        if (!localAr)
                            warnings.add(at.get() + ": doubleBinaryTree only implements all-reduce; as in the reference, "
                                    + "this " + pt + " runs an all-reduce of the same size");
                        pt = CollectiveType.ALL_REDUCE;
                    }
                }
                case NVLS -> {
                    int li = dim.index();
                    int physical = layout.splitPhysical() >= 0 && li > layout.splitPhysical() ? li - 1 : li;
                    if (li < 0 || net.dimension(physical).topology() != org.astradse.network.TopologyKind.SWITCH)
                        throw new InputException(at.get() + ": nvls (in-switch reduction) needs a Switch dimension");
                    if (pt != CollectiveType.ALL_REDUCE)
                        throw new InputException(at.get() + ": nvls implements all-reduce only, this phase is a " + pt
                                + (localAr ? " (with localBWAware, only the last involved dimension runs the all-reduce "
                                + "phase: give nvls there, or use baseline)" : "") + "; use ring or direct for it");
                }
                case DIRECT -> {
                    if (tok.window() > 0 && tok.window() < n - 1)
                        throw new InputException(at.get() + ": unsupported: a direct window of " + tok.window() + " < n-1 = "
                                + (n - 1) + " is not characterised");
                }
                default -> {
                }
            }
            int level = dim.index() >= 0 ? dim.index() : logicalCount;
            int group = !localAr || !sem.splitQueuesLocalAr() ? QueueAllocator.ALL
                    : phaseTypes.get(p) == CollectiveType.ALL_GATHER ? QueueAllocator.SECOND_HALF : QueueAllocator.FIRST_HALF;
            phases.add(new PhasePlan(dim, pt, tok.kind(), d, level, group));
            d = pt.outputBytes(d, n);
        }

        return new CollectivePlan(type, chunkBytes.length, chunkBytes, List.copyOf(phases), List.copyOf(warnings));
    }

    /**
     * Refuses a size no collective can have. A workload graph may issue 0-byte collectives: v2 raises the chunk to one
     * byte per NPU (SEMANTICS-ET 2.5), except for an all-gather, which then has no chunk and never completes.
     */
    private static void checkSize(Semantics sem, CollectiveType type, long sizeBytes) {
        if (sizeBytes < 0 || sizeBytes == 0 && !sem.fullLastChunk())
            throw new InputException("collective size must be a positive number of bytes, got " + sizeBytes);
        if (sizeBytes == 0 && type == CollectiveType.ALL_GATHER)
            throw new InputException("an all-gather of 0 bytes has no chunk and never completes (the reference hangs)");
    }

    /**
     * ⌈size / chunk⌉ without the overflow of size + chunk − 1 (a size near 2^63 gave a negative count). With chunk =
     * ⌊size / splits⌋ ≥ 1 the count is below 2·splits ≤ 2^21 (splits ≤ SystemConfig.MAX_CHUNKS), so it fits an int.
     */
    private static int chunkCount(long size, long chunk) {
        return (int) (size / chunk + (size % chunk == 0 ? 0 : 1));
    }

    /** Chunk sizes of a collective of {@code sizeBytes} per NPU (SEMANTICS 4.1; v2's minimum chunk uses all NPUs). */
    private static long[] chunks(NetworkConfig net, SystemConfig sys, Semantics sem, CollectiveType type, long sizeBytes) {
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
            int count = chunkCount(size, chunk);
            chunkBytes = new long[count];
            java.util.Arrays.fill(chunkBytes, chunk);
        } else {
            if (chunk == 0)
                throw new InputException("a collective of " + sizeBytes + " bytes with preferred-dataset-splits " + splits
                        + " gives 0-byte chunks (the reference loops forever); the size must be at least the number of splits");
            int count = chunkCount(sizeBytes, chunk);
            chunkBytes = new long[count];
            long remaining = sizeBytes;
            for (int i = 0; i < count; i++) {
                chunkBytes[i] = Math.min(chunk, remaining);
                remaining -= chunkBytes[i];
            }
        }

        return chunkBytes;
    }

    /**
     * Plans a collective of a communicator group smaller than the network (SEMANTICS-ET 2.5): one logical ring over
     * the listed NPUs in the listed order, run by {@code ring} when the system lists several implementations for the
     * collective, else by the single listed one; chunked as any collective (the minimum chunk counts all NPUs).
     */
    public static CollectivePlan planGroup(NetworkConfig net, SystemConfig sys, Semantics sem, CollectiveType type,
                                           long sizeBytes, int[] members) {
        checkSize(sem, type, sizeBytes);
        List<AlgorithmToken> tokens = sys.implementation(type);
        AlgorithmToken tok = tokens.size() > 1 ? AlgorithmToken.parse("ring") : tokens.get(0);
        if (tok.kind() != AlgorithmKind.RING && tok.kind() != AlgorithmKind.DIRECT)
            throw new InputException(SystemConfig.implementationKey(type) + " token '" + tok + "' inside a communicator group: "
                    + "only ring and direct are characterised there");
        long[] chunkBytes = chunks(net, sys, sem, type, sizeBytes);
        List<PhasePlan> phases = new ArrayList<>();
        if (members.length > 1) {
            LogicalDim dim = LogicalDim.group(members, net.totalNpus(), tok);
            phases.add(new PhasePlan(dim, type, tok.kind(), chunkBytes[0], 0, QueueAllocator.ALL));
        }
        return new CollectivePlan(type, chunkBytes.length, chunkBytes, List.copyOf(phases), List.of());
    }
}
