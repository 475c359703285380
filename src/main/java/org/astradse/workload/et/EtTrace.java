package org.astradse.workload.et;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Chakra trace set: {@code PREFIX.0.et … PREFIX.N-1.et}, one graph per NPU (SEMANTICS-ET 1.1).
 *
 * @param graphs  by rank
 * @param uniform whether every rank's graph equals rank 0's up to node ids (data-parallel traces, converted 1.0
 *                workloads): such ranks may be simulated once when the network makes them equivalent
 */
public record EtTrace(List<EtGraph> graphs, boolean uniform) {
    public EtTrace {
        graphs = List.copyOf(graphs);
    }

    /** A trace set of these graphs (compares them once). */
    public static EtTrace of(List<EtGraph> graphs) {
        boolean same = true;
        for (int r = 1; r < graphs.size() && same; r++) same = graphs.get(0).sameShape(graphs.get(r));
        return new EtTrace(graphs, same);
    }

    public int size() {
        return graphs.size();
    }

    /** Rank {@code rank}'s file of a trace set: PREFIX.rank.et (SEMANTICS-ET). */
    public static Path rankFile(String prefix, long rank) {
        return Path.of(prefix + "." + rank + ".et");
    }

    /**
     * The end of the run of rank files from {@code from} on: the first rank k ≥ from without PREFIX.k.et (at most
     * {@code limit}); {@code from} when PREFIX.from.et is absent.
     */
    public static long ranksUpTo(String prefix, long from, long limit) {
        long k = from;
        while (k < limit && Files.isRegularFile(rankFile(prefix, k))) k++;
        return k;
    }

    /** Whether {@code prefix} names a trace set (its rank-0 file exists). */
    public static boolean isTracePrefix(String prefix) {
        return Files.isRegularFile(rankFile(prefix, 0));
    }

    /**
     * Reads the graphs of ranks 0 … npus−1, streaming each file; a rank whose graph equals rank 0's up to node ids
     * shares rank 0's in memory (so a uniform trace set of any size holds one graph, plus one being read).
     */
    public static EtTrace read(String prefix, int npus) {
        List<EtGraph> graphs = new ArrayList<>(npus);
        boolean uniform = true;
        for (int r = 0; r < npus; r++) {
            EtGraph g = EtReader.read(prefix, r);
            if (r > 0 && graphs.get(0).sameShape(g)) {
                long offset = g.size() == 0 ? 0 : g.nodes()[0].id() - graphs.get(0).nodes()[0].id();
                g = graphs.get(0).sharedAs(g.file(), offset, g.warnings());
            } else if (r > 0) {
                uniform = false;
            }
            graphs.add(g);
        }
        return new EtTrace(graphs, uniform);
    }
}
