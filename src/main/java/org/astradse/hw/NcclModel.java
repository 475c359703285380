package org.astradse.hw;

import java.util.List;
import org.astradse.InputException;

/**
 * Time of one NCCL collective on a {@link Cluster}, as nccl-tests measures it, from NCCL's own cost structure (its
 * tuner, {@code src/graph/tuning.cc}: for each algorithm and protocol a latency plus the bus bytes over a bus
 * bandwidth; the fastest is used):
 * <pre>
 *   t(algo, proto) = lat(proto) · steps(algo) + S · f(op) / B(algo, proto)
 *   busbw = S / t · f(op),  f = 2(n−1)/n (all-reduce), (n−1)/n (all-gather, reduce-scatter, all-to-all), 1 (sendrecv)
 * </pre>
 * S is the nccl-tests size (the whole buffer for all-gather and reduce-scatter). The bus bandwidth B is the bottleneck
 * of the levels a collective crosses, each a line rate times the fabric's efficiency for that protocol:
 * <ul>
 *   <li>inside a node (dimension 0, g GPUs): b₀ per GPU;</li>
 *   <li>between nodes: the node's egress b₁·g. A ring's every byte crosses it once per direction: B ≤ b₁·g; a tree
 *   (all-reduce over several nodes) sends and receives the buffer once per node: B ≤ f·b₁·g; all-to-all sends the
 *   off-node share (n−g)/n of each GPU's buffer: B ≤ (n−1)·b₁/(n−g); a sendrecv ring crosses a node boundary through
 *   one GPU's NIC: B ≤ b₁;</li>
 *   <li>in-network reduction: NVLS (NVSwitch) multiplies a node's all-reduce bus bandwidth by the fabric's reduction
 *   gain, SHARP the tree's between nodes.</li>
 * </ul>
 * Latencies are the fabric's per protocol for its reference topology (8 GPUs in a node, 2 nodes), scaled with the
 * steps: (g−1)/7 for a ring in a node, (nodes−1) for a ring across nodes, log2(nodes) for a tree.
 */
public final class NcclModel {
    private NcclModel() {
    }

    public static final List<String> OPS = List.of("all_reduce", "all_gather", "reduce_scatter", "alltoall", "sendrecv");
    public static final List<String> ALGOS = List.of("auto", "ring", "tree", "nvls", "nvlstree");

    /** One nccl-tests row: size (bytes), count of floats, time (µs), algbw and busbw (GB/s, 10^9 B/s), algorithm. */
    public record Row(long bytes, long count, double timeUs, double algbwGBps, double busbwGBps, String algo, String protocol) {
    }

    public static double busFactor(String op, int n) {
        return switch (op) {
            case "all_reduce" -> 2.0 * (n - 1) / n;
            case "all_gather", "reduce_scatter", "alltoall" -> (double) (n - 1) / n;
            case "sendrecv" -> 1.0;
            default -> throw new InputException("--op: unknown collective '" + op + "'; expected one of " + OPS);
        };
    }

    public static Row time(Cluster c, String op, long bytes, String algo) {
        if (bytes < 0) throw new InputException("a size must be >= 0 bytes, found " + bytes);
        if (!ALGOS.contains(algo)) throw new InputException("--algo: unknown algorithm '" + algo + "'; expected one of " + ALGOS);
        int n = c.totalGpus();
        double f = busFactor(op, n);
        if (n == 1) return new Row(bytes, bytes / 4, 0, 0, 0, "none", "none");
        Row best = null;
        for (String a : List.of("ring", "tree", "nvls", "nvlstree")) {
            if (!algo.equals("auto") && !algo.equals(a)) continue;
            for (String p : FabricProfile.PROTOCOLS) {
                double t = timeUs(c, op, bytes, a, p, f);
                if (Double.isNaN(t)) continue;
                if (best == null || t < best.timeUs()) {
                    double algbw = t > 0 ? bytes / (t * 1e-6) / 1e9 : 0;
                    best = new Row(bytes, bytes / 4, t, algbw, algbw * f, a, p);
                }
            }
        }
        if (best == null)
            throw new InputException("--algo " + algo + " cannot run " + op + " on this cluster (" + why(c, op, algo) + ")");
        return best;
    }

    private static String why(Cluster c, String op, String algo) {
        boolean multi = c.dims().size() > 1 && c.totalGpus() > c.dims().get(0).npus();
        return switch (algo) {
            case "tree" -> "tree runs all-reduce across nodes only" + (multi ? "" : "; this cluster is one node");
            case "nvls" -> "NVLS runs all-reduce inside one node of an NVSwitch fabric with in-network reduction";
            case "nvlstree" -> "NVLSTree runs all-reduce across nodes of NVSwitch fabrics with in-network reduction";
            default -> op;
        };
    }

    /** One algorithm and protocol, or NaN where it does not apply. */
    static double timeUs(Cluster c, String op, long bytes, String algo, String proto, double f) {
        Cluster.Dim in = c.dims().get(0);
        int n = c.totalGpus();
        int g = in.npus();
        int nodes = n / g;
        boolean multi = nodes > 1;
        boolean allReduce = op.equals("all_reduce");
        FabricProfile fi = in.fabric();
        double intra = in.bandwidthGBps() * fi.efficiency(proto, op);
        double bound;
        FabricProfile latFabric = fi;
        double steps;
        switch (algo) {
            case "ring" -> {
                steps = multi ? nodes - 1 : (g - 1) / 7.0;
                bound = intra;
            }
            case "tree" -> {
                if (!allReduce || !multi) return Double.NaN;
                steps = Math.max(1, Math.log(nodes) / Math.log(2));
                bound = intra;
            }
            case "nvls" -> {
                if (!allReduce || multi || !fi.inNetworkReduction()) return Double.NaN;
                steps = 1;
                bound = intra * fi.reductionGain();
            }
            case "nvlstree" -> {
                if (!allReduce || !multi || !fi.inNetworkReduction()) return Double.NaN;
                steps = Math.max(1, Math.log(nodes) / Math.log(2));
                bound = intra * fi.reductionGain();
            }
            default -> throw new IllegalArgumentException(algo);
        }
        if (multi) {
            // the slowest level between nodes: dimension k's egress per group of the dimensions inside it
            double inter = Double.POSITIVE_INFINITY;
            FabricProfile slow = null;
            long inside = g;
            for (int k = 1; k < c.dims().size(); k++) {
                Cluster.Dim d = c.dims().get(k);
                if (d.npus() > 1) {
                    double perGpu = d.bandwidthGBps() * d.fabric().efficiency(proto, op);
                    double b = switch (op) {
                        case "alltoall" -> (n - 1) * perGpu / (double) (n - inside);
                        case "sendrecv" -> perGpu;
                        default -> {
                            double egress = perGpu * inside;
                            boolean tree = algo.equals("tree") || algo.equals("nvlstree");
                            double t = tree ? f * egress : egress;
                            yield tree && d.fabric().inNetworkReduction() ? t * d.fabric().reductionGain() : t;
                        }
                    };
                    if (b < inter) {
                        inter = b;
                        slow = d.fabric();
                    }
                }
                inside *= d.npus();
            }
            if (slow != null) {
                bound = Math.min(bound, inter);
                latFabric = slow;
            }
        }
        double latency = latFabric.latencyUs(proto) * steps;
        return latency + bytes * f / (bound * 1e9) * 1e6;
    }
}
