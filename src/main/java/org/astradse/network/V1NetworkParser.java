package org.astradse.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.astradse.InputException;

/** Reads the ASTRA-sim 1.0 hierarchical network JSON (SEMANTICS 2.1) with the command line's overrides. */
public final class V1NetworkParser {
    private V1NetworkParser() {
    }

    /**
     * The command line's replacements for the per-dimension arrays ({@code --units-count}, …); null = keep.
     */
    public record Overrides(int[] unitsCount, int[] linksCount, double[] linkBandwidth, double[] linkLatency) {
        public static final Overrides NONE = new Overrides(null, null, null, null);

        /** Checks every given array against the network's dimension count; messages name the option. */
        public Overrides checked(int dims) {
            checkInts(unitsCount, dims, "--units-count");
            checkInts(linksCount, dims, "--links-count");
            checkDoubles(linkBandwidth, dims, "--link-bandwidth", true);
            checkDoubles(linkLatency, dims, "--link-latency", false);
            return this;
        }

        /** The overrides applied to a 2.0 network (which has no links-count). */
        public NetworkConfig applyTo(NetworkConfig net) {
            if (linksCount != null) throw new InputException("--links-count applies to 1.0 network JSON files only");
            checked(net.dimensionCount());
            List<Dimension> dims = new ArrayList<>();
            for (int k = 0; k < net.dimensionCount(); k++) {
                Dimension d = net.dimension(k);
                dims.add(new Dimension(d.topology(), unitsCount != null ? unitsCount[k] : d.npus(),
                        linkBandwidth != null ? linkBandwidth[k] : d.bandwidthGBps(),
                        linkLatency != null ? linkLatency[k] : d.latencyNs()));
            }
            return new NetworkConfig(dims, net.v1());
        }

        private static void checkInts(int[] v, int dims, String option) {
            if (v == null) return;
            if (v.length != dims)
                throw new InputException(option + ": expected " + dims + " values (one per dimension), found " + v.length);
            for (int x : v) if (x < 1) throw new InputException(option + ": expected positive integers, found " + x);
        }

        private static void checkDoubles(double[] v, int dims, String option, boolean positive) {
            if (v == null) return;
            if (v.length != dims)
                throw new InputException(option + ": expected " + dims + " values (one per dimension), found " + v.length);
            for (double x : v) {
                if (!Dimension.valid(x, positive) || x > MAX)
                    throw new InputException(option + ": expected " + (positive ? "positive" : "non-negative")
                            + " numbers up to 10^12, found " + x);
            }
        }
    }

    /**
     * The largest latency (ns), bandwidth (GB/s) or scale a 1.0 network takes, as the 2.0 reader's bounds
     * ({@link Dimension#MAX_LATENCY_NS}, {@link Dimension#MAX_GBPS}): beyond it a value is a unit mistake, and a
     * simulated time would wrap past 2^63 ns (10^18 ns of link latency read as 5 ns end to end).
     */
    static final double MAX = Math.min(Dimension.MAX_LATENCY_NS, Dimension.MAX_GBPS);

    private static final Set<String> KEYS = org.astradse.Keys.ordered("topology-name", "dimensions-count", "topologies-per-dim",
            "dimension-type", "units-count", "links-count", "link-latency", "link-bandwidth", "nic-latency",
            "router-latency", "hbm-latency", "hbm-bandwidth", "hbm-scale");

    public static NetworkConfig parse(Path file, Overrides o) {
        return parse(file, o, new ArrayList<>());
    }

    /** Parses; warnings (odd ring links, inexact FC scalar, unknown keys) go to {@code warnings}. */
    public static NetworkConfig parse(Path file, Overrides o, List<String> warnings) {
        return fromTree(NetworkConfig.readTree(file, new ObjectMapper()), file, o, warnings);
    }

    /** Builds a 1.0 network from its JSON tree ({@code file} names it in messages; may be null). */
    public static NetworkConfig fromTree(JsonNode root, Path file, Overrides o, List<String> warnings) {
        if (!root.isObject()) throw InputException.at(file, null, "expected a JSON object (ASTRA-sim 1.0 network)");
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) unknown.add(k);
        }
        if (!unknown.isEmpty()) warnings.add(file + ": unknown keys ignored: " + String.join(", ", unknown));
        JsonNode name = root.get("topology-name");
        if (name != null && !name.asText().equals("Hierarchical"))
            throw InputException.at(file, "topology-name", "expected \"Hierarchical\", found " + name);
        JsonNode topo = array(root, "topologies-per-dim", file);
        int dims = topo.size();
        JsonNode count = root.get("dimensions-count");
        if (count != null && (!count.isIntegralNumber() || count.asInt() != dims))
            throw InputException.shape(file, "dimensions-count", "expected " + dims + " (the length of topologies-per-dim), found "
                    + count);
        if (dims == 0) throw InputException.at(file, "topologies-per-dim", "expected at least one dimension");
        o.checked(dims);
        int[] units = o.unitsCount() != null ? o.unitsCount() : ints(root, "units-count", file, dims, 1);
        int[] links = o.linksCount() != null ? o.linksCount() : ints(root, "links-count", file, dims, 0);
        double[] bw = o.linkBandwidth() != null ? o.linkBandwidth() : doubles(root, "link-bandwidth", file, dims, true);
        double[] lat = o.linkLatency() != null ? o.linkLatency() : doubles(root, "link-latency", file, dims, false);
        double[] nic = optionalDoubles(root, "nic-latency", file, dims);
        double[] router = optionalDoubles(root, "router-latency", file, dims);
        double[] hbmLat = optionalDoubles(root, "hbm-latency", file, dims);
        double[] hbmBw = optionalDoubles(root, "hbm-bandwidth", file, dims);
        double[] hbmScale = optionalDoubles(root, "hbm-scale", file, dims);
        JsonNode types = root.get("dimension-type");
        List<Dimension> out = new ArrayList<>();
        List<V1LinkTerms> terms = new ArrayList<>();
        long total = 1;
        for (int k = 0; k < dims; k++) {
            TopologyKind kind = topo.get(k).isTextual() ? TopologyKind.fromName(topo.get(k).asText()) : null;
            if (kind == null)
                throw InputException.at(file, "topologies-per-dim[" + k + "]", "expected Ring, FullyConnected or Switch, found "
                        + topo.get(k));
            String type = types != null && types.isArray() && k < types.size() ? types.get(k).asText() : "N";
            if (type.equals("PP") && kind != TopologyKind.SWITCH)
                throw InputException.at(file, "dimension-type[" + k + "]", "PP is only allowed on Switch dimensions, found it on "
                        + kind);
            int scalar;
            switch (kind) {
                case RING -> {
                    scalar = links[k] % 2 == 0 ? links[k] : links[k] - 1;
                    if (links[k] % 2 != 0 && scalar > 0)
                        warnings.add(file + ": links-count[" + k + "] = " + links[k] + " is odd on a Ring; " + scalar + " links used");
                }
                case FULLY_CONNECTED -> {
                    scalar = units[k] > 1 ? links[k] / (units[k] - 1) : links[k];
                    if (units[k] > 1 && links[k] % (units[k] - 1) != 0 && scalar > 0)
                        warnings.add(file + ": links-count[" + k + "] = " + links[k] + " is not a multiple of n-1 = " + (units[k] - 1)
                                + "; link scalar " + scalar);
                }
                default -> scalar = links[k];
            }
            if (scalar <= 0)
                throw InputException.at(file, "links-count[" + k + "]", "Bandwidth scalar of dimension " + k + " is 0 ("
                        + links[k] + " link(s) on a " + kind + " of " + units[k] + " NPUs)");
            total *= units[k];
            if (total > NetworkConfig.MAX_NPUS)
                throw InputException.at(file, "units-count", "more than " + NetworkConfig.MAX_NPUS + " NPUs in total");
            out.add(new Dimension(kind, units[k], bw[k] * scalar, lat[k]));
            terms.add(new V1LinkTerms(bw[k], scalar, nic[k], router[k], hbmLat[k], hbmBw[k], hbmScale[k], type));
            if (hbmScale[k] != 0 && !(hbmBw[k] > 0))
                throw InputException.at(file, "hbm-bandwidth[" + k + "]", "expected a positive number when hbm-scale is not 0");
        }
        return new NetworkConfig(out, terms);
    }

    private static JsonNode array(JsonNode root, String key, Path file) {
        JsonNode v = root.get(key);
        if (v == null || !v.isArray()) {
            // a missing key beside keys the format does not have is most likely misspelt: name them
            List<String> unknown = new ArrayList<>();
            root.fieldNames().forEachRemaining(k -> {
                if (!KEYS.contains(k)) unknown.add(k);
            });
            throw InputException.at(file, key, (v == null ? "missing" : "not an array (" + v + ")")
                    + "; expected one entry per dimension" + (unknown.isEmpty() ? ""
                    : " (the file has keys the ASTRA-sim 1.0 network format does not: " + String.join(", ", unknown) + ")"));
        }
        return v;
    }

    private static int[] ints(JsonNode root, String key, Path file, int dims, int min) {
        JsonNode a = array(root, key, file);
        if (a.size() != dims) throw InputException.shape(file, key, "expected " + dims + " entries (one per dimension), found " + a.size());
        int[] r = new int[dims];
        for (int i = 0; i < dims; i++) {
            JsonNode v = a.get(i);
            if (!v.isIntegralNumber() || v.asInt() < min)
                throw InputException.at(file, key + "[" + i + "]", "expected an integer >= " + min + ", found " + v);
            r[i] = v.asInt();
        }
        return r;
    }

    private static double[] doubles(JsonNode root, String key, Path file, int dims, boolean positive) {
        JsonNode a = array(root, key, file);
        if (a.size() != dims) throw InputException.shape(file, key, "expected " + dims + " entries (one per dimension), found " + a.size());
        double[] r = new double[dims];
        for (int i = 0; i < dims; i++) {
            JsonNode v = a.get(i);
            if (!v.isNumber() || !Dimension.valid(v.asDouble(), positive) || v.asDouble() > MAX)
                throw InputException.at(file, key + "[" + i + "]", "expected a " + (positive ? "positive" : "non-negative")
                        + " number up to 10^12, found " + v);
            r[i] = v.asDouble();
        }
        return r;
    }

    private static double[] optionalDoubles(JsonNode root, String key, Path file, int dims) {
        if (!root.has(key)) return new double[dims];
        return doubles(root, key, file, dims, false);
    }
}
