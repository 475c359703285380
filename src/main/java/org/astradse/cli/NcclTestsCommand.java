package org.astradse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.astradse.InputException;
import org.astradse.hw.Cluster;
import org.astradse.hw.NcclModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nccl-tests}: the modelled nccl-tests table of a cluster (a contract). */
@Command(name = "nccl-tests", mixinStandardHelpOptions = true,
        description = "Model an nccl-tests run (all_reduce_perf & co.) on a cluster description: size, count, type, time, "
                + "algbw and busbw as nccl-tests defines them.")
final class NcclTestsCommand implements Callable<Integer> {
    @Option(names = "--cluster", required = true, paramLabel = "C.yaml",
            description = "cluster description file (gpu, network, fabric), or a bundled cluster's name (e.g. aws-p5)")
    Path cluster;

    @Option(names = "--op", required = true, paramLabel = "OP",
            description = "all_reduce, all_gather, reduce_scatter, alltoall or sendrecv")
    String op;

    @Option(names = "--algo", defaultValue = "auto", paramLabel = "ALGO", description = "auto (default), ring, tree, nvls, nvlstree")
    String algo;

    @Option(names = {"-b", "--minbytes"}, defaultValue = "8", paramLabel = "SIZE", description = "first size (default 8; K, M, G = 2^10, 2^20, 2^30)")
    String minBytes;

    @Option(names = {"-e", "--maxbytes"}, defaultValue = "8G", paramLabel = "SIZE", description = "last size (default 8G)")
    String maxBytes;

    @Option(names = {"-f", "--stepfactor"}, defaultValue = "2", paramLabel = "F", description = "size multiplier, an integer >= 2 (default 2)")
    long factor;

    @Option(names = "--json", description = "print {\"rows\": [{bytes, timeUs, algbwGBps, busbwGBps, algo, protocol}]}")
    boolean json;

    /** The largest size nccl-tests is asked to model: 1 PiB (a larger one is a unit mistake). */
    static final long MAX_BYTES = 1L << 50;

    static long size(String s, String option) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        long mult = 1;
        if (t.endsWith("K")) mult = 1L << 10;
        else if (t.endsWith("M")) mult = 1L << 20;
        else if (t.endsWith("G")) mult = 1L << 30;
        if (mult > 1) t = t.substring(0, t.length() - 1);
        try {
            long v = Long.parseLong(t);
            if (v > 0 && v <= MAX_BYTES / mult) return v * mult;
        } catch (NumberFormatException e) {
            // not a whole number, or beyond a long: below
        }
        throw new InputException(option + ": expected a size from 1 byte to 2^50 bytes (1 PiB; suffix K, M or G), found '" + s + "'");
    }

    @Override
    public Integer call() throws Exception {
        long b = size(minBytes, "-b");
        long e = size(maxBytes, "-e");
        if (e < b) throw new InputException("-e " + maxBytes + " is smaller than -b " + minBytes);
        if (factor < 2) throw new InputException("-f: expected an integer multiplier >= 2, found " + factor);
        String o = op.toLowerCase(Locale.ROOT);
        if (!NcclModel.OPS.contains(o)) throw new InputException("--op: unknown collective '" + op + "'; expected one of " + NcclModel.OPS);
        Cluster c = Cluster.parse(cluster);
        if (c.totalGpus() < 2)
            // nccl-tests on one GPU times a local copy, which the model does not: every row was 0 µs and 0 GB/s
            throw new InputException("--cluster " + cluster + ": 1 GPU; a collective needs at least 2 (npus_count multiplies "
                    + "to the GPU count)");
        if (c.topologyWarning() != null) System.err.println(c.topologyWarning());
        if (c.domainWarning() != null) System.err.println(c.domainWarning());
        ObjectNode out = new ObjectMapper().createObjectNode();
        ArrayNode rows = out.putArray("rows");
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "# nccl-tests model: %s on %s (%d GPUs)%n", o, cluster, c.totalGpus()));
        sb.append(String.format(Locale.ROOT, "#%14s %12s %8s %12s %10s %10s  %s%n", "size", "count", "type", "time(us)",
                "algbw", "busbw", "algo"));
        int n = c.totalGpus();
        // as nccl-tests: sizes b, b·f, b·f², … up to e; each rounded down to whole floats per rank (all-gather,
        // reduce-scatter and all-to-all split the buffer over the ranks), count = floats per rank for those
        boolean perRank = o.equals("all_gather") || o.equals("reduce_scatter") || o.equals("alltoall");
        long unit = perRank ? 4L * n : 4L;
        for (long s = b; ; s = Math.max(s + 1, s * factor)) {
            long bytes = s / unit * unit;
            long count = bytes / unit;
            NcclModel.Row r = NcclModel.time(c, o, bytes, algo.toLowerCase(Locale.ROOT), "--cluster " + cluster);
            ObjectNode j = rows.addObject();
            j.put("bytes", bytes);
            j.put("timeUs", r.timeUs());
            j.put("algbwGBps", r.algbwGBps());
            j.put("busbwGBps", r.busbwGBps());
            j.put("algo", r.algo());
            j.put("protocol", r.protocol());
            sb.append(String.format(Locale.ROOT, " %14d %12d %8s %12.1f %10.2f %10.2f  %s/%s%n", bytes, count, "float",
                    r.timeUs(), r.algbwGBps(), r.busbwGBps(), r.algo(), r.protocol()));
            if (s >= e || s > e / factor) break; // the next size would pass -e (or overflow)
        }
        if (json) System.out.println(new ObjectMapper().writeValueAsString(out));
        else System.out.print(sb);
        return 0;
    }
}
