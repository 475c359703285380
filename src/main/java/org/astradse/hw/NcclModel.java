package org.astradse.hw;

import java.util.List;
import org.astradse.InputException;
import org.astradse.network.Units;

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
 *   one GPU's NIC, to one peer: B ≤ min(b₁, the fabric's per-peer point-to-point bound, {@link FabricProfile#p2pPeerGBps});</li>
 *   <li>in-network reduction: NVLS (NVSwitch) multiplies a node's all-reduce bus bandwidth by the fabric's reduction
 *   gain, SHARP the tree's between nodes;</li>
 *   <li>a sendrecv inside one domain: at most its channels ({@link #p2pChannels}, NCCL's p2p planner) times the fabric's
 *   {@link FabricProfile#p2pChannelGbps}, on LL up to 16 KiB a channel and Simple beyond.</li>
 * </ul>
 * Latency: inside the scale-up domain of g GPUs the fabric's latency for 8 GPUs plus, for a ring, a ring step per
 * step beyond an 8-GPU node's (NCCL's tuner: 2(n − 1) steps over all n ranks for an all-reduce, n − 1 otherwise, those
 * between nodes priced below), for trees and NVLS (g − 8) per-GPU hops; between
 * nodes the network fabric's per-step latency (fitted at 2 nodes) times the steps — nodes − 1 for a ring, log2(nodes)
 * for a tree; a sendrecv is one step; a cluster's own per-hop latencies add to each. NVLS and NVLSTree run with the
 * Simple protocol only. A tree's inter-node traffic per node is the buffer once at 2 nodes, 1.5× at 3 and 2× from 4
 * on (interior nodes of the double binary tree); SHARP (in-network reduction between nodes) keeps it once under
 * NVLSTree. Two refinements of NCCL's tuner ({@code ncclTopoGetAlgoTime}) apply as NCCL applies them: a tree
 * all-reduce's B times {@code treeCorrectionFactor} at medium sizes, and a multi-node Simple ring all-reduce's
 * latency times 1.4 ("plateau effect of ring").
 */
public final class NcclModel {
    private NcclModel() {
    }

    /** The scale-up domain a fabric's {@code latency-us} is given for: one node of 8 GPUs. */
    static final int REFERENCE_GPUS = 8;

    public static final List<String> OPS = List.of("all_reduce", "all_gather", "reduce_scatter", "alltoall", "sendrecv");
    public static final List<String> ALGOS = List.of("auto", "ring", "tree", "nvls", "nvlstree");
    /** The algorithms the model tries, in order (ALGOS without auto). */
    private static final List<String> ALGORITHMS = ALGOS.subList(1, ALGOS.size());

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
        return time(c, op, bytes, algo, "this cluster");
    }

    /** As {@link #time(Cluster, String, long, String)}; a refused {@code --algo} names the cluster as {@code where}. */
    public static Row time(Cluster c, String op, long bytes, String algo, String where) {
        if (bytes < 0) throw new InputException("a size must be >= 0 bytes, found " + bytes);
        if (!ALGOS.contains(algo)) throw new InputException("--algo: unknown algorithm '" + algo + "'; expected one of " + ALGOS);
        int n = c.totalGpus();
        double f = busFactor(op, n);
        if (n == 1) return new Row(bytes, bytes / 4, 0, 0, 0, "none", "none");
        Row best = null;
        for (String a : ALGORITHMS) {
            if (!algo.equals("auto") && !algo.equals(a)) continue;
            for (String p : FabricProfile.PROTOCOLS) {
                double t = timeUs(c, op, bytes, a, p, f);
                if (Double.isNaN(t)) continue;
                if (best == null || t < best.timeUs()) {
                    double algbw = t > 0 ? Units.bytesPerSecondToDecimalGBps(bytes / Units.microsToSeconds(t)) : 0;
                    best = new Row(bytes, bytes / 4, t, algbw, algbw * f, a, p);
                }
            }
        }
        if (best == null)
            throw new InputException("--algo " + algo + " cannot run " + op + " on " + where + " (" + why(c, op, algo) + ")");
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
        // the scale-up domain: the leading dimensions on scale-up fabrics (an NVL72 written as 4 × 18 is one domain)
        List<Cluster.Dim> dims = c.dims();
        int lead = 1;
        while (lead < dims.size() && dims.get(lead).fabric().scaleUp() && dims.get(0).fabric().scaleUp()) lead++;
        int n = c.totalGpus();
        int g = 1;
        double b0 = Double.POSITIVE_INFINITY;
        double hops = 0;
        for (int k = 0; k < lead; k++) {
            g *= dims.get(k).npus();
            b0 = Math.min(b0, dims.get(k).bandwidthGBps());
            hops = Math.max(hops, Units.nanosToMicros(dims.get(k).latencyNs()));
        }
        FabricProfile fi = dims.get(0).fabric();
        int nodes = n / g;
        boolean multi = nodes > 1;
        boolean allReduce = op.equals("all_reduce");
        boolean nvls = algo.equals("nvls") || algo.equals("nvlstree");
        // NVLS runs with the Simple protocol only (NCCL's tuner)
        if (nvls && (!proto.equals("simple") || !allReduce || !fi.nvls())) return Double.NaN;
        if (nvls && multi != algo.equals("nvlstree")) return Double.NaN;
        if (algo.equals("tree") && (!allReduce || !multi)) return Double.NaN;
        // inside one NVSwitch domain (a fabric with a p2p channel rate) NCCL's p2p planner picks the protocol of a send
        // from its size: LL up to 16 KiB per channel, Simple beyond (P2P_LL_THRESHOLD), never LL128. (Between nodes
        // the protocols keep racing: the networks' fitted latencies are collectives', not a point-to-point step's.)
        int p2pChannels = op.equals("sendrecv") && !multi && fi.p2pChannelGbps() > 0 ? p2pChannels(bytes, n) : 0;
        if (p2pChannels > 0) {
            boolean ll = bytes <= (long) p2pChannels * P2P_LL_THRESHOLD_BYTES;
            if (proto.equals("ll128") || proto.equals("ll") != ll) return Double.NaN;
        }
        // inside the domain: a ring's bus bandwidth is b0·e; NVLS reads and writes each byte once through the switch,
        // so its algbw is b0·e_nvls and its bus bandwidth f·b0·e_nvls (NCCL counts busbw = algbw·2(n−1)/n)
        double intra = nvls ? 2.0 * (g - 1) / g * b0 * fi.nvlsEfficiency() : b0 * fi.efficiency(proto, op);
        // a sendrecv inside one domain runs on the channels its size earns (NCCL's p2p planner), each a thread block's copy
        if (p2pChannels > 0) intra = Math.min(intra, p2pChannels * fi.p2pChannelGbps());
        double bound = intra;
        // latency: the domain's base and per-GPU hop terms, then the steps between nodes (SEMANTICS: NCCL's tuner, a
        // latency per step); a sendrecv is one concurrent point-to-point, all-to-all concurrent sends
        boolean oneStep = op.equals("sendrecv");
        // NCCL's tuner prices a ring by its steps over all n ranks: 2(n − 1) for an all-reduce, n − 1 otherwise, of
        // which 2·nodes (all-reduce) or nodes − 1 cross the network (priced below); the fabric's latency covers an
        // 8-GPU node's steps, each further step inside the domain costs a ring step (fewer GPUs: the 8-GPU latency).
        // Trees and NVLS add a hop per GPU beyond 8 — with the Simple protocol the fabric's own figure for that (the
        // published NVL72 NVLS all-reduce takes ~580 µs beyond its bandwidth at 72 GPUs, ~80 µs at 8: FabricProfile).
        boolean ring = algo.equals("ring") && !oneStep && !op.equals("alltoall");
        int passes = allReduce ? 2 : 1;
        int networkSteps = multi ? (allReduce ? 2 * nodes : nodes - 1) : 0;
        double beyondNode = ring ? fi.ringStepUs(proto) * Math.max(0, passes * (n - 1) - networkSteps - passes * (REFERENCE_GPUS - 1))
                : oneStep ? 0 : (g - REFERENCE_GPUS) * (g > REFERENCE_GPUS && allReduce && proto.equals("simple")
                        ? fi.simpleHopLatencyUs() : fi.hopLatencyUs());
        double latency = g > 1 ? fi.latencyUs(proto) + beyondNode : 0;
        latency = Math.max(latency, g > 1 ? fi.hopLatencyUs() : 0) + hops;
        if (multi) {
            double inter = Double.POSITIVE_INFINITY;
            FabricProfile slow = null;
            double slowHops = 0;
            long inside = g;
            for (int k = lead; k < dims.size(); k++) {
                Cluster.Dim d = dims.get(k);
                if (d.npus() > 1) {
                    boolean sharp = d.fabric().inNetworkReduction() && algo.equals("nvlstree");
                    double perGpu = d.bandwidthGBps() * (sharp ? d.fabric().reductionEfficiency(proto) : d.fabric().efficiency(proto, op));
                    double b = switch (op) {
                        case "alltoall" -> (n - 1) * perGpu / (double) (n - inside);
                        // one peer over the network: at most NCCL's per-peer channels' chunks per proxy step
                        case "sendrecv" -> Math.min(perGpu, d.fabric().p2pPeerGBps());
                        default -> {
                            // each scale-up domain inside drives the network through at most its fabric's domain-nics
                            // (NCCL's channels): inside / g domains of min(g, domain-nics) NICs
                            int nics = fi.domainNics();
                            double egress = perGpu * (nics > 0 ? (double) inside / g * Math.min(g, nics) : inside);
                            boolean tree = algo.equals("tree") || algo.equals("nvlstree");
                            if (!tree) yield egress; // a ring crosses each node boundary once per direction
                            // a tree node sends and receives the buffer once with 2 nodes; an interior node of the
                            // double binary tree carries 2S per direction from 4 nodes on (1.5S with 3); in-network
                            // reduction (SHARP) under NVLSTree keeps it at S for any number of nodes
                            double perNode = sharp ? 1
                                    : nodes == 2 ? 1 : nodes == 3 ? 1.5 : 2;
                            yield f * egress / perNode;
                        }
                    };
                    if (b < inter) {
                        inter = b;
                        slow = d.fabric();
                        slowHops = Units.nanosToMicros(d.latencyNs());
                    }
                }
                inside *= d.npus();
            }
            if (slow != null) {
                bound = Math.min(bound, inter);
                double log2 = Math.log(nodes) / Math.log(2);
                double steps = switch (algo) {
                    case "ring" -> oneStep ? 1 : op.equals("alltoall") ? log2 : nodes - 1;
                    default -> log2; // trees
                };
                latency += (slow.latencyUs(proto) + slowHops) * steps;
            }
        }
        if (algo.equals("tree") && allReduce) bound *= treeCorrection(proto, bytes);
        // NCCL's tuner: "Plateau effect of ring" — a multi-node Simple ring all-reduce pays 1.4× its latency (compute
        // capability 8.0 and later; 1.9 before) once each rank's share per channel is 64 B or more
        if (ring && multi && allReduce && proto.equals("simple")) latency *= 1.4;
        return latency + Units.secondsToMicros(bytes * f / Units.decimalGBpsToBytesPerSecond(bound));
    }

    /** NCCL's p2p channels on an NVSwitch node, and per peer: its log's "32 p2p channels, 32 p2p channels per peer". */
    static final int P2P_CHANNELS = 32;
    /** NCCL's largest send per channel on the LL protocol ({@code NCCL_P2P_LL_THRESHOLD}), bytes. */
    static final long P2P_LL_THRESHOLD_BYTES = 16384;
    /** NCCL's chunk of a send/recv step over NVLink ({@code NCCL_P2P_NVL_CHUNKSIZE}), bytes. */
    static final long P2P_NVL_CHUNK_BYTES = 512 * 1024;

    /**
     * The channels NCCL runs one send of {@code bytes} on inside a node of {@code ranks} GPUs (its p2p planner,
     * {@code addP2pToPlan} and {@code scheduleP2pTasksToPlan} in {@code src/enqueue.cc}): from
     * min(c_min, ⌈bytes / (chunk / 8)⌉) channels, doubling while a channel's part exceeds 32 chunks (16 MiB) and the
     * per-peer maximum allows, where c_min is the per-peer channels halved until c_min · ranks fits the p2p channels
     * (one channel per operation): 4 channels on 8 GPUs for 32 MiB, 8 for 128 MiB, 32 from 512 MiB. NCCL 2.27–2.29's
     * rule (earlier releases halved the per-peer maximum on 8 ranks and ran LL further); discrete as NCCL's is, so a
     * 64 MiB send stays on 4 channels where 64 MiB + 4 B gets 8.
     */
    static int p2pChannels(long bytes, int ranks) {
        int min = P2P_CHANNELS;
        while ((long) min * ranks > P2P_CHANNELS && min > 1) min /= 2;
        long minPart = P2P_NVL_CHUNK_BYTES / 8;
        long maxPart = P2P_NVL_CHUNK_BYTES * 32;
        if (bytes <= 0) return 1;
        int c = (int) Math.min(min, ceilDiv(bytes, minPart));
        long part = Math.max(minPart, ceilDiv(bytes, c));
        while (part > maxPart && c <= P2P_CHANNELS / 2) {
            c *= 2;
            part = ceilDiv(bytes, c);
        }
        return c;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /**
     * NCCL's own correction of a tree all-reduce's bus bandwidth at medium sizes, by protocol and power of two of the
     * size in 64-byte units (its tuner, {@code treeCorrectionFactor} in {@code src/graph/tuning.cc} up to NCCL 2.26 and
     * {@code src/tuning/cost_model.cc} after, applied in {@code ncclTopoGetAlgoTime}: "Trees are not perfectly sticking
     * to the model for medium sizes. Applying a static correction factor is not ideal but works quite well"); 1 from
     * 64 × 2^24 B = 1 GiB on. Rows: LL, LL128, Simple ({@link FabricProfile#PROTOCOLS}' order, NCCL's).
     */
    private static final double[][] TREE_CORRECTION = {
            {1.0, 1.0, 1.0, 1.0, .9, .8, .7, .7, .7, .7, .6, .5, .4, .4, .5, .6, .7, .8, .9, 1.0, 1.0, 1.0, 1.0, 1.0},
            {1.0, 1.0, 1.0, 1.0, 1.0, .9, .8, .8, .8, .7, .6, .6, .6, .6, .6, .6, .8, .9, .9, .9, .9, 1.0, 1.0, 1.0},
            {.9, .9, .9, .9, .9, .9, .9, .8, .7, .6, .6, .5, .5, .5, .5, .6, .7, .8, .7, .7, .8, .9, .9, .9}};

    static double treeCorrection(String proto, long bytes) {
        long units = bytes >> 6;
        if (units < 1) return 1.0; // NCCL: log2i(0) is negative, no correction
        int log = 63 - Long.numberOfLeadingZeros(units);
        double[] row = TREE_CORRECTION[FabricProfile.PROTOCOLS.indexOf(proto)];
        return log < row.length ? row[log] : 1.0;
    }
}
