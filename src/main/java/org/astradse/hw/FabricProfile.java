package org.astradse.hw;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.astradse.InputException;

/**
 * A link technology as NCCL meets it: per protocol (LL, LL128, Simple) a latency and the fraction of the line rate a
 * collective's bus bandwidth reaches ({@link NcclModel}); whether its switches reduce in the network (NVLS on NVSwitch
 * gen 3+, SHARP on InfiniBand) and by how much that raises an all-reduce's bus bandwidth. Bandwidths themselves are
 * the cluster's (what the technology gives one GPU in that dimension, GB/s = 10^9 B/s per direction).
 *
 * @param name              the profile's name (a contract: {@link #NAMES})
 * @param source            where the figures come from, and which are fitted
 * @param scaleUp           a GPU-to-GPU domain (NVLink) rather than a network between nodes
 * @param latencyUs         per protocol {@code ll}, {@code ll128}, {@code simple}: latency of one collective on the
 *                          reference topology (one node of 8, or two nodes), µs
 * @param efficiency        per protocol: bus bandwidth as a fraction of the line rate
 * @param inNetworkReduction whether the switches reduce (NVLS / SHARP)
 * @param defaultLatencyNs  per-hop latency when the cluster gives none, ns
 * @param p2pEfficiency     a point-to-point stream's (sendrecv) fraction of the line rate with the Simple protocol
 *                          (NCCL runs p2p on fewer channels than collectives); the Simple efficiency when not given
 * @param nvlsEfficiency    NVLS: algbw as a fraction of the line rate (each byte crosses a GPU's link once per
 *                          direction); 0 without in-network reduction
 * @param hopLatencyUs      a scale-up domain's latency per GPU beyond 8 for trees and NVLS, µs
 * @param domainNics        the most NICs' worth of bandwidth one domain of this fabric drives toward the next dimension
 *                          in a ring, tree or NVLSTree (NCCL runs a collective on a limited number of channels, each
 *                          crossing the network through one NIC); 0: every GPU's NIC
 * @param maxGBpsPerGpu     the most one GPU can get from this technology, GB/s per direction (a guard against Gb/s or
 *                          bidirectional figures)
 * @param unitCosts         $ per GB/s (per GPU, per direction) of the technology's links, switch ports and NICs, for a
 *                          cluster's network cost (LIBRA's cost model); default LIBRA's classes — InterPackage for a
 *                          scale-up fabric, InterPod for a network
 * @param sharpEfficiency   a network that reduces in its switches (SHARP): the line-rate fraction a node's NICs reach on
 *                          that path (NVLSTree's traffic between nodes); 0: the protocol's efficiency. Other collectives
 *                          and algorithms on the same network keep {@code efficiency}.
 * @param p2pStepUs         a network on NCCL's own InfiniBand/RoCE transport: the time of one proxy step of a
 *                          point-to-point stream, µs. NCCL sends to one peer over the network on
 *                          {@link #P2P_CHANNELS_PER_PEER} channels of {@link #P2P_CHUNK_BYTES}-byte chunks (its defaults
 *                          {@code NCCL_NCHANNELS_PER_NET_PEER}, {@code NCCL_P2P_NET_CHUNKSIZE}), one chunk per channel per
 *                          step, so one peer gets at most {@link #p2pPeerGBps()} whatever the NIC's rate
 *                          (NVIDIA/nccl#1272, #2409). 0: no such bound (scale-up fabrics, other transports)
 * @param ringStepUs        per protocol: one ring step inside the scale-up domain, µs. NCCL's tuner
 *                          ({@code src/graph/tuning.cc}) prices a ring at a latency per step, 2(n − 1) steps for an
 *                          all-reduce and n − 1 for the others over all n ranks, the steps between nodes at the network's
 *                          latency; {@link NcclModel} adds the steps beyond an 8-GPU node's. Default: {@link #hopLatencyUs}
 *                          for every protocol
 * @param simpleHopLatencyUs an all-reduce's latency per GPU beyond 8 in the domain with the Simple protocol (trees, NVLS,
 *                          NVLSTree), µs: what a large domain costs a bandwidth-bound collective beyond the fabric's
 *                          8-GPU latency. Default: {@link #hopLatencyUs}
 * @param maxDomainGpus     a scale-up fabric: the most GPUs one domain of the technology has been built with (NVLink4's
 *                          NVLink Switch System 256, NVLink5's 576); a cluster beyond it is warned about; 0: no bound
 * @param p2pChannelGbps    a scale-up fabric: what one NCCL point-to-point channel (one thread block copying through
 *                          the peer's FIFO) moves inside the domain, GB/s (10^9 B/s) — a send to one peer runs on as many
 *                          channels as its size earns ({@link NcclModel#p2pChannels}), so a mid-size sendrecv is
 *                          channel-bound below the link's rate; 0: no such bound
 */
public record FabricProfile(String name, String source, boolean scaleUp, Map<String, Double> latencyUs,
                            Map<String, Double> efficiency, boolean inNetworkReduction,
                            double defaultLatencyNs, double p2pEfficiency, double nvlsEfficiency, double hopLatencyUs, int domainNics,
                            double maxGBpsPerGpu, org.astradse.cost.UnitCosts unitCosts, double sharpEfficiency,
                            double p2pStepUs, Map<String, Double> ringStepUs, double simpleHopLatencyUs, int maxDomainGpus,
                            double p2pChannelGbps) {

    /**
     * The smallest efficiency a fabric or GPU profile may give (the fitted TCPXO LL efficiency is 5·10^-4): below it a
     * time is a unit mistake (5e-324 passed "> 0" and gave Infinity µs).
     */
    static final double MIN_FRACTION = 1e-6;

    /** NCCL's default channels per network peer for send/recv ({@code NCCL_NCHANNELS_PER_NET_PEER}). */
    public static final int P2P_CHANNELS_PER_PEER = 2;
    /** NCCL's default chunk of a network send/recv step ({@code NCCL_P2P_NET_CHUNKSIZE}), bytes. */
    public static final int P2P_CHUNK_BYTES = 128 * 1024;

    /** The bundled profiles' names (a contract). */
    public static final List<String> NAMES = List.of("nvlink3-nvswitch", "nvlink4-nvswitch", "nvlink5-nvswitch",
            "nvlink-bridge", "ib-hdr", "ib-ndr", "ib-ndr-sharp", "ib-xdr", "roce-400g", "efa-v1", "efa-v2", "gcp-tcpxo", "omnipath");

    /** NCCL's protocols, in the order the model tries them. */
    public static final List<String> PROTOCOLS = List.of("ll", "ll128", "simple");

    private static final Profiles<FabricProfile> PROFILES = new Profiles<>("fabric", "fabrics", NAMES, FabricProfile::fromTree);

    /** A bundled profile by name, or a profile file (YAML with the same fields). */
    public static FabricProfile named(String nameOrFile) {
        return PROFILES.named(nameOrFile);
    }

    /** {@link #named(String)} with a file name relative to {@code base}. */
    public static FabricProfile named(String nameOrFile, Path base) {
        return PROFILES.named(nameOrFile, base);
    }

    public double latencyUs(String protocol) {
        return latencyUs.get(protocol);
    }

    public double efficiency(String protocol) {
        return efficiency.get(protocol);
    }

    public double ringStepUs(String protocol) {
        return ringStepUs.get(protocol);
    }

    /**
     * Whether this fabric runs NVLS (in-switch all-reduce of an NVSwitch domain): a scale-up fabric that reduces in the
     * network with an NVLS efficiency. InfiniBand's SHARP also reduces in the network, but between nodes (NVLSTree).
     */
    public boolean nvls() {
        return scaleUp && inNetworkReduction && nvlsEfficiency > 0;
    }

    /**
     * Efficiency of the in-network reduction path (SHARP under NVLSTree) for a protocol: {@link #sharpEfficiency} when
     * given (at most the protocol's own), the protocol's efficiency otherwise.
     */
    public double reductionEfficiency(String protocol) {
        double e = efficiency.get(protocol);
        return sharpEfficiency > 0 ? Math.min(e, sharpEfficiency) : e;
    }

    /**
     * The most one point-to-point stream to one peer reaches over this network, GB/s (10^9 B/s): the channels' chunks
     * once per proxy step ({@link #p2pStepUs}); unbounded without a step time.
     */
    public double p2pPeerGBps() {
        if (p2pStepUs <= 0) return Double.POSITIVE_INFINITY;
        return org.astradse.network.Units.bytesPerSecondToDecimalGBps(
                (double) P2P_CHANNELS_PER_PEER * P2P_CHUNK_BYTES / org.astradse.network.Units.microsToSeconds(p2pStepUs));
    }

    /** Efficiency of a protocol for an operation: sendrecv with Simple uses the point-to-point efficiency. */
    public double efficiency(String protocol, String op) {
        double e = efficiency.get(protocol);
        return op.equals("sendrecv") ? Math.min(e, p2pEfficiency) : e;
    }

    static FabricProfile fromTree(JsonNode t, Path file) {
        org.astradse.Keys.allow(t, file, "", List.of("name", "source", "scale-up", "latency-us", "efficiency",
                "in-network-reduction", "default-latency-ns", "p2p-efficiency", "nvls-efficiency", "hop-latency-us", "domain-nics",
                "max-gbps-per-gpu", "unit-costs", "sharp-efficiency", "p2p-step-us", "ring-step-us", "simple-hop-latency-us",
                "max-domain-gpus", "p2p-channel-gbps"));
        JsonNode name = t.get("name");
        if (name == null || !name.isTextual()) throw InputException.at(file, "name", "missing; expected a string");
        Map<String, Double> lat = perProtocol(t, "latency-us", file, false);
        Map<String, Double> eff = perProtocol(t, "efficiency", file, true);
        boolean inr = bool(t, "in-network-reduction", file);
        double latNs = number(t, "default-latency-ns", -1, file);
        if (!t.has("default-latency-ns")) throw InputException.at(file, "default-latency-ns", "missing; expected a latency >= 0 ns");
        if (!(latNs >= 0 && latNs <= org.astradse.network.Dimension.MAX_LATENCY_NS))
            throw InputException.at(file, "default-latency-ns", "expected a latency from 0 to 10^12 ns, found " + latNs);
        double p2p = number(t, "p2p-efficiency", eff.get("simple"), file);
        if (!(p2p >= MIN_FRACTION && p2p <= 1))
            throw InputException.at(file, "p2p-efficiency", "expected a fraction from 10^-6 to 1, found " + p2p);
        double nvlsEff = number(t, "nvls-efficiency", 0, file);
        if (!(nvlsEff == 0 || nvlsEff >= MIN_FRACTION && nvlsEff <= 1))
            throw InputException.at(file, "nvls-efficiency", "expected 0 (no NVLS) or a fraction from 10^-6 to 1, found " + nvlsEff);
        double hop = number(t, "hop-latency-us", 0, file);
        if (!(hop >= 0 && hop <= 1e7)) throw InputException.at(file, "hop-latency-us", "expected a latency from 0 to 10^7 µs (10 s), found " + hop);
        double simpleHop = number(t, "simple-hop-latency-us", hop, file);
        if (!(simpleHop >= 0 && simpleHop <= 1e7))
            throw InputException.at(file, "simple-hop-latency-us", "expected a latency from 0 to 10^7 µs (10 s), found " + simpleHop);
        double maxDomain = number(t, "max-domain-gpus", 0, file);
        if (!(maxDomain >= 0 && maxDomain == Math.rint(maxDomain) && maxDomain <= org.astradse.network.NetworkConfig.MAX_NPUS))
            throw InputException.at(file, "max-domain-gpus", "expected a whole number of GPUs >= 0 (0: no bound), found " + maxDomain);
        if (maxDomain > 0 && !bool(t, "scale-up", file))
            throw InputException.at(file, "max-domain-gpus", "applies to a scale-up fabric (scale-up: true)");
        double heads = number(t, "domain-nics", 0, file);
        if (!(heads >= 0 && heads == Math.rint(heads) && heads < 1e6))
            throw InputException.at(file, "domain-nics", "expected a whole number of NICs >= 0 (0: every GPU's), found " + heads);
        double max = number(t, "max-gbps-per-gpu", Double.POSITIVE_INFINITY, file);
        if (t.hasNonNull("max-gbps-per-gpu") && !(max > 0 && max <= org.astradse.network.Dimension.MAX_GBPS))
            throw InputException.at(file, "max-gbps-per-gpu", "expected a positive bandwidth up to 10^12 GB/s, found " + max);
        boolean scaleUp = bool(t, "scale-up", file);
        double sharp = number(t, "sharp-efficiency", 0, file);
        if (!(sharp == 0 || sharp >= MIN_FRACTION && sharp <= 1))
            throw InputException.at(file, "sharp-efficiency", "expected 0 (the protocols' efficiency) or a fraction from 10^-6 "
                    + "to 1, found " + sharp);
        if (sharp > 0 && (!inr || scaleUp))
            throw InputException.at(file, "sharp-efficiency", "applies to a network that reduces in its switches "
                    + "(in-network-reduction: true, scale-up: false)");
        double step = number(t, "p2p-step-us", 0, file);
        if (!(step >= 0 && step <= 1e7))
            throw InputException.at(file, "p2p-step-us", "expected a step time in µs from 0 (no bound) to 10^7, found " + step);
        if (step > 0 && scaleUp)
            throw InputException.at(file, "p2p-step-us", "applies to a network between nodes (scale-up: false)");
        double channel = number(t, "p2p-channel-gbps", 0, file);
        if (!(channel == 0 || channel >= MIN_FRACTION && channel <= org.astradse.network.Dimension.MAX_GBPS))
            throw InputException.at(file, "p2p-channel-gbps", "expected 0 (no bound) or a bandwidth from 10^-6 to 10^12 GB/s, found " + channel);
        if (channel > 0 && !scaleUp)
            throw InputException.at(file, "p2p-channel-gbps", "applies to a scale-up fabric (scale-up: true)");
        Map<String, Double> ring = t.has("ring-step-us") ? perProtocol(t, "ring-step-us", file, false)
                : Map.of("ll", hop, "ll128", hop, "simple", hop);
        org.astradse.cost.UnitCosts dflt = (scaleUp ? org.astradse.cost.CostClass.INTER_PACKAGE
                : org.astradse.cost.CostClass.INTER_POD).defaults();
        org.astradse.cost.UnitCosts costs = dflt;
        JsonNode uc = t.get("unit-costs");
        if (uc != null) costs = unitCosts(uc, dflt, file, "unit-costs");
        // NVLS is the NVSwitch's: a network's NVLS efficiency is never read (its other domain figures are, when the
        // network is a cluster's dimension 0 — one GPU per node —, and refused by Cluster beyond it)
        if (!scaleUp && nvlsEff > 0)
            throw InputException.at(file, "nvls-efficiency", "applies to a scale-up fabric (scale-up: true: NVLS is the "
                    + "NVSwitch's in-switch reduction); a network between nodes has no such figure");
        return new FabricProfile(name.asText(), t.path("source").asText(""), scaleUp, lat, eff,
                inr, latNs, p2p, nvlsEff, hop, (int) heads, max, costs, sharp, step, ring, simpleHop, (int) maxDomain, channel);
    }

    /** {@code {link: $, switch: $, nic: $}} per GB/s; keys left out keep {@code dflt}'s. */
    public static org.astradse.cost.UnitCosts unitCosts(JsonNode uc, org.astradse.cost.UnitCosts dflt, Path file, String at) {
        if (!uc.isObject()) throw InputException.at(file, at, "expected {link: …, switch: …, nic: …} in $ per GB/s");
        double[] v = {dflt.linkUsdPerGBps(), dflt.switchUsdPerGBps(), dflt.nicUsdPerGBps()};
        String[] keys = {"link", "switch", "nic"};
        for (var it = uc.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            int i = List.of(keys).indexOf(k);
            if (i < 0) throw InputException.at(file, at + "." + k, "unknown key; expected link, switch or nic ($ per GB/s)");
            JsonNode x = uc.get(k);
            if (!x.isNumber() || !org.astradse.cost.UnitCosts.validUsd(x.asDouble()))
                throw InputException.at(file, at + "." + k, "expected a cost from 0 to 10^9 ($ per GB/s), found " + x);
            v[i] = x.asDouble();
        }
        return new org.astradse.cost.UnitCosts(v[0], v[1], v[2]);
    }

    /** An optional number: {@code dflt} when absent; a value of another type is refused, not read as the default. */
    private static double number(JsonNode t, String key, double dflt, Path file) {
        JsonNode v = t.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) throw InputException.at(file, key, "expected a finite number, found " + v);
        return v.asDouble();
    }

    /** An optional true/false, false when absent. */
    private static boolean bool(JsonNode t, String key, Path file) {
        JsonNode v = t.get(key);
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw InputException.at(file, key, "expected true or false, found " + v);
        return v.asBoolean();
    }

    private static Map<String, Double> perProtocol(JsonNode t, String key, Path file, boolean fraction) {
        JsonNode m = t.get(key);
        if (m == null || !m.isObject()) throw InputException.at(file, key, "expected {ll: …, ll128: …, simple: …}");
        org.astradse.Keys.allow(m, file, key + ".", PROTOCOLS);
        Map<String, Double> out = new HashMap<>();
        for (String p : PROTOCOLS) {
            JsonNode v = m.get(p);
            // a latency above 10 s is a unit mistake (the profile's hop latency and the GPU profile's durations have the same bound)
            if (v == null || !v.isNumber() || !(v.asDouble() > 0) || (fraction ? v.asDouble() > 1 || v.asDouble() < MIN_FRACTION
                    : !(v.asDouble() <= 1e7)))
                throw InputException.expected(file, key + "." + p, "expected a " + (fraction ? "fraction from 10^-6 to 1"
                        : "positive number up to 10^7 (µs: 10 s)"), v);
            out.put(p, v.asDouble());
        }
        return Map.copyOf(out);
    }
}
