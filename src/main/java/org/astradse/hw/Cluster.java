package org.astradse.hw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.astradse.InputException;
import org.astradse.network.NetworkConfig;
import org.astradse.network.TopologyKind;

/**
 * A cluster description (a contract, shared by {@code nccl-tests} and, later, {@code train}, {@code compute} and sweep
 * specs): a GPU, and per network dimension (dimension 0 innermost: the NPU id varies fastest in it) a topology, a GPU
 * count, the bandwidth one GPU gets in that dimension (GB/s per direction, GB = 10^9 B: datasheet units, e.g.
 * 8 × 400 Gb/s NICs for 8 GPUs = 50 GB/s per GPU), an optional per-hop latency (ns) and a fabric profile.
 * <pre>
 * cluster:
 *   gpu: H100-SXM
 *   network:
 *     topology: [Switch, Switch]
 *     npus_count: [8, 16]
 *     bandwidth: [450, 50]
 *   fabric: [nvlink4-nvswitch, ib-ndr]
 * </pre>
 *
 * @param file     where it was read from (may be null)
 * @param gpu      the GPU
 * @param dims     the dimensions, innermost first
 */
public record Cluster(Path file, GpuProfile gpu, List<Dim> dims) {

    /**
     * One dimension.
     *
     * @param topology     Ring, FullyConnected or Switch
     * @param npus         GPUs in the dimension
     * @param bandwidthGBps what the technology gives one GPU in it, GB/s per direction (10^9 B/s)
     * @param latencyNs    extra per-hop latency, ns, added to the fabric's latencies (0 when not given)
     * @param fabric       its link technology
     */
    /**
     * The warning for commands that model a cluster with NCCL's algorithms ({@code nccl-tests}, {@code train}), or null:
     * they treat every dimension as a switched fabric, so a Ring or FullyConnected topology changes nothing there (it
     * does in an ASTRA-sim study on the cluster).
     */
    public String topologyWarning() {
        List<String> other = new java.util.ArrayList<>();
        for (int i = 0; i < dims.size(); i++)
            if (dims.get(i).topology() != TopologyKind.SWITCH) other.add("cluster.network.topology[" + i + "] " + dims.get(i).topology().referenceName());
        if (other.isEmpty()) return null;
        return "warning: " + (file == null ? "cluster" : file) + ": " + String.join(", ", other) + " is not used here: the NCCL model "
                + "treats every dimension as a switched fabric (the topology counts in ASTRA-sim studies on this cluster)";
    }

    /**
     * A scale-up domain larger than its technology has been built with ({@link FabricProfile#maxDomainGpus}: one NVLink4
     * domain of 1,024 H100 is cheaper and faster than InfiniBand, and takes a front it could not hold), or null.
     */
    public String domainWarning() {
        int g = 1;
        int k = 0;
        while (k < dims.size() && dims.get(k).fabric().scaleUp()) g *= dims.get(k++).npus();
        int max = dims.get(0).fabric().maxDomainGpus();
        if (k == 0 || max <= 0 || g <= max) return null;
        return "warning: " + (file == null ? "cluster" : file) + ": a scale-up domain of " + g + " GPUs on "
                + dims.get(0).fabric().name() + " (cluster.fabric[0" + (k > 1 ? "…" + (k - 1) : "") + "]), beyond the " + max
                + " its technology has been built with: its collectives are priced as one NVLink domain";
    }

    public record Dim(TopologyKind topology, int npus, double bandwidthGBps, double latencyNs, FabricProfile fabric) {
    }

    public int totalGpus() {
        long n = 1;
        for (Dim d : dims) n *= d.npus();
        return (int) n;
    }

    /**
     * GPUs inside one scale-up domain: dimension 0's count — for a group's footprint ({@link #group}), its members that
     * share a domain.
     */
    public long ranksPerDomain() {
        return dims.get(0).npus();
    }

    /**
     * The footprint of a communicator group of {@code size} ranks {@code stride} apart (rank ids vary fastest in
     * dimension 0, Megatron's consecutive-rank groups): per dimension, how many of the group's members lie along it,
     * with that dimension's per-GPU bandwidth and fabric. A group without members beside each other in the scale-up
     * dimension keeps it with one GPU, so the model sees a network group (one GPU per node, its own NIC each).
     * A group that does not tile the dimensions evenly is rounded to whole counts (its bottleneck stays right).
     */
    public Cluster group(long stride, long size) {
        if (size <= 1) return new Cluster(file, gpu, List.of(new Dim(dims.get(0).topology(), 1, dims.get(0).bandwidthGBps(),
                dims.get(0).latencyNs(), dims.get(0).fabric())));
        List<Dim> out = new ArrayList<>();
        long st = Math.max(1, stride);
        long left = size;
        for (Dim d : dims) {
            long n;
            if (left <= 1) n = 1;
            else if (st >= d.npus()) {
                st = (st + d.npus() - 1) / d.npus();
                n = 1;
            } else {
                n = Math.max(1, Math.min(left, d.npus() / st));
                st = 1;
            }
            left = (left + n - 1) / n;
            out.add(new Dim(d.topology(), (int) n, d.bandwidthGBps(), d.latencyNs(), d.fabric()));
        }
        if (left > 1) { // more members than the cluster holds along the remaining dimensions: the outermost carries them
            Dim last = out.remove(out.size() - 1);
            out.add(new Dim(last.topology(), (int) Math.min(Integer.MAX_VALUE, last.npus() * left), last.bandwidthGBps(),
                    last.latencyNs(), last.fabric()));
        }
        // keep dimension 0 (the scale-up domain, maybe of one GPU) and the dimensions the group spans
        List<Dim> kept = new ArrayList<>();
        kept.add(out.get(0));
        for (int i = 1; i < out.size(); i++) if (out.get(i).npus() > 1) kept.add(out.get(i));
        return new Cluster(file, gpu, List.copyOf(kept));
    }

    /**
     * The cluster as ASTRA-sim's analytical network, for the ASTRA-sim-input studies that name a cluster: per dimension
     * its topology and GPU count, each link at the fraction of the line rate a large collective's bus bandwidth reaches
     * on its technology (the fabric's Simple-protocol efficiency, fitted from nccl-tests: {@code NcclCalibrationTest}),
     * converted from datasheet GB/s (10^9 B) to ASTRA-sim's (2^30 B), and the fabric's per-hop latency plus the
     * cluster's own (ns). {@code calibrated = false} gives the line rate (what {@code --export-chakra} hands
     * ASTRA-sim).
     */
    public org.astradse.network.NetworkConfig analyticalNetwork(boolean calibrated) {
        List<org.astradse.network.Dimension> out = new ArrayList<>();
        for (Dim d : dims) {
            double gbps = d.bandwidthGBps() * (calibrated ? d.fabric().efficiency("simple") : 1);
            double network = org.astradse.network.Units.decimalGBpsToNetworkGBps(gbps);
            double lat = d.fabric().defaultLatencyNs() + d.latencyNs();
            if (!Double.isFinite(network) || !Double.isFinite(lat))
                throw InputException.at(file, "cluster.network.bandwidth[" + out.size() + "]", gbps + " GB/s at " + lat
                        + " ns is not a finite link");
            out.add(new org.astradse.network.Dimension(d.topology(), d.npus(), network, lat));
        }
        return new org.astradse.network.NetworkConfig(out);
    }

    /**
     * The cluster's network cost, $: per dimension LIBRA's building blocks ({@code NetworkCostModel}) at the
     * dimension's per-GPU bandwidth (GB/s, 10^9 B/s) and its fabric's unit costs, or those {@code overrides} gives by
     * fabric name.
     */
    public double networkCostUsd(java.util.Map<String, org.astradse.cost.UnitCosts> overrides) {
        double n = totalGpus();
        double total = 0;
        for (Dim d : dims) {
            org.astradse.cost.UnitCosts u = overrides.getOrDefault(d.fabric().name(), d.fabric().unitCosts());
            total += org.astradse.cost.NetworkCostModel.dimensionCostUsd(d.topology(), d.npus(), n, d.bandwidthGBps(), u);
        }
        return total;
    }

    /** Reads a cluster file: a {@code cluster:} section, or the section's keys at the top. */
    public static Cluster parse(Path file) {
        // a bundled cluster's name where a file is expected (nccl-tests --cluster aws-p5), as train and sweep accept:
        // the name wins, as it does in their files (a file of that name in the working folder is said, not read)
        if (BUNDLED.contains(file.toString())) {
            if (java.nio.file.Files.exists(file))
                System.err.println("warning: " + file + " names the bundled cluster; the file " + file + " here is not read "
                        + "(write ./" + file + " to read it)");
            return named(file.toString(), null, "");
        }
        if (java.nio.file.Files.isDirectory(file))
            throw InputException.at(file, null, "is a folder; expected a cluster file or a bundled cluster " + BUNDLED);
        if (!java.nio.file.Files.exists(file))
            throw InputException.at(file, null, "neither a bundled cluster " + BUNDLED + " nor a file (file not found)");
        Source s = read(file);
        return fromTree(s.tree(), s.file(), s.at());
    }

    /**
     * A cluster section inside another file (a training configuration, a sweep spec): a mapping with the keys above,
     * or a string naming a bundled cluster ({@link #BUNDLED}) or a cluster file; {@code at} prefixes the keys named
     * in errors ({@code "cluster."}).
     */
    public static Cluster fromTree(JsonNode c, Path file, String at) {
        if (c != null && c.isTextual()) return named(c.asText(), file, at);
        if (c == null || !c.isObject()) throw InputException.at(file, "cluster", "expected a mapping with gpu, network and fabric");
        org.astradse.Keys.allow(c, file, at, KEYS);
        JsonNode gpu = c.get("gpu");
        if (gpu == null || !gpu.isTextual() || gpu.asText().isBlank())
            throw InputException.at(file, at + "gpu", (gpu == null || gpu.isNull() ? "missing" : "found " + gpu)
                    + "; expected a GPU profile name " + GpuProfile.NAMES + " or a file");
        GpuProfile g;
        try {
            g = GpuProfile.named(gpu.asText(), base(file));
        } catch (InputException e) {
            throw InputException.at(file, at + "gpu", e.getMessage());
        }
        JsonNode net = c.get("network");
        if (net == null || !net.isObject()) throw InputException.at(file, at + "network", (net == null || net.isNull() ? "missing"
                : "found " + net) + "; expected a mapping of topology, npus_count, bandwidth (GB/s per GPU per direction, 10^9 "
                + "B/s) and optionally latency (ns) lists");
        org.astradse.Keys.allow(net, file, at + "network.", NETWORK_KEYS);
        List<String> topo = list(net, "topology", file, at + "network.", true);
        int k = topo.size();
        if (k == 0) throw InputException.at(file, at + "network.topology", "expected at least one dimension");
        List<String> npus = list(net, "npus_count", file, at + "network.", false);
        List<String> bw = list(net, "bandwidth", file, at + "network.", false);
        List<String> lat = net.has("latency") ? list(net, "latency", file, at + "network.", false) : null;
        JsonNode fab = c.get("fabric");
        if (fab == null || !fab.isArray()) throw InputException.at(file, at + "fabric", (fab == null ? "missing" : "found " + fab)
                + "; expected a list of one fabric profile per dimension, e.g. [nvlink4-nvswitch, ib-ndr]; bundled: " + FabricProfile.NAMES);
        for (var e : List.of(java.util.Map.entry("npus_count", npus.size()), java.util.Map.entry("bandwidth", bw.size()),
                java.util.Map.entry("fabric", fab.size())))
            if (e.getValue() != k) {
                // wrong together, not alone: a study may sweep the topology apart from the other per-dimension lists
                String key = at + (e.getKey().equals("fabric") ? "fabric" : "network." + e.getKey());
                throw InputException.together(file, key, e.getValue() + " entries for " + k + " dimensions (network.topology has "
                        + k + ")", key, at + "network.topology");
            }
        if (lat != null && lat.size() != k)
            throw InputException.together(file, at + "network.latency", lat.size() + " entries for " + k + " dimensions",
                    at + "network.latency", at + "network.topology");
        List<Dim> dims = new ArrayList<>();
        long total = 1;
        for (int i = 0; i < k; i++) {
            TopologyKind t = TopologyKind.fromName(topo.get(i));
            if (t == null)
                throw InputException.at(file, at + "network.topology[" + i + "]", "unknown topology '" + topo.get(i)
                        + "'; expected Ring, FullyConnected or Switch");
            int n = positiveInt(npus.get(i), file, at + "network.npus_count[" + i + "]");
            double b = positive(bw.get(i), file, at + "network.bandwidth[" + i + "]", "GB/s per GPU per direction (10^9 B/s)");
            FabricProfile f;
            if (!fab.get(i).isTextual() || fab.get(i).asText().isBlank())
                throw InputException.at(file, at + "fabric[" + i + "]", "found " + fab.get(i) + "; expected a fabric profile "
                        + "name " + FabricProfile.NAMES + " or a file");
            try {
                f = FabricProfile.named(fab.get(i).asText(), base(file));
            } catch (InputException e) {
                throw InputException.at(file, at + "fabric[" + i + "]", e.getMessage());
            }
            if (b > f.maxGBpsPerGpu())
                throw InputException.together(file, at + "network.bandwidth[" + i + "]", b + " GB/s per GPU per direction is more than "
                        + f.name() + " gives one GPU (" + f.maxGBpsPerGpu() + "); the unit is GB/s = 10^9 B/s per direction "
                        + "(not Gb/s, not bidirectional)", at + "network.bandwidth[" + i + "]", at + "fabric[" + i + "]");
            double l = lat == null ? 0 : nonNegative(lat.get(i), file, at + "network.latency[" + i + "]");
            // a domain's figures are read for dimension 0 only (the scale-up domain, or one GPU per node on a network):
            // on a network beyond it a copy of ib-ndr with a 5000 µs hop latency ran exactly as ib-ndr, without a word
            if (i > 0 && !f.scaleUp() && (f.hopLatencyUs() > 0 || f.simpleHopLatencyUs() > 0 || f.domainNics() > 0
                    || f.ringStepUs().values().stream().anyMatch(x -> x > 0)))
                throw InputException.at(file, at + "fabric[" + i + "]", f.name() + " gives a domain's figures (hop-latency-us, "
                        + "simple-hop-latency-us, ring-step-us, domain-nics), which are read for dimension 0 only; as a network "
                        + "dimension beyond it they would change nothing — remove them from the profile");
            // dimension 0 is innermost: a GPU-to-GPU (NVLink) domain outside a network between nodes is a reversed list
            if (f.scaleUp())
                for (int j = 0; j < i; j++)
                    if (!dims.get(j).fabric().scaleUp() && dims.get(j).npus() > 1)
                        throw InputException.together(file, at + "fabric[" + i + "]", f.name() + " is a scale-up (NVLink) fabric "
                                + "outside network dimension " + j + " (" + dims.get(j).fabric().name() + "); dimension 0 is "
                                + "innermost: list the scale-up dimensions first, e.g. [nvlink4-nvswitch, ib-ndr]",
                                at + "fabric[" + i + "]", at + "fabric[" + j + "]");
            dims.add(new Dim(t, n, b, l, f));
            total *= n;
            if (total > NetworkConfig.MAX_NPUS)
                throw InputException.at(file, at + "network.npus_count", "more than " + NetworkConfig.MAX_NPUS + " GPUs");
        }
        return new Cluster(file, g, List.copyOf(dims));
    }

    /** The clusters bundled in {@code sweeps/clusters/} that a name may stand for (read from the jar's copy). */
    public static final List<String> BUNDLED = List.of("aws-p4de", "aws-p5", "azure-ndmv4", "dgx-a100", "dgx-h100",
            "hgx-h200", "dgx-b200", "gb200-nvl72");

    /** The keys of a cluster section and of its network (a contract: the hardware-profiles issue). */
    public static final List<String> KEYS = List.of("gpu", "network", "fabric");
    public static final List<String> NETWORK_KEYS = List.of("topology", "npus_count", "bandwidth", "latency");

    /**
     * A cluster section as read: its mapping, the file it came from (its GPU and fabric file names are relative to that
     * file's folder; a bundled cluster's path in {@code sweeps/clusters/}), whether that file holds its own files
     * ({@code fromFile}: false for a bundled cluster) and the prefix its keys are named with in messages.
     */
    public record Source(com.fasterxml.jackson.databind.node.ObjectNode tree, Path file, boolean fromFile, String at) {
    }

    /**
     * The mapping a cluster section stands for: itself (written in {@code file}), or that of the bundled cluster or
     * cluster file a string names (relative to {@code file}); a cluster file naming another cluster is followed.
     */
    public static Source section(JsonNode c, Path file, String at) {
        if (c != null && c.isObject())
            return new Source(((com.fasterxml.jackson.databind.node.ObjectNode) c).deepCopy(), file, false, at);
        if (c == null || !c.isTextual()) throw InputException.at(file, "cluster", "expected a mapping with gpu, network and fabric, "
                + "or the name of a bundled cluster " + BUNDLED + " or of a cluster file");
        String name = c.asText();
        if (name.isBlank())
            throw InputException.at(file, at.isEmpty() ? "cluster" : at.substring(0, at.length() - 1), "has no value; expected a "
                    + "mapping (gpu, network, fabric), a bundled cluster " + BUNDLED + " or a cluster file");
        if (BUNDLED.contains(name)) {
            try (var in = Cluster.class.getResourceAsStream("clusters/" + name + ".yaml")) {
                if (in == null) throw new IllegalStateException("bundled cluster missing: " + name);
                JsonNode root = org.astradse.Keys.yaml().readTree(in);
                return new Source(((com.fasterxml.jackson.databind.node.ObjectNode) root.get("cluster")).deepCopy(),
                        Path.of("sweeps/clusters/" + name + ".yaml"), false, "cluster.");
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        Path p = (file == null || file.getParent() == null ? Path.of(name) : file.getParent().resolve(name)).normalize();
        if (!java.nio.file.Files.isRegularFile(p))
            throw InputException.at(file, at.isEmpty() ? "cluster" : at.substring(0, at.length() - 1), "'" + name + "' is "
                    + "neither a bundled cluster " + BUNDLED + " nor a cluster file (no file " + p + "); expected one of these "
                    + "or a mapping (gpu, network, fabric)");
        return read(p);
    }

    /** A cluster file: a {@code cluster:} section (a mapping, or the name of another cluster), or its keys at the top. */
    private static Source read(Path p) {
        JsonNode root = NetworkConfig.readTree(p, org.astradse.Keys.yaml());
        // a file with a cluster: section holds that section only (a gpu: beside it used to be ignored silently);
        // source: and description: document the file
        if (root.has("cluster")) org.astradse.Keys.allow(root, p, "", List.of("cluster", "source", "description"));
        JsonNode c = root.has("cluster") ? root.get("cluster") : root;
        String at = root.has("cluster") ? "cluster." : "";
        if (c.isTextual()) return section(c, p, at);
        if (!c.isObject()) throw InputException.at(p, "cluster", "expected a mapping with gpu, network and fabric, found " + c);
        Source s = section(c, p, at);
        return new Source(s.tree(), p, true, at);
    }

    private static Cluster named(String name, Path file, String at) {
        Source s = section(com.fasterxml.jackson.databind.node.TextNode.valueOf(name), file, at);
        return fromTree(s.tree(), s.file(), s.at());
    }

    /** The folder file names in {@code file} are relative to (null: the working directory). */
    static Path base(Path file) {
        return file == null ? null : file.toAbsolutePath().getParent();
    }

    private static List<String> list(JsonNode net, String key, Path file, String at, boolean text) {
        JsonNode v = net.get(key);
        if (v == null || !v.isArray())
            throw InputException.at(file, at + key, (v == null ? "missing" : "found " + v) + "; expected a list with one entry "
                    + "per dimension");
        List<String> out = new ArrayList<>();
        for (JsonNode x : v) {
            // a quoted number is a mistake in a numeric list, as everywhere else in the file ("450" for 450)
            if (!text && !x.isNumber())
                throw InputException.at(file, at + key + "[" + out.size() + "]", "expected a number, found " + x
                        + (x.isTextual() ? " (a string)" : ""));
            out.add(x.asText());
        }
        return out;
    }

    private static int positiveInt(String s, Path file, String at) {
        try {
            int n = Integer.parseInt(s.trim());
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // below
        }
        throw InputException.at(file, at, "expected a positive whole number of GPUs (at most " + Integer.MAX_VALUE + "), found '"
                + s + "'");
    }

    private static double positive(String s, Path file, String at, String unit) {
        try {
            double x = Double.parseDouble(s.trim());
            // from 10^-6, as an ASTRA-sim network's: 5e-324 passed "> 0" and gave Infinity µs
            if (x >= org.astradse.network.Dimension.MIN_GBPS && x <= org.astradse.network.Dimension.MAX_GBPS) return x;
        } catch (NumberFormatException e) {
            // below
        }
        throw InputException.at(file, at, "expected a number (" + unit + ") from 10^-6 to 10^12, found '" + s + "'");
    }

    private static double nonNegative(String s, Path file, String at) {
        try {
            double x = Double.parseDouble(s.trim());
            // a 2.0 network's bound (Dimension.MAX_LATENCY_NS): 10^30 ns ran, an iteration of 4·10^30 ns
            if (x >= 0 && x <= org.astradse.network.Dimension.MAX_LATENCY_NS) return x;
        } catch (NumberFormatException e) {
            // below
        }
        throw InputException.at(file, at, "expected a latency from 0 to 10^12 ns, found '" + s + "'");
    }
}
