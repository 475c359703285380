package org.astradse.workload.et;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A Chakra trace set: {@code PREFIX.0.et … PREFIX.N-1.et}, one graph per NPU (SEMANTICS-ET 1.1). */
public final class EtTrace {
    private EtTrace() {
    }

    /** Whether {@code prefix} names a trace set (its rank-0 file exists). */
    public static boolean isTracePrefix(String prefix) {
        return Files.isRegularFile(Path.of(prefix + ".0.et"));
    }

    /** Reads the graphs of ranks 0 … npus−1, streaming each file. */
    public static List<EtGraph> read(String prefix, int npus) {
        List<EtGraph> graphs = new ArrayList<>(npus);
        for (int r = 0; r < npus; r++) graphs.add(EtReader.read(prefix, r));
        return graphs;
    }
}
