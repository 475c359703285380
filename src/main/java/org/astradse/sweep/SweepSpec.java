package org.astradse.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.jexl3.JexlExpression;
import org.astradse.InputException;
import org.astradse.collective.SystemConfig;
import org.astradse.collective.V1SystemParser;
import org.astradse.network.NetworkConfig;

/**
 * A sweep spec (YAML): base inputs, the domains of the swept fields, derived values, constraints and cost classes.
 * See the README's "Sweep spec" section. Paths in the spec are relative to the spec file.
 *
 * @param name        results go to results/NAME by default
 * @param file        the spec file
 * @param raw         the spec as read (for the manifest)
 * @param workloads   one or more workloads (1.0 text files, or Chakra ET prefixes); several form an implicit first
 *                    domain {@code workload}
 * @param chakra      the workloads that are Chakra ET trace sets, by prefix
 * @param network     base network tree (2.0 keys, or 1.0 JSON keys when {@code networkV1})
 * @param system      base system tree (2.0 JSON keys, or 1.0 txt keys when {@code systemV1})
 * @param run         run options: num-passes, comm-scale, compute-scale, injection-scale, num-queues-per-dim,
 *                    rendezvous-protocol
 * @param cost        cost classes and unit-cost overrides
 * @param domains     swept domains in order (the last varies fastest)
 * @param derived     values computed per point, in order
 * @param constraints expressions every feasible point satisfies
 * @param groupBy     parameter columns whose values each get their own Pareto front (default: {@code workload} when
 *                    there are several workloads — a fast workload must not hide a slow one)
 * @param train       an LLM training study's base configuration (model, parallel, cluster: as {@code train --config},
 *                    files it names read in), or null for an ASTRA-sim study; its paths are {@code parallel.tp},
 *                    {@code model}, {@code cluster.network.bandwidth[1]}, …
 */
public record SweepSpec(String name, String description, Path file, JsonNode raw, List<Path> workloads,
                        java.util.Map<Path, ChakraWorkload> chakra, ObjectNode network,
                        boolean networkV1, ObjectNode system, boolean systemV1, ObjectNode run, ObjectNode cost,
                        List<Domain> domains, List<Derived> derived, List<Constraint> constraints, List<String> groupBy,
                        ObjectNode train) {

    /**
     * A Chakra ET workload of a sweep: {@code {chakra: PREFIX, memory: FILE, comm-groups: FILE}} (the last two optional:
     * {@code --remote-memory-configuration} and {@code --comm-group-configuration}).
     */
    public record ChakraWorkload(Path prefix, Path memory, Path commGroups) {
    }

    /** A derived value: an expression whose result is written at a path. */
    public record Derived(ParamPath path, JexlExpression expression) {
    }

    /** A constraint and its source text (for the infeasibility message). */
    public record Constraint(String source, JexlExpression expression) {
    }

    private static final Set<String> TOP = org.astradse.Keys.ordered("name", "description", "workloads", "workload", "network", "system", "run",
            "cost", "sweep", "derived", "constraints", "group-by", "colour-by", "train", "cluster");
    static final Set<String> RUN_KEYS = org.astradse.Keys.ordered("num-passes", "comm-scale", "compute-scale", "injection-scale",
            "num-queues-per-dim", "rendezvous-protocol", "congestion");

    public static SweepSpec parse(Path file) {
        ObjectMapper yaml = org.astradse.Keys.yaml();
        JsonNode root = NetworkConfig.readTree(file, yaml);
        if (!root.isObject()) throw InputException.at(file, null, "expected a mapping (see the README's sweep spec section)");
        // a section written with nothing after it (`derived:`) reads as "": it is absent, as `derived: ~` is
        for (String k : List.of("description", "sweep", "derived", "constraints", "group-by", "colour-by"))
            if (root.path(k).isTextual() && root.get(k).asText().isEmpty()) ((ObjectNode) root).putNull(k);
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!TOP.contains(k)) throw InputException.at(file, k, "unknown key; expected one of " + TOP);
        }
        Path dir = file.toAbsolutePath().getParent();
        String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        if (root.hasNonNull("name") && !root.get("name").isValueNode())
            throw InputException.at(file, "name", "expected one word (it names the results folder), found " + root.get("name"));
        String name = root.hasNonNull("name") ? root.get("name").asText() : stem;
        if (!name.matches("[A-Za-z0-9._\\-]+") || name.matches("\\.+"))
            throw InputException.at(file, "name", "use letters, digits, '.', '_' or '-' (it names the results folder), found '"
                    + name + "'");
        if (root.hasNonNull("description") && !root.get("description").isValueNode())
            throw InputException.at(file, "description", "expected one line of text, found " + root.get("description"));
        String description = root.hasNonNull("description") ? root.get("description").asText() : "";
        if (root.has("train")) return parseTrain(file, root, yaml, dir, name, description);

        List<Path> workloads = new ArrayList<>();
        if (root.has("workloads") && root.has("workload"))
            throw InputException.at(file, "workload", "given beside workloads: one of them would be ignored; list every "
                    + "workload under workloads");
        JsonNode w = root.has("workloads") ? root.get("workloads") : root.get("workload");
        if (w == null) throw InputException.at(file, "workloads", "missing; expected one or more workload files");
        java.util.Map<Path, ChakraWorkload> chakra = new java.util.HashMap<>();
        int wi = 0;
        for (JsonNode x : w.isArray() ? w : List.of(w)) {
            String at = "workloads[" + wi++ + "]";
            if (x.isObject()) {
                for (var it = x.fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    if (!Set.of("chakra", "memory", "comm-groups").contains(k))
                        throw InputException.at(file, at + "." + k, "unknown key; a workload is a 1.0 text file or {chakra: "
                                + "PREFIX, memory: FILE, comm-groups: FILE}");
                }
                if (!x.hasNonNull("chakra") || !x.get("chakra").isTextual())
                    throw InputException.at(file, at, "expected {chakra: PREFIX} (PREFIX.0.et … is the trace set), found " + x);
                Path p = dir.resolve(x.get("chakra").asText()).normalize();
                if (!Files.isRegularFile(Path.of(p + ".0.et")))
                    throw InputException.at(file, at + ".chakra", "no trace set at " + p + " (expected " + p + ".0.et …)");
                Path mem = null;
                Path groups = null;
                if (x.hasNonNull("memory")) {
                    mem = dir.resolve(x.get("memory").asText()).normalize();
                    if (!Files.isRegularFile(mem)) throw InputException.at(file, at + ".memory", "file " + mem + " not found");
                }
                if (x.hasNonNull("comm-groups")) {
                    groups = dir.resolve(x.get("comm-groups").asText()).normalize();
                    if (!Files.isRegularFile(groups))
                        throw InputException.at(file, at + ".comm-groups", "file " + groups + " not found");
                }
                chakra.put(p, new ChakraWorkload(p, mem, groups));
                workloads.add(p);
                continue;
            }
            if (!x.isTextual()) throw InputException.at(file, at, "expected a workload file path or {chakra: PREFIX}, found " + x);
            Path p = dir.resolve(x.asText()).normalize();
            if (!Files.isRegularFile(p)) throw InputException.at(file, "workloads", "workload file " + p
                    + (Files.isDirectory(p) ? " is a folder; expected a 1.0 workload file or {chakra: PREFIX}" : " not found"));
            workloads.add(p);
        }
        if (workloads.isEmpty()) throw InputException.at(file, "workloads", "expected at least one workload file");

        // network: a file (1.0 JSON or 2.0 YAML) or inline 2.0 keys — or a cluster (its network and fabrics, the
        // calibrated analytical network of each point: Cluster.analyticalNetwork)
        JsonNode n = root.get("network");
        if (root.has("cluster") && n != null)
            throw InputException.at(file, "cluster", "a study names either a network or a cluster (whose network it is), not both");
        if (root.has("cluster")) n = clusterNetwork(root.get("cluster"), file, dir);
        if (n == null || !n.isObject()) throw InputException.at(file, "network", "missing; expected {file: PATH} or inline "
                + "topology / npus_count / bandwidth / latency lists");
        ObjectNode network;
        boolean networkV1 = false;
        if (n.has("file")) {
            fileAlone(n, file, "network");
            Path p = dir.resolve(n.get("file").asText()).normalize();
            if (!Files.isRegularFile(p))
                throw InputException.at(file, "network.file", Files.isDirectory(p) ? p + " is a folder; expected a file" : "no file " + p);
            networkV1 = NetworkConfig.isV1File(p);
            // an ASTRA-sim network file: read as the reference formats are (no check beyond theirs)
            JsonNode t = NetworkConfig.readTree(p, networkV1 ? new ObjectMapper()
                    : new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()));
            if (!t.isObject()) throw InputException.at(p, null, "expected a mapping");
            network = (ObjectNode) t;
        } else {
            network = ((ObjectNode) n).deepCopy();
        }
        // system: a file (1.0 txt or 2.0 JSON) or inline 2.0 keys
        JsonNode s = root.get("system");
        if (s == null || !s.isObject()) throw InputException.at(file, "system", "missing; expected {file: PATH} or inline 2.0 keys");
        ObjectNode system;
        boolean systemV1 = false;
        if (s.has("file")) {
            fileAlone(s, file, "system");
            Path p = dir.resolve(s.get("file").asText()).normalize();
            if (!Files.isRegularFile(p))
                throw InputException.at(file, "system.file", Files.isDirectory(p) ? p + " is a folder; expected a file" : "no file " + p);
            if (SystemConfig.isV2File(p)) {
                JsonNode t = NetworkConfig.readTree(p, new ObjectMapper());
                if (!t.isObject()) throw InputException.at(p, null, "expected a JSON object");
                system = (ObjectNode) t;
                // the reference's warnings for its own file (unknown keys ignored, keys it never reads), once per run as
                // `simulate` prints them; a value a domain replaces is checked with the domains
                try {
                    for (String warn : SystemConfig.fromJsonTree(t, p).warnings()) System.err.println("warning: " + warn);
                } catch (InputException e) {
                    // the base system's own mistake: reported where the spec is checked against its domains
                }
            } else {
                system = V1SystemParser.readTree(p).root();
                systemV1 = true;
            }
        } else {
            // the spec's own section: a misspelt key is a mistake (a system file keeps the reference's warning)
            // (a *-implementation-custom key is the system reader's to refuse: unsupported, not a typo)
            List<String> known = new ArrayList<>(SystemConfig.KNOWN_KEYS);
            for (String op : List.of("all-reduce", "all-gather", "reduce-scatter", "all-to-all")) known.add(op + "-implementation-custom");
            org.astradse.Keys.allow(s, file, "system.", known);
            system = ((ObjectNode) s).deepCopy();
        }

        ObjectNode run = JsonNodeFactory.instance.objectNode();
        run.put("num-passes", 1);
        run.put("comm-scale", 1);
        run.put("compute-scale", 1);
        run.put("injection-scale", 1);
        run.put("num-queues-per-dim", 1);
        run.put("rendezvous-protocol", false);
        run.put("congestion", "unaware"); // Chakra workloads: the 2.0 analytical network model
        if (root.has("run")) {
            JsonNode r = root.get("run");
            if (!r.isObject()) throw InputException.at(file, "run", "expected a mapping of run options");
            for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!RUN_KEYS.contains(e.getKey()))
                    throw InputException.at(file, "run." + e.getKey(), "unknown run option; expected one of " + RUN_KEYS);
                run.set(e.getKey(), e.getValue());
            }
        }
        if (root.has("cost") && !root.get("cost").isObject() && !root.get("cost").isNull())
            throw InputException.at(file, "cost", "expected a mapping with classes and/or unit-costs, found " + root.get("cost"));
        ObjectNode cost = root.has("cost") && root.get("cost").isObject() ? ((ObjectNode) root.get("cost")).deepCopy()
                : JsonNodeFactory.instance.objectNode();
        for (Iterator<String> it = cost.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("classes") && !k.equals("unit-costs"))
                throw InputException.at(file, "cost." + k, "unknown key; expected classes or unit-costs");
        }

        List<Domain> domains = new ArrayList<>();
        List<String> groupBy = new ArrayList<>();
        if (workloads.size() > 1) {
            List<Object> names = new ArrayList<>();
            for (Path p : workloads) names.add(JsonNodeFactory.instance.textNode(workloadName(workloads, p)));
            domains.add(new Domain.Values("workload", names));
        }
        List<Derived> derived = new ArrayList<>();
        List<Constraint> constraints = new ArrayList<>();
        common(file, root, false, domains, derived, constraints, groupBy, workloads.size() > 1);
        return new SweepSpec(name, description, file, root, List.copyOf(workloads), java.util.Map.copyOf(chakra), network,
                networkV1, system,
                systemV1, run, cost, List.copyOf(domains), List.copyOf(derived), List.copyOf(constraints), List.copyOf(groupBy),
                null);
    }

    private static final Set<String> TRAIN_TOP = org.astradse.Keys.ordered("name", "description", "train", "cost", "sweep", "derived",
            "constraints", "group-by", "colour-by", "run");

    /**
     * An LLM training study: {@code train} is the base configuration (a mapping, or a file) as {@code train --config}
     * reads it; a model or cluster given as a file name is read in, so the spec's identity covers it. {@code cost}
     * may override fabric unit costs: {@code unit-costs: {ib-ndr: {link: …, switch: …, nic: …}}} ($ per GB/s).
     */
    private static SweepSpec parseTrain(Path file, JsonNode root, ObjectMapper yaml, Path dir, String name, String description) {
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!TRAIN_TOP.contains(k))
                throw InputException.at(file, k, "unknown key in a training study (it has train: instead of workloads, network "
                        + "and system); expected one of " + TRAIN_TOP);
        }
        JsonNode t = root.get("train");
        ObjectNode train;
        if (t.isTextual()) {
            Path p = dir.resolve(t.asText()).normalize();
            if (t.asText().isBlank() || !Files.isRegularFile(p))
                throw InputException.at(file, "train", "'" + t.asText() + "': " + (t.asText().isBlank() ? "has no value" : Files.isDirectory(p)
                        ? p + " is a folder" : "no file " + p) + "; expected the base training configuration (model, parallel, cluster) or its file");
            JsonNode tree = NetworkConfig.readTree(p, yaml);
            if (!tree.isObject()) throw InputException.at(p, null, "expected a training configuration (model, parallel, cluster)");
            // a mistake in the base's own file is named with that file (the study checks the base again later, inlined)
            try {
                org.astradse.workload.llm.TrainConfig.fromTree(tree, p);
            } catch (InputException e) {
                throw new InputException(file + ": train: " + e.getMessage());
            }
            train = ((ObjectNode) tree).deepCopy();
        } else if (t.isObject()) {
            train = ((ObjectNode) t).deepCopy();
        } else {
            throw InputException.at(file, "train", "expected the base training configuration (model, parallel, cluster) or its file");
        }
        // a model or cluster named by a file (relative to the file naming it) is read in: the spec's identity covers it
        Path trainDir = t.isTextual() ? dir.resolve(t.asText()).normalize().getParent() : dir;
        for (String k : List.of("model", "cluster")) {
            JsonNode v = train.get(k);
            if (v != null && v.isTextual() && Files.isRegularFile(trainDir.resolve(v.asText()))) {
                Path read = trainDir.resolve(v.asText()).normalize();
                JsonNode tree = NetworkConfig.readTree(read, yaml);
                JsonNode sub = k.equals("cluster") && tree.has("cluster") ? tree.get("cluster") : tree;
                train.set(k, sub);
                if (k.equals("cluster")) rebase(sub, read.getParent(), dir);
            }
        }
        if (t.isTextual() && train.get("cluster") != null && train.get("cluster").isObject())
            rebase(train.get("cluster"), trainDir, dir);
        ObjectNode cost = root.has("cost") && root.get("cost").isObject() ? ((ObjectNode) root.get("cost")).deepCopy()
                : JsonNodeFactory.instance.objectNode();
        for (Iterator<String> it = cost.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("unit-costs"))
                throw InputException.at(file, "cost." + k, "unknown key; a training study's cost has unit-costs per fabric");
        }
        List<Domain> domains = new ArrayList<>();
        List<Derived> derived = new ArrayList<>();
        List<Constraint> constraints = new ArrayList<>();
        List<String> groupBy = new ArrayList<>();
        common(file, root, true, domains, derived, constraints, groupBy, false);
        // a model or cluster swept by name has no keys to edit: a swept key under it could never apply (every row used
        // to be infeasible, "cluster is 'dgx-h100' here, not a mapping")
        for (String whole : List.of("model", "cluster")) {
            Domain byName = null;
            for (Domain d : domains)
                if (d.paths().contains(whole) && d.size() <= CHECK_NAMES)
                    for (long i = 0; i < d.size() && byName == null; i++) if (d.valuesAt(i).get(whole) instanceof JsonNode v && v.isTextual()) byName = d;
            if (byName == null) continue;
            for (Domain d : domains)
                for (String p : d.paths())
                    if (ParamPath.under(whole, p))
                        throw InputException.at(file, "sweep." + p, "edits the " + whole + "'s keys, but " + whole + " is swept by "
                                + "name (a bundled " + whole + " has no keys to edit here): sweep " + whole + " as mappings, or the keys alone");
        }
        // the base names a bundled model or cluster and a key under it is swept (model.layers on llama3-8b, a bandwidth
        // of dgx-h100): the study starts from the bundled one's mapping, as from a file it names
        for (String whole : List.of("model", "cluster")) {
            JsonNode b = train.get(whole);
            if (b == null || !b.isTextual()) continue;
            boolean sweptWhole = domains.stream().anyMatch(d -> d.paths().contains(whole))
                    || derived.stream().anyMatch(x -> x.path().text().equals(whole));
            boolean keysSwept = domains.stream().flatMap(d -> d.paths().stream()).anyMatch(p -> ParamPath.under(whole, p))
                    || derived.stream().anyMatch(x -> ParamPath.under(whole, x.path().text()));
            if (sweptWhole || !keysSwept) continue;
            JsonNode tree = whole.equals("model") ? org.astradse.workload.llm.TransformerModel.bundledTree(b.asText())
                    : org.astradse.hw.Cluster.BUNDLED.contains(b.asText())
                    ? org.astradse.hw.Cluster.section(b, file, "cluster.").tree() : null;
            if (tree != null) train.set(whole, tree.deepCopy());
        }
        // run.tokens: the objective becomes the time to train that many tokens (iterations of B·s tokens, rounded up)
        ObjectNode run = JsonNodeFactory.instance.objectNode();
        JsonNode r = root.get("run");
        if (r != null && !r.isNull()) {
            if (!r.isObject()) throw InputException.at(file, "run", "expected a mapping; a training study's run has tokens");
            for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!k.equals("tokens"))
                    throw InputException.at(file, "run." + k, "unknown key; a training study's run has tokens (train to that many)");
            }
            JsonNode tok = r.get("tokens");
            if (tok == null || !tok.isNumber() || !(tok.asDouble() >= 1) || !Double.isFinite(tok.asDouble())
                    || tok.asDouble() != Math.rint(tok.asDouble()))
                throw InputException.at(file, "run.tokens", "expected a whole number of tokens >= 1 (e.g. 1.5e13), found " + tok);
            run.put("tokens", tok.asDouble());
        }
        ObjectNode empty = JsonNodeFactory.instance.objectNode();
        return new SweepSpec(name, description, file, root, List.of(), Map.of(), empty, false, empty, false, run, cost,
                List.copyOf(domains), List.copyOf(derived), List.copyOf(constraints), List.copyOf(groupBy), train);
    }

    /**
     * A cluster read in from another folder names its GPU and fabric files relative to that folder: rewritten
     * relative to the spec's, where the study's points resolve them (bundled names stay as they are).
     */
    private static void rebase(JsonNode cluster, Path from, Path to) {
        if (from == null || from.equals(to) || !(cluster instanceof ObjectNode c)) return;
        JsonNode gpu = c.get("gpu");
        if (gpu != null && gpu.isTextual() && Files.isRegularFile(from.resolve(gpu.asText())))
            c.put("gpu", to.relativize(from.resolve(gpu.asText()).toAbsolutePath().normalize()).toString().replace('\\', '/'));
        JsonNode fab = c.get("fabric");
        if (fab != null && fab.isArray())
            for (int i = 0; i < fab.size(); i++) {
                JsonNode f = fab.get(i);
                if (f.isTextual() && Files.isRegularFile(from.resolve(f.asText())))
                    ((com.fasterxml.jackson.databind.node.ArrayNode) fab).set(i, JsonNodeFactory.instance.textNode(
                            to.relativize(from.resolve(f.asText()).toAbsolutePath().normalize()).toString().replace('\\', '/')));
            }
    }

    /**
     * A study's cluster as the network tree its points write into: the cluster's network keys (datasheet GB/s, 10^9 B)
     * beside its {@code fabric} list and {@code gpu}, where the paths {@code cluster.network.KEY[i]},
     * {@code cluster.fabric[i]} and {@code cluster.gpu} land ({@link ParamPath}); GPU and fabric files relative to the
     * spec.
     */
    private static ObjectNode clusterNetwork(JsonNode c, Path file, Path dir) {
        org.astradse.hw.Cluster.Source src = org.astradse.hw.Cluster.section(c, file, "cluster.");
        ObjectNode section = src.tree();
        if (src.fromFile()) {
            // a cluster file's own mistakes are named in that file, as nccl-tests names them
            org.astradse.hw.Cluster.fromTree(section, src.file(), src.at());
            rebase(section, src.file().toAbsolutePath().getParent(), dir);
        }
        org.astradse.Keys.allow(section, file, "cluster.", org.astradse.hw.Cluster.KEYS);
        JsonNode net = section.get("network");
        if (net == null || !net.isObject()) throw InputException.at(file, "cluster.network", "missing; expected topology, "
                + "npus_count, bandwidth (GB/s per GPU per direction, 10^9 B/s) and optionally latency (ns) lists");
        for (String k : List.of("gpu", "fabric"))
            if (net.has(k)) throw InputException.at(file, "cluster.network." + k, "unknown key; " + k + " belongs to the cluster");
        org.astradse.Keys.allow(net, file, "cluster.network.", org.astradse.hw.Cluster.NETWORK_KEYS);
        ObjectNode tree = ((ObjectNode) net).deepCopy();
        if (section.has("fabric")) tree.set("fabric", section.get("fabric"));
        if (section.has("gpu")) tree.set("gpu", section.get("gpu"));
        return tree;
    }

    /** Whether this ASTRA-sim-input study runs on a cluster ({@code cluster:} instead of {@code network:}). */
    public boolean isCluster() {
        return !isTrain() && raw().has("cluster");
    }

    /** A cluster study's point network tree back as the cluster section it stands for. */
    static ObjectNode clusterSection(ObjectNode network) {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        if (network.has("gpu")) c.set("gpu", network.get("gpu"));
        ObjectNode n = c.putObject("network");
        for (var it = network.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getKey().equals("gpu") && !e.getKey().equals("fabric")) n.set(e.getKey(), e.getValue());
        }
        if (network.has("fabric")) c.set("fabric", network.get("fabric"));
        return c;
    }

    /**
     * Unit costs a study's {@code cost.unit-costs} gives by fabric name ({@code ib-ndr: {link, switch, nic}}), over
     * that fabric's own — for the studies on a cluster (training ones and ASTRA-sim ones).
     */
    Map<String, org.astradse.cost.UnitCosts> fabricUnitCosts() {
        return fabricUnitCosts(cost(), file());
    }

    /** {@link #fabricUnitCosts()} of a cost tree (a design point's, where {@code cost.unit-costs} is swept). */
    static Map<String, org.astradse.cost.UnitCosts> fabricUnitCosts(JsonNode cost, Path file) {
        JsonNode uc = cost.get("unit-costs");
        if (uc == null) return Map.of();
        Map<String, org.astradse.cost.UnitCosts> out = new java.util.HashMap<>();
        if (!uc.isObject()) throw InputException.at(file, "cost.unit-costs", "expected a mapping fabric → {link, switch, nic}");
        for (Iterator<Map.Entry<String, JsonNode>> it = uc.fields(); it.hasNext(); ) {
            var e = it.next();
            org.astradse.hw.FabricProfile f;
            try {
                f = org.astradse.hw.FabricProfile.named(e.getKey(), file.toAbsolutePath().getParent());
            } catch (InputException x) {
                throw InputException.at(file, "cost.unit-costs." + e.getKey(), x.getMessage());
            }
            out.put(f.name(), org.astradse.hw.FabricProfile.unitCosts(e.getValue(), f.unitCosts(), file, "cost.unit-costs." + e.getKey()));
        }
        return out;
    }

    /** Domains of at most this many values are scanned for names (a model or cluster swept by name). */
    private static final long CHECK_NAMES = 10_000;

    /** Whether this is an LLM training study ({@code train:}) rather than an ASTRA-sim one. */
    public boolean isTrain() {
        return train != null;
    }

    /** Validates a path of the spec's kind: section.key[i] for ASTRA-sim studies, a training path for training ones. */
    /** Checks a swept path and returns its canonical text (the column name: {@code [02]} is {@code [2]}). */
    static String checkPath(String key, String where, boolean train) {
        return train ? TrainPath.parse(key, where).text() : ParamPath.parse(key, where).text();
    }

    /** A section given as a file takes nothing beside it: keys next to {@code file:} used to be dropped silently. */
    private static void fileAlone(JsonNode section, Path file, String name) {
        for (Iterator<String> it = section.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("file"))
                throw InputException.at(file, name + "." + k, "beside " + name + ".file: a section is either a file or inline "
                        + "keys; to change a value of the file, sweep it (sweep: " + name + "." + k + ": [...])");
        }
    }

    /** The sweep, derived, constraints and group-by sections, as both kinds of study write them. */
    private static void common(Path file, JsonNode root, boolean train, List<Domain> domains, List<Derived> derived,
                               List<Constraint> constraints, List<String> groupBy, boolean severalWorkloads) {
        JsonNode sw = root.get("sweep");
        if (sw != null && !sw.isNull()) {
            if (!sw.isObject()) throw InputException.at(file, "sweep", "expected a mapping of parameter path to domain");
            for (Iterator<Map.Entry<String, JsonNode>> it = sw.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                domains.add(e.getKey().startsWith("zip") ? zipped(file, e.getKey(), e.getValue(), train)
                        : domain(file, e.getKey(), e.getValue(), train));
            }
        }
        Set<String> seen = new java.util.LinkedHashSet<>();
        for (Domain d : domains) {
            for (String p : d.paths()) {
                if (!seen.add(p)) throw InputException.at(file, "sweep", p + " is swept twice");
            }
        }
        // a list swept whole and one of its elements too: the element overrides the whole value's, so the whole value's
        // cell is the value as swept, not every value that ran (npus_count 64_16 beside npus_count[1] 128 ran 64 × 128).
        // Said once per list — unless the list is a zipped shape's (zipped with a topology: mixed-rank.yaml, whose
        // elements are swept within each shape by design, README "Networks of different rank")
        Map<String, List<String>> elements = new LinkedHashMap<>();
        for (String p : seen) {
            String whole = ParamPath.withoutIndex(p);
            if (!whole.equals(p) && seen.contains(whole)) elements.computeIfAbsent(whole, k -> new ArrayList<>()).add(p);
        }
        for (Map.Entry<String, List<String>> e : elements.entrySet()) {
            boolean shape = domains.stream().anyMatch(d -> d instanceof Domain.Zipped && d.paths().contains(e.getKey())
                    && d.paths().stream().anyMatch(q -> q.endsWith(".topology")));
            if (!shape)
                System.err.println("warning: " + file + ": sweep: " + e.getKey() + " is swept whole and " + String.join(", ",
                        e.getValue()) + " by element: the element overrides the whole value's, so a row's " + e.getKey()
                        + " cell is the value as swept and its " + String.join(", ", e.getValue()) + " cell what ran");
        }
        JsonNode dv = root.get("derived");
        if (dv != null && !dv.isNull()) {
            if (!dv.isObject()) throw InputException.at(file, "derived", "expected a mapping of parameter path to expression");
            if (train) throw InputException.at(file, "derived", "not supported in a training study yet (dp is derived by itself)");
            for (Iterator<Map.Entry<String, JsonNode>> it = dv.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                ParamPath p = ParamPath.parse(e.getKey(), file + ": derived");
                if (seen.contains(p.text()))
                    throw InputException.at(file, "derived." + e.getKey(), "is also swept; a parameter is either swept or "
                            + "derived (drop it from sweep: or from derived:)");
                // a mapping or list is not an expression (its text is empty): say what was written
                if (e.getValue().isContainerNode())
                    throw InputException.at(file, "derived." + e.getKey(), "expected an expression (a string, or a number), "
                            + "found " + e.getValue());
                derived.add(new Derived(p, Expressions.compile(e.getValue().asText(), file + ": derived." + e.getKey())));
            }
        }
        // a derived whole list is written after the swept values and after the derived ones before it: a swept element
        // of it, or one derived earlier, would be overwritten without a word (a swept whole list with swept elements is
        // defined: the elements are written last, as a zipped shape's per-dimension values meet element paths)
        Set<String> before = new java.util.HashSet<>(seen);
        for (Derived d : derived) {
            String whole = d.path().text();
            for (String p : before)
                if (!p.equals(whole) && ParamPath.withoutIndex(p).equals(whole))
                    throw InputException.at(file, "derived." + whole, "overwrites " + p + ", which is " + (seen.contains(p)
                            ? "swept" : "derived before it") + ": derive the elements instead, or the whole list first");
            before.add(whole);
        }
        JsonNode cs = root.get("constraints");
        if (cs != null && cs.isObject())
            throw InputException.at(file, "constraints", "expected a list of boolean expressions (- \"npus == 64\"), found a mapping");
        if (cs != null && !cs.isNull()) {
            for (JsonNode c : cs.isArray() ? cs : List.of(cs)) {
                constraints.add(new Constraint(c.asText(), Expressions.compile(c.asText(), file + ": constraints")));
            }
        }
        List<String> columns = new ArrayList<>();
        for (Domain d : domains) columns.addAll(d.paths());
        for (Derived d : derived) columns.add(d.path().text());
        if (root.hasNonNull("colour-by") && !root.get("colour-by").isTextual())
            throw InputException.at(file, "colour-by", "expected one parameter path, found " + root.get("colour-by"));
        if (root.hasNonNull("colour-by") && !columns.contains(columnName(root.get("colour-by").asText())))
            throw InputException.at(file, "colour-by", "'" + root.get("colour-by").asText() + "' is not a swept or derived "
                    + "parameter; expected one of " + columns);
        JsonNode gb = root.get("group-by");
        if (gb == null || gb.isNull()) {
            if (severalWorkloads) groupBy.add("workload");
        } else {
            for (JsonNode g : gb.isArray() ? gb : List.of(gb)) {
                if (!g.isTextual())
                    throw InputException.at(file, "group-by", "expected a parameter path or a list of them, found " + g);
                String name = columnName(g.asText());
                if (!columns.contains(name))
                    throw InputException.at(file, "group-by", "'" + g.asText() + "' is not a swept or derived parameter; "
                            + "expected one of " + columns);
                if (!groupBy.contains(name)) groupBy.add(name);
            }
        }
        // with groups the plot colours each group and its front; an explicit colour-by was dropped without a word
        if (root.hasNonNull("colour-by") && !groupBy.isEmpty())
            System.err.println("warning: " + file + ": colour-by " + root.get("colour-by").asText() + " is not drawn: the plot "
                    + "colours by group (" + String.join(", ", groupBy) + (gb == null || gb.isNull() ? ": several workloads" : "")
                    + "), one front each; with `group-by: []` the dots are coloured by " + root.get("colour-by").asText());
    }

    ObjectNode section(String section) {
        return switch (section) {
            case "network" -> network;
            case "system" -> system;
            case "run" -> run;
            default -> cost;
        };
    }

    private static Domain domain(Path file, String key, JsonNode v, boolean train) {
        String where = "sweep." + key;
        key = checkPath(key, file + ": sweep", train);
        if (v.isArray()) {
            List<Object> values = new ArrayList<>();
            v.forEach(values::add);
            if (values.isEmpty()) throw InputException.at(file, where, "an empty list of values");
            refuseRepeats(file, where, values.stream().map(x -> List.of(x)).toList());
            return new Domain.Values(key, values);
        }
        if (v.isObject()) {
            for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!RANGE_KEYS.contains(k))
                    throw InputException.at(file, where + "." + k, "unknown range key; expected from, to and step (a linear "
                            + "range) or factor (a geometric one), nothing more for a continuous range (search), or values");
            }
            if (v.has("values")) return domain(file, key, v.get("values"), train);
            if (!v.has("from") || !v.has("to"))
                throw InputException.at(file, where, "a range needs from and to, and step (linear) or factor (geometric) "
                        + "for a grid; without them it is continuous (search only)");
            if (v.has("step") && v.has("factor"))
                throw InputException.at(file, where, "a range has step (linear) or factor (geometric), not both");
            double from = rangeNumber(file, where, v, "from");
            double to = rangeNumber(file, where, v, "to");
            try {
                if (v.has("step")) return Domain.linear(key, from, to, rangeNumber(file, where, v, "step"));
                if (v.has("factor")) return Domain.geometric(key, from, to, rangeNumber(file, where, v, "factor"));
                return new Domain.Continuous(key, from, to);
            } catch (IllegalArgumentException e) {
                throw InputException.at(file, where, e.getMessage());
            }
        }
        if (v.isNull() || v.isMissingNode() || (v.isTextual() && v.asText().isEmpty())) // `key:` alone reads as ""
            throw InputException.at(file, where, "no value (the key is written without one); expected a value, a list of "
                    + "values or a range {from, to, step}");
        return new Domain.Values(key, List.of(v)); // a single value
    }

    private static final Set<String> RANGE_KEYS = org.astradse.Keys.ordered("from", "to", "step", "factor", "values");

    /** A range bound or step: a plain number (a string such as "50GB/s" would silently read as 0). */
    private static double rangeNumber(Path file, String where, JsonNode range, String key) {
        JsonNode n = range.get(key);
        if (n == null || !n.isNumber() || !Double.isFinite(n.asDouble()))
            throw InputException.at(file, where + "." + key, "expected a plain number (units are fixed: GB/s, ns, bytes), "
                    + "found " + n);
        return n.asDouble();
    }

    private static Domain zipped(Path file, String key, JsonNode v, boolean train) {
        String where = "sweep." + key;
        if (!v.isObject() || v.isEmpty())
            throw InputException.at(file, where, "a zipped group is a mapping of parameter path to a list of values");
        List<String> paths = new ArrayList<>();
        List<List<Object>> columns = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = checkPath(e.getKey(), file + ": " + where, train);
            if (!e.getValue().isArray()) throw InputException.at(file, where + "." + e.getKey(), "expected a list of values");
            List<Object> col = new ArrayList<>();
            e.getValue().forEach(col::add);
            paths.add(path);
            columns.add(col);
        }
        Domain.Zipped z;
        try {
            z = new Domain.Zipped(paths, columns);
        } catch (IllegalArgumentException e) {
            throw InputException.at(file, where, e.getMessage());
        }
        List<List<Object>> tuples = new ArrayList<>();
        for (int i = 0; i < columns.get(0).size(); i++) {
            List<Object> t = new ArrayList<>();
            for (List<Object> c : columns) t.add(c.get(i));
            tuples.add(t);
        }
        refuseRepeats(file, where, tuples);
        return z;
    }

    /**
     * A value listed twice in a domain (a zip's tuple twice) runs the same points twice: duplicate rows, both on the
     * front, and a search spending budget on them. Numbers compare by value (50, 50.0 and 5e1 are one value).
     */
    private static void refuseRepeats(Path file, String where, List<List<Object>> values) {
        Map<String, Integer> seen = new java.util.HashMap<>();
        for (int i = 0; i < values.size(); i++) {
            StringBuilder key = new StringBuilder();
            for (Object o : values.get(i)) key.append(sameValueKey(o)).append('|');
            Integer first = seen.putIfAbsent(key.toString(), i);
            if (first != null)
                throw InputException.at(file, where, "value " + (values.get(i).size() == 1 ? values.get(i).get(0) : values.get(i))
                        + " is listed twice (entries " + first + " and " + i + (values.get(first).equals(values.get(i)) ? ""
                        : ": " + (values.get(first).size() == 1 ? values.get(first).get(0) : values.get(first)) + " is the same value")
                        + "); each point would run twice");
        }
    }

    /** A domain value as compared for repeats: numbers by value, lists and mappings element by element. */
    private static String sameValueKey(Object o) {
        if (!(o instanceof JsonNode n)) return String.valueOf(o);
        if (n.isNumber()) return Double.isFinite(n.asDouble()) ? "n" + n.decimalValue().stripTrailingZeros().toPlainString()
                : "n" + n.asDouble(); // 1e400 reads as Infinity, which has no decimal value
        if (n.isArray()) {
            StringBuilder b = new StringBuilder("[");
            n.forEach(x -> b.append(sameValueKey(x)).append(','));
            return b.append(']').toString();
        }
        if (n.isObject()) {
            StringBuilder b = new StringBuilder("{");
            n.fields().forEachRemaining(e -> b.append(e.getKey()).append('=').append(sameValueKey(e.getValue())).append(','));
            return b.append('}').toString();
        }
        return (n.isTextual() ? "s" : "v") + n.asText();
    }

    /**
     * A workload's name in the results: its file name (a Chakra prefix: with its folder, {@code resnet/et}), or its
     * path when two workloads share that name.
     */
    static String workloadName(List<Path> workloads, Path w) {
        String name = shortName(w);
        long same = workloads.stream().filter(x -> shortName(x).equals(name)).count();
        return same > 1 ? w.toString() : name;
    }

    private static String shortName(Path w) {
        String name = w.getFileName().toString();
        boolean chakra = !Files.isRegularFile(w) && Files.isRegularFile(Path.of(w + ".0.et"));
        return chakra && w.getParent() != null ? w.getParent().getFileName() + "/" + name : name;
    }

    /**
     * A parameter as group-by and colour-by name it, as its column is named: trimmed, an index without leading zeros
     * ({@code bandwidth[01]} is {@code bandwidth[1]}, as a swept path is).
     */
    static String columnName(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(.*)\\[0*(\\d{1,4})\\]$").matcher(text.trim());
        return m.matches() ? m.group(1) + "[" + Integer.parseInt(m.group(2)) + "]" : text.trim();
    }

    /**
     * The parameter that colours the plot's dots: {@code colour-by} if given, else the first swept categorical one (a
     * domain of at most 12 values that are not numbers: topology, algorithm, workload), or null.
     */
    public String colourBy() {
        if (raw.hasNonNull("colour-by")) return columnName(raw.get("colour-by").asText());
        for (Domain d : domains) {
            if (d instanceof Domain.Continuous || d.size() > 12 || d.size() < 2) continue;
            Object v = d.valuesAt(0).get(d.paths().get(0));
            boolean number = v instanceof Number || (v instanceof JsonNode n && n.isNumber());
            if (!number) return d.paths().get(0);
        }
        return null;
    }

    /** Whether a grid can enumerate the space (no continuous range). */
    public boolean enumerable() {
        return domains.stream().noneMatch(d -> d instanceof Domain.Continuous);
    }

    /** Column names of the swept and derived parameters, in order. */
    public List<String> parameterColumns() {
        Map<String, Boolean> cols = new LinkedHashMap<>();
        for (Domain d : domains) for (String p : d.paths()) cols.put(p, true);
        for (Derived d : derived) cols.put(d.path().text(), true);
        return List.copyOf(cols.keySet());
    }
}
