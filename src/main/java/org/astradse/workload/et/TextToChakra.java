package org.astradse.workload.et;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.astradse.InputException;
import org.astradse.workload.CommType;
import org.astradse.workload.Layer;
import org.astradse.workload.Parallelism;
import org.astradse.workload.Workload;

/**
 * A 1.0 text workload as a Chakra ET trace set, laid out as Chakra's own text converter lays it out (SEMANTICS-ET 3;
 * rules read from {@code chakra/src/converter/text_converter.py}, implemented here from scratch), so that ASTRA-sim 2.0
 * gives the same numbers on either file set:
 * <ul>
 *   <li>COMP nodes carry the 1.0 compute value (cycles) as {@code duration_micros}; COMM_COLL nodes {@code comm_type}
 *   and {@code comm_size} as {@code int64_val}, no {@code involved_dim}: every collective spans all dimensions. A
 *   collective type other than ALLREDUCE, ALLTOALL, ALLGATHER, REDUCESCATTER becomes ALL_REDUCE (type 0).</li>
 *   <li>Every rank gets the same graph; ids count on across ranks (rank k's ids are offset by k × nodes per rank).</li>
 *   <li>Dependencies per keyword and pass, as data_deps (see the methods).</li>
 * </ul>
 * The keywords the converter rejects (the Transformer ones, HYBRID_CUSTOMIZED, DISTRIBUTED_INFERENCE) are refused.
 */
public final class TextToChakra {
    private static final int COMP = EtNode.COMP_NODE;
    private static final int COLL = EtNode.COMM_COLL_NODE;

    private final List<Layer> layers;
    private final List<EtWriter.Node> nodes = new ArrayList<>();
    // per layer: the latest node of each kind (−1 = none), carried from pass to pass as the converter carries them
    private final long[] fwdComp;
    private final long[] fwdComm;
    private final long[] igComp;
    private final long[] igComm;
    private final long[] wgComp;
    private final long[] wgComm;

    private TextToChakra(List<Layer> layers) {
        this.layers = layers;
        int n = layers.size();
        fwdComp = filled(n);
        fwdComm = filled(n);
        igComp = filled(n);
        igComm = filled(n);
        wgComp = filled(n);
        wgComm = filled(n);
    }

    private static long[] filled(int n) {
        long[] a = new long[n];
        Arrays.fill(a, -1);
        return a;
    }

    /** Rank 0's nodes for {@code passes} passes (rank k's are these with ids + k × size). */
    public static List<EtWriter.Node> graph(Workload w, int passes) {
        TextToChakra c = new TextToChakra(w.layers());
        Parallelism p = w.parallelism();
        for (int i = 0; i < passes; i++) {
            switch (p) {
                case MICRO -> c.micro();
                case DATA -> c.data();
                case MODEL -> c.model();
                case HYBRID_DATA_MODEL, HYBRID_MODEL_DATA -> c.hybrid(p == Parallelism.HYBRID_DATA_MODEL);
                case HYBRID_DLRM, HYBRID_DLRM_ENHANCED -> c.dlrm(w.lastBottom());
                default -> throw InputException.at(w.file(), "line 1", "Chakra's text converter does not convert " + p
                        + " workloads (\"Unsupported parallelism type\"); it converts MICRO, DATA, MODEL, HYBRID_DATA_MODEL, "
                        + "HYBRID_MODEL_DATA and HYBRID_DLRM(_ENHANCED)");
            }
        }
        return List.copyOf(c.nodes);
    }

    /** Writes {@code PREFIX.0.et … PREFIX.(npus−1).et}; {@code text} is the input file's text (kept in the metadata). */
    public static void write(Workload w, String text, int npus, int passes, String prefix) {
        // one file per NPU: beyond 2^20 files a conversion is a runaway (gigabytes of identical traces), not a study
        if (npus < 1 || npus > 1 << 20)
            throw new InputException("--num-npus must be from 1 to 1,048,576 (one trace file each), found " + npus);
        if (passes < 1) throw new InputException("--num-passes must be >= 1, found " + passes);
        List<EtWriter.Node> rank0 = graph(w, passes);
        long offset = rank0.size();
        List<EtWriter.Attr> meta = List.of(EtWriter.Attr.string("schema", "1.0.2-chakra.0.0.4"),
                EtWriter.Attr.string("input_file", text));
        for (int r = 0; r < npus; r++) {
            Path file = EtTrace.rankFile(prefix, r);
            try {
                if (file.getParent() != null) Files.createDirectories(file.getParent());
                try (EtWriter out = new EtWriter(new BufferedOutputStream(Files.newOutputStream(file)))) {
                    out.metadata(meta);
                    long shift = r * offset;
                    for (EtWriter.Node n : rank0) {
                        List<Long> deps = new ArrayList<>(n.dataDeps().size());
                        for (long d : n.dataDeps()) deps.add(d + shift);
                        out.node(new EtWriter.Node(n.id() + shift, n.name(), n.type(), deps, n.durationMicros(), n.attrs()));
                    }
                }
            } catch (IOException e) {
                Path dir = file.getParent() == null ? Path.of(".") : file.getParent();
                throw new InputException("cannot write " + file + ": " + dir + ": " + InputException.folderProblem(dir, e));
            }
        }
        // ranks beyond this set left by an earlier conversion to the same prefix would join a later run of more NPUs
        long stale = EtTrace.ranksUpTo(prefix, npus, Long.MAX_VALUE);
        if (stale > npus)
            System.err.println("warning: " + prefix + "." + npus + ".et" + (stale - 1 > npus ? " … ." + (stale - 1) + ".et are" : " is")
                    + " left from an earlier conversion (this set has " + npus + " NPUs: " + prefix + ".0.et … ." + (npus - 1)
                    + ".et); remove them before running more NPUs on this prefix");
    }

    // ---- node makers ---------------------------------------------------------------------------------------------

    private long comp(Layer l, String phase, long time, long... parents) {
        return add("COMP_NODE_" + l.name() + "_" + phase, COMP, time, List.of(), parents);
    }

    private long coll(String name, CommType type, long bytes, long... parents) {
        int code = switch (type) {
            case ALLREDUCE -> EtNode.ALL_REDUCE;
            case ALLTOALL -> EtNode.ALL_TO_ALL;
            case ALLGATHER -> EtNode.ALL_GATHER;
            case REDUCESCATTER -> EtNode.REDUCE_SCATTER;
            default -> EtNode.ALL_REDUCE; // NONE (and the rest) become an all-reduce of the given size, as in the converter
        };
        return add("COMM_COLL_NODE_" + name + "_" + type, COLL, 0,
                List.of(EtWriter.Attr.int64("comm_type", code), EtWriter.Attr.int64("comm_size", bytes)), parents);
    }

    private long add(String name, int type, long durationMicros, List<EtWriter.Attr> attrs, long... parents) {
        long id = nodes.size();
        List<Long> deps = new ArrayList<>();
        for (long p : parents) if (p >= 0) deps.add(p);
        nodes.add(new EtWriter.Node(id, name, type, List.copyOf(deps), durationMicros, attrs));
        return id;
    }

    private Layer layer(int i) {
        return layers.get(i);
    }

    // ---- one pass per keyword ------------------------------------------------------------------------------------

    /** MICRO: the weight-gradient collective of every layer, no dependencies. */
    private void micro() {
        for (Layer l : layers) coll(l.name(), l.wgType(), l.wgBytes());
    }

    /**
     * DATA: a forward COMP chain (a layer's forward also waits for its weight-gradient collective of the previous
     * pass); backward from the last layer: wg COMP (after the last forward, or after the previous layer's ig COMP) →
     * wg COLL, and an ig COMP after the wg COMP for every layer but the first.
     */
    private void data() {
        int n = layers.size();
        long lastFwd = -1;
        for (int i = 0; i < n; i++) {
            lastFwd = comp(layer(i), "FWD", layer(i).fwdComputeNs(), i > 0 ? fwdComp[i - 1] : -1, wgComm[i]);
            fwdComp[i] = lastFwd;
        }
        for (int k = 0; k < n; k++) {
            int i = n - 1 - k;
            Layer l = layer(i);
            long wg = comp(l, "BWD_WG", l.wgComputeNs(), k == 0 ? lastFwd : igComp[i + 1]);
            wgComm[i] = coll(l.name(), l.wgType(), l.wgBytes(), wg);
            if (k != n - 1) igComp[i] = comp(l, "BWD_IG", l.igComputeNs(), wg);
        }
    }

    /**
     * MODEL: forward COMP → forward COLL per layer, chained through the COLLs (and after the layer's wg COMP of the
     * previous pass); backward: ig COMP (after the last forward COLL, or the next layer's wg COMP and ig COLL) → ig
     * COLL (not for the first layer) and → wg COMP. No weight-gradient collectives.
     */
    private void model() {
        modelLike(false, "");
    }

    /**
     * HYBRID_DATA_MODEL / HYBRID_MODEL_DATA (one graph; only the ig COLL's name differs): as MODEL, plus a
     * weight-gradient COLL after each wg COMP, on which the layer's next forward waits instead.
     */
    private void hybrid(boolean dataModel) {
        modelLike(true, dataModel ? "_IG_COMM_" : "");
    }

    private void modelLike(boolean weightCollectives, String igSuffix) {
        int n = layers.size();
        long lastFwdComm = -1;
        for (int i = 0; i < n; i++) {
            Layer l = layer(i);
            long prevLayer = i > 0 ? fwdComm[i - 1] : -1;
            // the converter lists the two parents in this order (data_deps order is part of the file)
            long fc = weightCollectives ? comp(l, "FWD", l.fwdComputeNs(), wgComm[i], prevLayer)
                    : comp(l, "FWD", l.fwdComputeNs(), prevLayer, wgComp[i]);
            fwdComp[i] = fc;
            lastFwdComm = coll(l.name(), l.fwdType(), l.fwdBytes(), fc);
            fwdComm[i] = lastFwdComm;
        }
        for (int k = 0; k < n; k++) {
            int i = n - 1 - k;
            Layer l = layer(i);
            long ig = k == 0 ? comp(l, "BWD_IG", l.igComputeNs(), lastFwdComm)
                    : comp(l, "BWD_IG", l.igComputeNs(), wgComp[i + 1], igComm[i + 1]);
            if (k != n - 1) igComm[i] = coll(l.name() + igSuffix, l.igType(), l.igBytes(), ig);
            long wg = comp(l, "BWD_WG", l.wgComputeNs(), ig);
            wgComp[i] = wg;
            if (weightCollectives) wgComm[i] = coll(l.name(), l.wgType(), l.wgBytes(), wg);
        }
    }

    /**
     * HYBRID_DLRM: forward COLLs only for ALLTOALL layers; the last bottom layer's forward waits for layer 0's forward
     * COLL; wg COLLs for layers whose type is not NONE; layer 0's ig COLL after the ig COMP of layer last_bottom + 1.
     * A layer's forward in the next pass waits for its wg COLL, or its wg COMP when it has none.
     */
    private void dlrm(int lastBottom) {
        int n = layers.size();
        long lastFwd = -1;
        for (int i = 0; i < n; i++) {
            Layer l = layer(i);
            long prevPass = wgComm[i] >= 0 ? wgComm[i] : wgComp[i];
            if (i == lastBottom && fwdComm[0] < 0)
                throw new InputException("HYBRID_DLRM: the last bottom layer " + lastBottom + " waits for layer 0's forward "
                        + "collective, but layer 0 has no ALLTOALL forward collective (Chakra's converter fails here)");
            lastFwd = comp(l, "FWD", l.fwdComputeNs(), prevPass, i > 0 ? fwdComp[i - 1] : -1, i == lastBottom ? fwdComm[0] : -1);
            fwdComp[i] = lastFwd;
            if (l.fwdType() == CommType.ALLTOALL) fwdComm[i] = coll(l.name(), l.fwdType(), l.fwdBytes(), lastFwd);
        }
        for (int k = 0; k < n; k++) {
            int i = n - 1 - k;
            Layer l = layer(i);
            long wg = k == 0 ? comp(l, "BWD_WG", l.wgComputeNs(), lastFwd)
                    : comp(l, "BWD_WG", l.wgComputeNs(), igComp[i + 1], igComm[i]);
            wgComp[i] = wg;
            if (l.wgType() != CommType.NONE) wgComm[i] = coll(l.name(), l.wgType(), l.wgBytes(), wg);
            long ig = -1;
            if (k != n - 1) {
                ig = comp(l, "BWD_IG", l.igComputeNs(), wg);
                igComp[i] = ig;
            }
            if (i == lastBottom + 1) igComm[0] = coll(layer(0).name(), layer(0).igType(), layer(0).igBytes(), ig);
        }
    }
}
