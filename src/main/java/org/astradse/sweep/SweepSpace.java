package org.astradse.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.astradse.InputException;
import org.astradse.collective.PhaseTimer;
import org.astradse.collective.SystemConfig;
import org.astradse.collective.V1SystemParser;
import org.astradse.cost.CostClass;
import org.astradse.cost.NetworkCostModel;
import org.astradse.cost.UnitCosts;
import org.astradse.network.NetworkConfig;
import org.astradse.network.V1NetworkParser;
import org.astradse.report.PointRow;
import org.astradse.sim.RunOptions;
import org.astradse.sim.TrainingResult;
import org.astradse.sim.CollectiveSimulator;
import org.astradse.sim.CommGroups;
import org.astradse.sim.GraphResult;
import org.astradse.sim.GraphSimulator;
import org.astradse.sim.GraphSystem;
import org.astradse.sim.RemoteMemory;
import org.astradse.sim.TrainingSimulator;
import org.astradse.workload.et.EtTrace;
import org.astradse.workload.Workload;

/**
 * A sweep spec as a space of design points: point i is the grid's i-th combination of swept values applied to the
 * base configuration, then the derived values, then the constraints; it is simulated and costed. Thread-safe:
 * what points share (parsed workloads, phase durations) is kept in concurrent caches whose values are pure, so
 * results do not depend on which thread computed them.
 *
 * <p><b>Spec mistakes stop before the first point.</b> Creating a space checks every swept and derived path against
 * the base configuration, every swept value by building a configuration with it, and every expression on the first
 * design point ({@link #validate}); a value that is wrong in itself (an unknown topology, a unit in a number, a
 * scalar where a per-dimension list belongs) or an expression naming something undefined is an {@link
 * InputException} naming the spec file, the key and the value. What is impossible only in combination stays an
 * {@code infeasible} row.
 *
 * <p><b>Networks of different rank in one sweep.</b> A zipped group can give whole per-dimension vectors of
 * different lengths (a 2-D and a 3-D shape). Per-dimension lists of the base that are not swept and hold one
 * value throughout (implementation tokens such as {@code [ring, ring]}, cost classes, 1.0 link counts) follow each
 * point's rank; an element path such as {@code network.bandwidth[2]} does not exist on a 2-D point: its cell
 * stays empty for the domain's first value, and the other values of that domain are infeasible rows there (the
 * same design was evaluated once already).
 */
public final class SweepSpace implements DesignSpace {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Network keys that hold one entry per dimension. */
    private static final Set<String> NETWORK_VECTORS = org.astradse.Keys.ordered("topology", "npus_count", "bandwidth", "latency", "fabric",
            "topologies-per-dim", "dimension-type", "units-count", "links-count", "link-latency", "link-bandwidth",
            "nic-latency", "router-latency", "hbm-latency", "hbm-bandwidth", "hbm-scale");

    private final SweepSpec spec;
    // a study on a cluster: the base's cost.unit-costs by fabric, read once (a point that sweeps them reads its own)
    private final Map<String, UnitCosts> baseFabricCosts;
    private final Grid grid;
    private final List<String> gridPaths;
    private final int[] domainOfPath;
    private final Map<String, ParamPath> parsed = new HashMap<>();
    private final Map<String, String> sectionKeyOf = new HashMap<>(); // swept or derived path -> "section.key", once
    private final Set<String> sweptWhole = new HashSet<>(); // "section.key" set as a whole by some domain
    private final Set<String> sweptAny = new HashSet<>();   // "section.key" set as a whole or by element
    // the per-dimension lists a point resizes to its rank: before its element paths (all but those swept whole) and at
    // the end (all but those swept at all) — worked out once, not per point
    private Resizable beforeElements;
    private Resizable atTheEnd;

    /** Per-dimension keys of the base a point may resize, by section, and whether cost classes and the 1.0 count are. */
    private record Resizable(List<String> network, List<String> system, boolean classes, boolean dimensionsCount) {
    }

    private Resizable resizable(Set<String> keep) {
        List<String> net = new ArrayList<>();
        spec.network().fieldNames().forEachRemaining(k -> {
            if (NETWORK_VECTORS.contains(k) && !keep.contains("network." + k)) net.add(k);
        });
        List<String> sys = new ArrayList<>();
        spec.system().fieldNames().forEachRemaining(k -> {
            if (k.endsWith("-implementation") && !keep.contains("system." + k)) sys.add(k);
        });
        return new Resizable(List.copyOf(net), List.copyOf(sys), !keep.contains("cost.classes"),
                !keep.contains("network.dimensions-count"));
    }
    private final Map<String, Path> workloadByName = new HashMap<>();
    private final ConcurrentHashMap<String, Workload> workloads = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, java.util.Set<org.astradse.collective.CollectiveType>> createdTypes =
            new ConcurrentHashMap<>();

    /** The text workload at these scales, parsed once per study (its key: {@link #workloadKey}). */
    private Workload workload(Path wl, double comm, double compute) {
        return workloads.computeIfAbsent(workloadKey(wl, comm, compute), k -> Workload.parse(wl, comm, compute));
    }

    private static String workloadKey(Path wl, double comm, double compute) {
        return wl + "|" + comm + "|" + compute;
    }
    private final PhaseTimer.SharedCache phases = new PhaseTimer.SharedCache();
    /** The system section is the spec's own (not a file of a reference format): one token per dimension. */
    private final boolean systemInline;
    /** Some implementation list is the spec's own (inline, swept or derived): checked per point. */
    private final boolean specTokens;

    public SweepSpace(SweepSpec spec) {
        this.spec = spec;
        this.systemInline = !spec.raw().path("system").has("file");
        this.grid = spec.enumerable() ? new Grid(spec.domains()) : null;
        List<String> paths = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (int k = 0; k < spec.domains().size(); k++) {
            for (String p : spec.domains().get(k).paths()) {
                paths.add(p);
                owner.add(k);
            }
        }
        this.gridPaths = List.copyOf(paths);
        this.domainOfPath = owner.stream().mapToInt(Integer::intValue).toArray();
        for (String p : gridPaths) {
            if (p.equals("workload")) continue;
            ParamPath pp = ParamPath.parse(p, spec.file() + ": sweep");
            parsed.put(p, pp);
            sectionKeyOf.put(p, pp.section() + "." + pp.key());
            sweptAny.add(pp.section() + "." + pp.key());
            if (pp.index() < 0) sweptWhole.add(pp.section() + "." + pp.key());
        }
        for (SweepSpec.Derived d : spec.derived()) {
            sectionKeyOf.put(d.path().text(), d.path().section() + "." + d.path().key());
            sweptAny.add(d.path().section() + "." + d.path().key());
            if (d.path().index() < 0) sweptWhole.add(d.path().section() + "." + d.path().key());
        }
        for (Path w : spec.workloads()) workloadByName.put(SweepSpec.workloadName(spec.workloads(), w), w);
        baseFabricCosts = spec.isCluster() ? spec.fabricUnitCosts() : Map.of();
        specTokens = systemInline || sweptAny.stream().anyMatch(k -> k.startsWith("system.") && k.endsWith("-implementation"));
        beforeElements = resizable(sweptWhole);
        atTheEnd = resizable(sweptAny);
        validate();
    }

    @Override
    public SweepSpec spec() {
        return spec;
    }

    @Override
    public Grid grid() {
        return grid;
    }

    @Override
    public List<String> header() {
        return PointRow.header(spec.parameterColumns());
    }

    /**
     * Evaluates the design point made of element {@code index[k]} of each domain k as row {@code id}; never throws
     * for a bad point (it becomes an infeasible or failed row).
     */
    @Override
    public PointRow evaluate(long id, long[] index) {
        Point p = new Point(index);
        long npus = 0;
        try {
            String skip = p.applySwept();
            if (skip != null) return p.row(id, PointRow.INFEASIBLE, skip, 0, null, 0);
            p.applyDerived(false);
            npus = p.npus();
            String violated = p.violatedConstraint(false);
            if (violated != null) return p.row(id, PointRow.INFEASIBLE, "constraint '" + violated + "' is false", npus, null, 0);
            Built b = p.build();
            npus = b.net.totalNpus();
            Path wl = p.workload;
            double usd = b.cluster != null ? b.cluster.networkCostUsd(b.fabricCosts) : NetworkCostModel.costUsd(b.net, b.unitCosts);
            if (!Double.isFinite(usd)) return p.row(id, PointRow.INFEASIBLE, "the network cost overflows ($ " + usd + ")", npus, null, 0);
            SweepSpec.ChakraWorkload et = spec.chakra().get(wl);
            if (et != null) return p.row(id, PointRow.OK, "", npus, simulateGraph(et, b), usd);
            double comm = b.commScale;
            double compute = b.computeScale;
            Workload parsedWorkload = p.parsedWorkload != null ? p.parsedWorkload : workload(wl, comm, compute);
            TrainingResult r = new TrainingSimulator(parsedWorkload, b.net, b.sys, b.options, phases).run();
            return p.row(id, PointRow.OK, "", npus, r, usd);
        } catch (InputException e) {
            return p.row(id, PointRow.INFEASIBLE, e.getMessage(), npus, null, 0);
        } catch (RuntimeException e) {
            return p.row(id, PointRow.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage(), npus, null, 0);
        }
    }

    /**
     * A Chakra ET design point: the trace set for this network's NPU count (read once, shared by all points), run by
     * the graph workload layer on the point's system tree. The row's figures are those of the NPU that finishes last:
     * end_to_end_ns its finish, compute_ns its GPU compute, exposed_comm_ns the rest.
     */
    private TrainingResult simulateGraph(SweepSpec.ChakraWorkload et, Built b) {
        int n = b.net.totalNpus();
        EtTrace graphs = traces.computeIfAbsent(et.prefix() + "|" + n, k -> EtTrace.read(et.prefix().toString(), n));
        RemoteMemory memory = et.memory() == null ? RemoteMemory.NONE
                : memories.computeIfAbsent(et.memory(), RemoteMemory::parse);
        CommGroups groups = et.commGroups() == null ? CommGroups.NONE
                : groupFiles.computeIfAbsent(et.commGroups() + "|" + n, k -> CommGroups.parse(et.commGroups(), n));
        GraphSystem gs = b.graph;
        GraphResult r = GraphSimulator.simulate(graphs, b.net, gs.system(), gs.options(b.aware, b.options.queuesPerDim(),
                b.options.injectionScale(), b.options.rendezvous()), memory, groups);
        GraphResult.Npu last = r.perNpu().get(0);
        for (GraphResult.Npu x : r.perNpu()) if (x.finishNs() > last.finishNs()) last = x;
        long compute = last.finishNs() - last.exposedCommNs();
        return new TrainingResult(last.finishNs(), compute, last.exposedCommNs(), n, List.of(), 0, r.warnings());
    }

    private final ConcurrentHashMap<String, EtTrace> traces = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Path, RemoteMemory> memories = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CommGroups> groupFiles = new ConcurrentHashMap<>();

    // ---- validation (before the first point) ---------------------------------------------------------------------

    /** Refuses spec-wide mistakes; see the class comment. */
    private void validate() {
        Path file = spec.file();
        // every text workload reads: a mistake in one is the file's, not an infeasible row per point (scales apart, a
        // workload reads the same at every point)
        for (Path w : spec.workloads())
            if (!spec.chakra().containsKey(w)) org.astradse.workload.Workload.parse(w, 1, 1);
        // the base configuration builds
        Point base = new Point(null);
        // as every point: the uniform lists no domain sets follow the base's rank ([ring] on a 3-D network runs 3 rings)
        base.adaptToRank(atTheEnd);
        Built baseBuilt;
        try {
            baseBuilt = base.build();
        } catch (InputException e) {
            // a mistake inside a network or system file the spec names is that file's (2.0 formats, read as they are)
            Path netFile = sectionFile("network");
            if (netFile != null && fails(() -> {
                if (spec.networkV1()) V1NetworkParser.fromTree(spec.network(), null, V1NetworkParser.Overrides.NONE, new ArrayList<>());
                else NetworkConfig.fromTree(spec.network(), null);
            }))
                throw InputException.at(netFile, null, e.getMessage());
            Path sysFile = sectionFile("system");
            if (sysFile != null && fails(() -> {
                if (spec.systemV1()) V1SystemParser.fromTree(spec.system(), null, Map.of());
                else SystemConfig.fromJsonTree(spec.system(), null);
            }))
                throw InputException.at(sysFile, null, e.getMessage());
            throw InputException.at(file, null, "the base configuration is invalid: " + e.getMessage());
        }
        baseFileWarnings(base, baseBuilt);
        int baseRank = base.rank();
        // the rank is fixed when every swept topology vector has the base's length (element paths keep the length)
        rankFixed = !spec.networkV1() && !spec.isCluster() && Set.of(baseRank).containsAll(sweptVectorLengths("network.topology"))
                && !topologyDerived();
        // paths exist in the base (element paths: within the base's or some swept vector's length)
        List<String> all = new ArrayList<>(gridPaths);
        Map<String, String> section = new HashMap<>(); // where a path is written: sweep. or derived.
        for (String p : gridPaths) section.put(p, "sweep.");
        for (SweepSpec.Derived d : spec.derived()) {
            all.add(d.path().text());
            section.putIfAbsent(d.path().text(), "derived.");
            // a profile's figures enter the run's identity, so the profiles a study uses must be known before it runs
            if (d.path().clusterPath() && (d.path().key().equals("fabric") || d.path().key().equals("gpu")))
                throw InputException.at(file, "derived." + d.path().text(), "a derived value cannot name a profile; sweep "
                        + d.path().text() + " with the profiles as its values");
        }
        for (String p : all) {
            if (p.equals("workload")) continue;
            String in = section.get(p);
            ParamPath pp = ParamPath.parse(p, file + ": " + in.substring(0, in.length() - 1));
            if (pp.clusterPath() && !spec.isCluster())
                throw InputException.at(file, in + p, "a cluster path needs a study on a cluster (a cluster: section "
                        + "instead of network:)");
            if (spec.isCluster() && pp.section().equals("network") && !pp.clusterPath())
                throw InputException.at(file, in + p, "this study runs on a cluster: its network is swept as "
                        + "cluster.network." + pp.key() + (pp.index() >= 0 ? "[" + pp.index() + "]" : "")
                        + " (GB/s per GPU per direction, 10^9 B/s), its fabrics as cluster.fabric[i]");
            if (spec.isCluster() && pp.section().equals("cost") && pp.key().equals("classes"))
                throw InputException.at(file, in + p, "a study on a cluster costs its network by its fabrics' unit costs; "
                        + "cost.unit-costs overrides them by fabric name");
            checkPath(p, baseRank, in);
        }
        // every value is valid in itself: it builds in the base or in one of the swept network shapes
        List<Point> contexts = shapeContexts();
        for (int k = 0; k < spec.domains().size(); k++) {
            Domain d = spec.domains().get(k);
            if (d.paths().equals(List.of("workload"))) continue;
            for (long e : elementsToCheck(d)) checkValue(k, e, contexts);
        }
        // an expression that fails on every probe point is a spec mistake: a name or field that exists nowhere, an
        // index no network has, a constraint that is not true or false, a division by zero, a derived value no network
        // takes; one that fails on some points only is a row's business (an index a higher rank has, a field some
        // points' unit costs have)
        if (!spec.derived().isEmpty() || !spec.constraints().isEmpty()) {
            String failure = null;
            boolean works = false;
            for (long[] idx : probes()) {
                Point pt = new Point(idx);
                if (pt.applySwept() != null) continue;
                try {
                    pt.applyDerived(true);
                    pt.violatedConstraint(true);
                    InputException err = spec.derived().isEmpty() ? null : pt.tryBuild();
                    if (err != null && derivedKey(err)) {
                        if (failure == null) failure = "derived value: " + err.getMessage();
                        continue;
                    }
                    works = true;
                    break;
                } catch (PointOnly e) {
                    if (failure == null) failure = e.getMessage();
                } catch (InputException e) {
                    if (failure == null) failure = e.getMessage();
                }
            }
            if (!works && failure != null)
                throw failure.startsWith(file + ": ") ? new InputException(failure) : InputException.at(file, null, failure
                        + new Probes(List.of(), probesAll).checked());
        }
        checkTraceSets();
    }

    /**
     * The reference's warnings about the files a spec names, once per run as {@code simulate} prints them: a 1.0
     * network file's keys it ignores, a system file's implementation lists shorter than the base network (the
     * reference runs them on the first dimensions only). The spec's own sections are refused instead.
     */
    private void baseFileWarnings(Point base, Built b) {
        List<String> warnings = new ArrayList<>();
        Path netFile = sectionFile("network");
        if (netFile != null && spec.networkV1())
            V1NetworkParser.fromTree(base.network, netFile, V1NetworkParser.Overrides.NONE, warnings);
        for (String w : warnings) System.err.println("warning: " + w);
        Path sysFile = sectionFile("system");
        if (sysFile == null || b.graph != null || spec.chakra().containsKey(base.workload)) return;
        try {
            Workload w = Workload.parse(base.workload, b.commScale, b.computeScale);
            for (String x : org.astradse.collective.CollectivePlanner.checkImplementations(b.net, b.sys,
                    TrainingSimulator.createdTypes(w, b.net), false))
                System.err.println("warning: " + sysFile + ": " + x);
        } catch (InputException e) {
            // a workload the network cannot lay out, or tokens it cannot run: each point's row says so
        }
    }

    /**
     * A Chakra trace set holds one file per NPU (SEMANTICS-ET: PREFIX.0.et … PREFIX.N-1.et for N NPUs). When no design
     * point checked has an NPU count the set covers, every row would be infeasible for the same reason: a spec-wide
     * mistake (the wrong trace set, or the wrong network), refused before the first point. Swept NPU counts of which
     * some fit stay rows.
     */
    private void checkTraceSets() {
        if (spec.chakra().isEmpty()) return;
        java.util.TreeSet<Long> counts = new java.util.TreeSet<>();
        for (long[] idx : probes()) {
            Point pt = new Point(idx);
            try {
                if (pt.applySwept() != null) continue;
                pt.applyDerived(false);
                counts.add((long) pt.build().net.totalNpus());
            } catch (RuntimeException e) {
                // a point that does not build is a row's business (infeasible or failed), checked elsewhere
            }
        }
        if (counts.isEmpty()) return;
        for (Path prefix : new java.util.TreeSet<>(spec.chakra().keySet())) {
            final long have = EtTrace.ranksUpTo(prefix.toString(), 0, counts.last() + 1);
            if (counts.stream().noneMatch(n -> n <= have))
                throw InputException.at(spec.file(), "workloads", "the Chakra trace set " + prefix + " has " + have
                        + " file(s) (" + prefix.getFileName() + ".0.et …), one per NPU, but the network has "
                        + (counts.size() == 1 ? counts.first() + " NPUs" : "at least " + counts.first() + " NPUs on every "
                        + "design point checked") + "; use the trace set for that NPU count, or a network of " + have
                        + " NPUs");
            // the traces (and memory and communicator-group files) the checked points run read now, into the caches the
            // points use: a malformed file is the spec's inputs' mistake, not an infeasible row per point
            // one NPU count that reads is enough: the others are rows (a communicator-group file of 64 ranks does not
            // fit a 16-NPU point, which is that point's business)
            SweepSpec.ChakraWorkload et = spec.chakra().get(prefix);
            InputException first = null;
            boolean reads = false;
            for (long n : counts) {
                if (n > have) continue;
                try {
                    traces.computeIfAbsent(et.prefix() + "|" + n, k -> EtTrace.read(et.prefix().toString(), (int) n));
                    if (et.memory() != null) memories.computeIfAbsent(et.memory(), RemoteMemory::parse);
                    if (et.commGroups() != null)
                        groupFiles.computeIfAbsent(et.commGroups() + "|" + n, k -> CommGroups.parse(et.commGroups(), (int) n));
                    reads = true;
                } catch (InputException e) {
                    if (first == null) first = e;
                }
            }
            if (!reads && first != null)
                throw InputException.at(spec.file(), "workloads", "the Chakra workload " + prefix + " does not read: "
                        + first.getMessage());
        }
    }

    /** A grid of at most this many points has every point probed before the first row. */
    static final int PROBE_ALL_UP_TO = 4096;
    static final int RANDOM_PROBES = 512;
    private boolean probesAll;

    /** The points an expression is tried on before the first row ({@link #probes(SweepSpec)}). */
    private List<long[]> probes() {
        Probes p = probes(spec);
        probesAll = p.all();
        return p.points();
    }

    /** Probe points, and whether they are the whole grid. */
    record Probes(List<long[]> points, boolean all) {
        /** How a spec-wide failure names the points it was found on. */
        String checked() {
            return " (on every design point checked" + (all ? "" : ": the first, last and middle points, each domain's values "
                    + "in turn and " + RANDOM_PROBES + " sampled points") + ")";
        }
    }

    /**
     * The points an expression is tried on before the first row: every point of a small grid; otherwise the first,
     * the last and the middle, each domain's values in turn (all of them up to {@link Domain#CHECK_ALL_UP_TO}) with the
     * others first, and {@link #RANDOM_PROBES} points drawn with a fixed seed (deterministic). ASTRA-sim and training
     * studies share them.
     */
    static Probes probes(SweepSpec spec) {
        int n = spec.domains().size();
        long[] sizes = new long[n];
        double total = 1;
        for (int k = 0; k < n; k++) {
            sizes[k] = spec.domains().get(k).size();
            total *= sizes[k];
        }
        List<long[]> out = new ArrayList<>();
        if (total <= PROBE_ALL_UP_TO) {
            for (long id = 0; id < (long) total; id++) {
                long[] idx = new long[n];
                long r = id;
                for (int k = n - 1; k >= 0; k--) {
                    idx[k] = r % sizes[k];
                    r /= sizes[k];
                }
                out.add(idx);
            }
            return new Probes(out, true);
        }
        long[] last = new long[n];
        long[] middle = new long[n];
        for (int k = 0; k < n; k++) {
            last[k] = sizes[k] - 1;
            middle[k] = sizes[k] / 2;
        }
        out.add(new long[n]);
        out.add(last);
        out.add(middle);
        for (int k = 0; k < n; k++) {
            for (long e : spec.domains().get(k).elementsToCheck()) {
                long[] idx = new long[n];
                idx[k] = e;
                out.add(idx);
            }
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        for (int i = 0; i < RANDOM_PROBES; i++) {
            long[] idx = new long[n];
            for (int k = 0; k < n; k++) idx[k] = random.nextLong(sizes[k]);
            out.add(idx);
        }
        return new Probes(out, false);
    }

    /** The file a section of the spec names ({@code network: {file: …}}), resolved as the spec reads it; or null. */
    private Path sectionFile(String section) {
        JsonNode n = spec.raw().path(section).path("file");
        if (!n.isTextual()) return null;
        return spec.file().toAbsolutePath().getParent().resolve(n.asText()).normalize();
    }

    private static boolean fails(Runnable r) {
        try {
            r.run();
            return false;
        } catch (InputException e) {
            return true;
        }
    }

    /** Whether an error is about a key a derived value writes. */
    private boolean derivedKey(InputException e) {
        for (SweepSpec.Derived d : spec.derived()) {
            if (d.path().key().equals(e.field())) return true;
            if (e.together().contains(d.path().key())) return true;
        }
        return false;
    }

    private void checkPath(String text, int baseRank, String in) {
        ParamPath p = ParamPath.parse(text, spec.file() + ": " + in.substring(0, in.length() - 1));
        String where = in + text;
        switch (p.section()) {
            case "run" -> {
                if (!SweepSpec.RUN_KEYS.contains(p.key()))
                    throw InputException.at(spec.file(), where, "unknown run option '" + p.key() + "'; expected one of "
                            + SweepSpec.RUN_KEYS);
                if (p.index() >= 0) throw InputException.at(spec.file(), where, "run." + p.key() + " is a single value, not a list");
            }
            case "cost" -> {
                if (!p.key().equals("classes") && !p.key().equals("unit-costs"))
                    throw InputException.at(spec.file(), where, "unknown cost key '" + p.key() + "'; expected classes or unit-costs");
                if (p.key().equals("classes") && p.index() >= maxRank(baseRank))
                    throw InputException.at(spec.file(), where, "no dimension " + p.index() + ": the networks of this spec have at "
                            + "most " + maxRank(baseRank) + " dimensions");
            }
            default -> {
                ObjectNode tree = spec.section(p.section());
                if (!tree.has(p.key()))
                    throw InputException.at(spec.file(), where, "the base " + p.section() + " has no field '" + p.key()
                            + "' (fields: " + String.join(", ", fieldNames(tree)) + ")");
                if (p.index() >= 0) {
                    JsonNode v = tree.get(p.key());
                    if (!v.isArray())
                        throw InputException.at(spec.file(), where, p.section() + "." + p.key() + " is not a list in the base ("
                                + v + "); sweep it whole, without [" + p.index() + "]");
                    int longest = Math.max(v.size(), longestSweptVector(p.section() + "." + p.key()));
                    if (isPerDimension(p)) longest = Math.max(longest, maxRank(baseRank));
                    if (p.index() >= longest)
                        throw InputException.at(spec.file(), where, p.section() + "." + p.key() + " has " + v.size()
                                + " entries in the base" + (longest > v.size() ? " (at most " + longest + " in this spec)" : "")
                                + ", so there is no [" + p.index() + "]");
                    // every point takes its network's shape from a swept domain: the base's own shape never runs
                    int swept = sweptRank();
                    if (isPerDimension(p) && swept > 0 && p.index() >= Math.max(swept, longestSweptVector(p.section() + "." + p.key())))
                        throw InputException.at(spec.file(), where, "every design point runs a swept network of at most " + swept
                                + " dimensions (the base's " + baseRank + "-dimension network never runs), so no point has ["
                                + p.index() + "]");
                }
            }
        }
    }

    private boolean isPerDimension(ParamPath p) {
        return (p.section().equals("network") && NETWORK_VECTORS.contains(p.key()))
                || (p.section().equals("system") && p.key().endsWith("-implementation"));
    }

    /** Whether a derived value writes the (2.0) network's topology. */
    private boolean topologyDerived() {
        return spec.derived().stream().anyMatch(x -> x.path().text().equals("network.topology"));
    }

    /**
     * The most dimensions a design point's network has when every point takes its topology from a swept domain (none
     * derives it): the longest swept topology; 0 when the base's shape may run.
     */
    private int sweptRank() {
        if (spec.networkV1() || spec.isCluster() || topologyDerived()) return 0;
        return longestSweptVector("network.topology");
    }

    /** The most dimensions any point of the spec can have: the base's, or the longest swept topology vector. */
    private int maxRank(int baseRank) {
        String key = spec.networkV1() ? "network.topologies-per-dim" : spec.isCluster() ? "cluster.network.topology" : "network.topology";
        return Math.max(baseRank, longestSweptVector(key));
    }

    /** Whether every design point has the base's number of dimensions (set by {@link #validate}). */
    private boolean rankFixed;

    /** The lengths of the whole vectors swept at {@code sectionKey}. */
    private Set<Integer> sweptVectorLengths(String sectionKey) {
        Set<Integer> lengths = new HashSet<>();
        for (Domain d : spec.domains()) {
            for (String path : d.paths()) {
                if (!path.equals(sectionKey)) continue;
                for (long e : elementsToCheck(d)) {
                    Object v = d.valuesAt(e).get(path);
                    if (v instanceof JsonNode n && n.isArray()) lengths.add(n.size());
                }
            }
        }
        return lengths;
    }

    private int longestSweptVector(String sectionKey) {
        return sweptVectorLengths(sectionKey).stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** The base, and the base with each element of each domain that sets whole network vectors (a few shapes). */
    private List<Point> shapeContexts() {
        List<Point> contexts = new ArrayList<>();
        contexts.add(null); // the base
        for (int k = 0; k < spec.domains().size(); k++) {
            Domain d = spec.domains().get(k);
            boolean shape = false;
            for (String p : d.paths()) {
                ParamPath pp = parsed.get(p);
                if (pp != null && pp.section().equals("network") && pp.index() < 0 && NETWORK_VECTORS.contains(pp.key())) shape = true;
            }
            if (!shape) continue;
            for (long e = 0; e < Math.min(d.size(), 16); e++) {
                long[] idx = new long[spec.domains().size()];
                idx[k] = e;
                Point p = new Point(idx, k);
                contexts.add(p);
            }
        }
        return contexts;
    }

    private static long[] elementsToCheck(Domain d) {
        return d.elementsToCheck();
    }

    /** Element {@code e} of domain {@code k} is wrong in itself if no context builds without an error in its keys. */
    private void checkValue(int k, long e, List<Point> contexts) {
        Domain d = spec.domains().get(k);
        Map<String, Object> values = d.valuesAt(e);
        InputException first = null;
        for (Point context : contexts) {
            if (context != null && context.onlyDomain == k) continue; // a shape is checked against the base
            Point p = new Point(null);
            if (context != null) p.applyFrom(context);
            // as a point applies them: whole values, the uniform lists to the rank, then element paths
            boolean applicable = true;
            for (int pass = 0; pass < 2; pass++) {
                if (pass == 1) p.adaptToRank(beforeElements);
                for (Map.Entry<String, Object> v : values.entrySet()) {
                    ParamPath pp = parsed.get(v.getKey());
                    boolean element = pp != null && pp.index() >= 0;
                    if (element == (pass == 1) && !p.set(v.getKey(), v.getValue())) applicable = false;
                }
            }
            if (!applicable) continue; // an element beyond this context's rank
            p.adaptToRank(atTheEnd);
            InputException err = p.tryBuild();
            if (err == null || !concerns(err, d)) return;
            if (first == null) first = err;
        }
        if (first == null) return;
        String shown = values.size() == 1 ? asWritten(values.values().iterator().next()) : values.toString();
        String path = d.paths().size() == 1 ? d.paths().get(0) : String.join(", ", d.paths());
        throw InputException.at(spec.file(), "sweep." + path, "value " + shown + " is not valid: " + first.getMessage()
                + (d instanceof Domain.Continuous ? CONTINUOUS_HINT : ""));
    }

    /** What a continuous range on a whole-number key needs instead (its values are fractions, written as such). */
    static final String CONTINUOUS_HINT = " (a continuous range gives fractional values; for a key that takes whole numbers "
            + "give a grid: from, to, step)";

    /** Whether the error is about one of the keys this domain sets. */
    private boolean concerns(InputException e, Domain d) {
        // an error of several keys: wrong in itself when this domain sets every key it is about but those no domain
        // changes (a vector of the wrong length for a topology that is never swept can never run)
        if (!e.together().isEmpty()) {
            Set<String> keys = new HashSet<>();
            for (String p : d.paths()) {
                keys.add(p);
                keys.add(ParamPath.withoutIndex(p));
                ParamPath pp = parsed.get(p);
                if (pp != null && !pp.clusterPath()) keys.add(pp.key());
            }
            for (String k : NETWORK_VECTORS) if (!sweptWhole.contains("network." + k)) keys.add(k); // its length never changes
            if (rankFixed) keys.add("topology"); // swept, but every value has the base's rank
            // a cluster key (cluster.fabric, cluster.network.bandwidth) no domain or derived value sets is constant: a
            // bandwidth above the one fabric of its dimension can never run
            for (String k : e.together()) {
                if (!k.contains(".")) continue;
                boolean set = gridPaths.stream().anyMatch(x -> ParamPath.sets(x, k))
                        || spec.derived().stream().anyMatch(x -> ParamPath.sets(x.path().text(), k));
                if (!set) keys.add(k);
            }
            return e.togetherWithin(keys);
        }
        if (e.field() == null) return false;
        for (String p : d.paths()) {
            ParamPath pp = parsed.get(p);
            // a cluster's errors name its keys as the cluster section writes them (cluster.fabric, cluster.network.bandwidth)
            String key = pp == null ? null : pp.clusterPath() ? ParamPath.withoutIndex(pp.text()) : pp.key();
            if (key != null && key.equals(e.field())) return true;
        }
        return false;
    }

    private static List<String> fieldNames(ObjectNode tree) {
        List<String> names = new ArrayList<>();
        tree.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Validation met an expression that fails on the first point only: not a spec mistake. */
    private static final class PointOnly extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PointOnly(String message) {
            super(message, null, false, false);
        }
    }

    /** The swept parameters' cells of a point, as points.csv shows them (a resumed search checks its rows with it). */
    @Override
    public List<String> sweptCells(long[] index) {
        Point p = new Point(index);
        try {
            p.applySwept();
        } catch (InputException e) {
            // a point whose values cannot be applied is an infeasible row holding the cells written before the mistake
            // (PointRow pads the rest): the same cells here, so a resume or a replay checks it as it was written
        }
        List<String> out = new ArrayList<>(p.params.subList(0, Math.min(p.params.size(), gridPaths.size())));
        while (out.size() < gridPaths.size()) out.add("");
        return out;
    }

    // ---- one design point ------------------------------------------------------------------------------------------

    /** What a point's configuration builds into. */
    private record Built(NetworkConfig net, SystemConfig sys, RunOptions options, double commScale, double computeScale,
                         List<UnitCosts> unitCosts, boolean aware, GraphSystem graph, org.astradse.hw.Cluster cluster,
                         Map<String, UnitCosts> fabricCosts) {
    }

    /** A design point's configuration trees, as its values are applied. */
    private final class Point {
        final long[] index;       // element per domain, or null for the base
        final int onlyDomain;     // a shape context: only this domain's element is applied
        final ObjectNode network = spec.network().deepCopy();
        final ObjectNode system = spec.system().deepCopy();
        final ObjectNode run = spec.run().deepCopy();
        final ObjectNode cost = spec.cost().deepCopy();
        Path workload = spec.workloads().get(0);
        final List<String> params = new ArrayList<>();
        final Set<String> missing = new HashSet<>(); // element paths beyond this point's rank
        final Set<String> written = new HashSet<>(); // "section.key" this point set from a domain or derived value
        Workload parsedWorkload; // its text workload, when build() looked it up

        Point(long[] index) {
            this(index, -1);
        }

        Point(long[] index, int onlyDomain) {
            this.index = index;
            this.onlyDomain = onlyDomain;
            if (onlyDomain >= 0) {
                for (Map.Entry<String, Object> v : spec.domains().get(onlyDomain).valuesAt(index[onlyDomain]).entrySet())
                    set(v.getKey(), v.getValue());
            }
        }

        /** Copies a context's trees (a shape) into this base point. */
        void applyFrom(Point context) {
            written.addAll(context.written);
            network.setAll(context.network.deepCopy());
            system.setAll(context.system.deepCopy());
            run.setAll(context.run.deepCopy());
            cost.setAll(context.cost.deepCopy());
        }

        ObjectNode tree(String section) {
            return switch (section) {
                case "network" -> network;
                case "system" -> system;
                case "run" -> run;
                default -> cost;
            };
        }

        /** Sets a swept value; false when an element path has no such element at this point's rank. */
        boolean set(String path, Object v) {
            if (path.equals("workload")) {
                workload = workloadByName.get(((JsonNode) v).asText());
                return true;
            }
            ParamPath pp = parsed.get(path);
            if (pp == null) pp = ParamPath.parse(path, "sweep");
            ObjectNode t = tree(pp.section());
            if (pp.index() >= 0) {
                if (pp.section().equals("cost") && pp.key().equals("classes") && !t.has("classes")) defaultClasses(t);
                JsonNode list = t.get(pp.key());
                if (list != null && list.isArray() && pp.index() >= list.size()) {
                    if (isPerDimension(pp) || pp.section().equals("cost")) return false;
                }
            }
            pp.set(t, JSON.valueToTree(v));
            String sk = sectionKeyOf.get(path);
            written.add(sk != null ? sk : pp.section() + "." + pp.key());
            return true;
        }

        /**
         * Applies the swept values in domain order, then adapts uniform per-dimension lists to the rank; returns why
         * the point is skipped (an element path beyond its rank, for a domain's non-first value), or null.
         */
        String applySwept() {
            String[] cells = new String[gridPaths.size()];
            List<Map<String, Object>> values = new ArrayList<>(index.length); // each domain's element, decoded once
            for (int k = 0; k < index.length; k++) values.add(spec.domains().get(k).valuesAt(index[k]));
            String skip = null;
            // whole values (shapes) first, then elements, so an element path always edits the point's own vector — a
            // uniform base list already at the shape's rank (an element of it may be swept: network.latency[0])
            for (int pass = 0; pass < 2 && skip == null; pass++) {
                if (pass == 1) adaptToRank(beforeElements);
                for (int i = 0; i < gridPaths.size(); i++) {
                    String path = gridPaths.get(i);
                    ParamPath pp = parsed.get(path);
                    boolean element = pp != null && pp.index() >= 0;
                    if (element != (pass == 1)) continue;
                    int k = domainOfPath[i];
                    Object v = values.get(k).get(path);
                    boolean ok = set(path, v);
                    cells[i] = ok ? format(v) : "";
                    if (!ok) {
                        missing.add(path);
                        if (index[k] != 0 && skip == null)
                            skip = path + " does not exist in this design's " + rank() + "-dimension network (the row with "
                                    + "its first value stands for it)";
                    }
                }
            }
            for (String c : cells) params.add(c == null ? "" : c);
            if (skip != null) return skip;
            adaptToRank(atTheEnd);
            return null;
        }

        /** Writes the derived values; with {@code strict}, an expression naming something undefined is a spec error. */
        void applyDerived(boolean strict) {
            if (spec.derived().isEmpty() && spec.constraints().isEmpty()) return;
            for (SweepSpec.Derived d : spec.derived()) {
                Object v = evaluate(d.expression(), "derived." + d.path().text(), strict);
                // an expression that gives nothing (null) is the derived entry's mistake at every point, not a later
                // constraint's
                if (v == null)
                    throw InputException.at(spec.file(), "derived." + d.path().text(), "'" + d.expression().getSourceText()
                            + "' gives no value (null); expected an expression giving a number, string or list");
                // arithmetic on decimals leaves binary noise (1000 - 965.579 - 10 - 10 = 14.42100000000005): 12
                // significant digits are simulated and written
                if (v instanceof Double x && x != Math.rint(x)) v = Domain.significant(x, 12);
                ParamPath pp = d.path();
                ObjectNode t = tree(pp.section());
                // a whole number computed in floating point (64.0 / 8) where the base holds an integer (an NPU count)
                JsonNode was = pp.index() < 0 ? t.get(pp.key()) : t.path(pp.key()).path(pp.index());
                if (v instanceof Double x && x == Math.rint(x) && Math.abs(x) < 9e15 && was != null && was.isIntegralNumber())
                    v = (long) (double) x;
                JsonNode list = t.get(pp.key());
                if (pp.index() >= 0 && list != null && list.isArray() && pp.index() >= list.size() && isPerDimension(pp)) {
                    missing.add(pp.text());
                    continue;
                }
                pp.set(t, JSON.valueToTree(v));
                written.add(sectionKeyOf.get(pp.text()));
            }
            for (SweepSpec.Derived d : spec.derived())
                params.add(missing.contains(d.path().text()) ? "" : format(d.path().get(tree(d.path().section()))));
        }

        /**
         * The first constraint that is false, or null; a constraint that is not true or false is a spec error. With
         * {@code strict} (validation) every constraint is evaluated, not only up to the first false one.
         */
        String violatedConstraint(boolean strict) {
            return Expressions.violated(spec, e -> evaluate(e, "constraints", strict), strict);
        }

        private Object evaluate(org.apache.commons.jexl3.JexlExpression e, String where, boolean strict) {
            try {
                return Expressions.evaluate(e, context());
            } catch (Expressions.Failure f) {
                if (strict && f.specWide())
                    throw InputException.at(spec.file(), where, "'" + e.getSourceText() + "': " + f.getMessage());
                if (strict) throw new PointOnly(where + ": '" + e.getSourceText() + "': " + f.getMessage());
                throw new InputException("expression '" + e.getSourceText() + "' failed: " + f.getMessage());
            }
        }

        /** Per-dimension lists of the base that hold one value and are not swept follow the point's rank. */
        void adaptToRank(Resizable which) {
            int r = rank();
            if (r <= 0) return;
            for (String k : which.network()) resize(network, k, r);
            for (String k : which.system()) resize(system, k, r);
            if (which.classes() && cost.has("classes")) resize(cost, "classes", r);
            if (which.dimensionsCount() && spec.networkV1() && network.has("dimensions-count")) network.put("dimensions-count", r);
        }

        /** A list of one repeated value (not a one* token) takes length r. */
        private void resize(ObjectNode tree, String key, int r) {
            JsonNode v = tree.get(key);
            if (!(v instanceof ArrayNode a) || a.isEmpty() || a.size() == r) return;
            JsonNode first = a.get(0);
            for (JsonNode x : a) if (!x.equals(first)) return;
            if (first.isTextual() && first.asText().startsWith("one")) return;
            ArrayNode out = JSON.createArrayNode();
            for (int i = 0; i < r; i++) out.add(first);
            tree.set(key, out);
        }

        private void defaultClasses(ObjectNode t) {
            ArrayNode classes = t.putArray("classes");
            CostClass[] all = CostClass.values();
            for (int d = 0; d < Math.max(rank(), 1); d++) classes.add(all[Math.min(d, all.length - 1)].specName());
        }

        int rank() {
            JsonNode t = network.get(spec.networkV1() ? "topologies-per-dim" : "topology");
            return t != null && t.isArray() ? t.size() : 0;
        }

        long npus() {
            JsonNode counts = network.get(spec.networkV1() ? "units-count" : "npus_count");
            long n = 1;
            if (counts == null || !counts.isArray()) return 0;
            for (JsonNode c : counts) n *= c.isNumber() ? c.asLong() : 0;
            return n;
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> context() {
            Map<String, Object> ctx = new HashMap<>();
            ctx.put("network", JSON.convertValue(network, Map.class));
            if (spec.isCluster()) ctx.put("cluster", JSON.convertValue(SweepSpec.clusterSection(network), Map.class));
            ctx.put("system", JSON.convertValue(system, Map.class));
            ctx.put("run", JSON.convertValue(run, Map.class));
            ctx.put("cost", JSON.convertValue(cost, Map.class));
            ctx.put("workload", workload.getFileName().toString());
            ctx.put("npus", npus());
            return ctx;
        }

        InputException tryBuild() {
            try {
                build();
                return null;
            } catch (InputException e) {
                return e;
            }
        }

        Built build() {
            // a study on a cluster: the calibrated analytical network of the point's cluster, its cost from the fabrics
            org.astradse.hw.Cluster cluster = spec.isCluster()
                    ? org.astradse.hw.Cluster.fromTree(SweepSpec.clusterSection(network), spec.file(), "cluster.") : null;
            NetworkConfig net = cluster != null ? cluster.analyticalNetwork(true) : spec.networkV1()
                    ? V1NetworkParser.fromTree(network, null, V1NetworkParser.Overrides.NONE, new ArrayList<>())
                    : NetworkConfig.fromTree(network, null);
            boolean chakra = spec.chakra().containsKey(workload);
            // a Chakra workload reads the system keys its own way (GraphSystem: roofline, replay-only, EXPLICIT), once
            GraphSystem graph = chakra && !spec.systemV1() ? GraphSystem.read(system, null) : null;
            SystemConfig sys = graph != null ? graph.system() : spec.systemV1() ? V1SystemParser.fromTree(system, null, Map.of())
                    : SystemConfig.fromJsonTree(system, null);
            RunOptions options = new RunOptions(integer(run, "num-passes", 1, RunOptions.MAX_PASSES), positive(run, "injection-scale"),
                    integer(run, "num-queues-per-dim", 1, Integer.MAX_VALUE), bool(run, "rendezvous-protocol"));
            double comm = positive(run, "comm-scale");
            double compute = number(run, "compute-scale", 0);
            // an implementation list the spec writes (its own system section, a swept or derived value) gives one token
            // per dimension for each collective the workload creates: with fewer the reference runs the first dimensions
            // only, which the row would report as the whole network's time (a system file's own list keeps the
            // reference's rule, and its warning)
            if (specTokens && !chakra) {
                String wkey = workloadKey(workload, comm, compute);
                Workload w = workloads.computeIfAbsent(wkey, k -> Workload.parse(workload, comm, compute));
                parsedWorkload = w; // the point's simulation reads it from here: one key per point
                java.util.Set<org.astradse.collective.CollectiveType> created = null;
                try {
                    // without a model-parallel layout the types do not depend on the network: once per workload
                    created = w.parallelism().transformer() ? TrainingSimulator.createdTypes(w, net)
                            : createdTypes.computeIfAbsent(wkey, x -> TrainingSimulator.createdTypes(w, net));
                } catch (InputException e) {
                    // a model-parallel group the network cannot lay out: the simulation reports it as the workload's
                }
                if (created != null) {
                    for (var t : created) {
                        String key = SystemConfig.implementationKey(t);
                        var tokens = sys.implementation(t);
                        // the point's own value: a swept or derived one it wrote, or the inline base's when no domain
                        // replaces it (a swept key's base value never runs)
                        boolean own = written.contains("system." + key) || systemInline && !sweptAny.contains("system." + key);
                        if (own && !tokens.get(0).global()
                                && tokens.size() != net.dimensionCount())
                            org.astradse.collective.CollectivePlanner.checkImplementations(net, sys, java.util.EnumSet.of(t), true);
                    }
                }
            }
            if (cluster != null && cost.has("classes"))
                throw InputException.at(null, "cost.classes", "a study on a cluster costs its network by its fabrics' unit "
                        + "costs; cost.unit-costs overrides them by fabric name (e.g. ib-ndr: {link: …, switch: …, nic: …})");
            List<UnitCosts> costs = cluster != null ? List.of() : unitCosts(cost, net.dimensionCount());
            Map<String, UnitCosts> fabricCosts = cluster == null ? Map.of()
                    : cost.equals(spec.cost()) ? baseFabricCosts : SweepSpec.fabricUnitCosts(cost, spec.file());
            CollectiveSimulator.Congestion congestion = CollectiveSimulator.Congestion.fromName(run.path("congestion").asText());
            if (congestion == null)
                throw InputException.at(null, "run.congestion", "expected unaware or aware, found " + run.get("congestion"));
            boolean aware = congestion == CollectiveSimulator.Congestion.AWARE;
            if (aware && !chakra)
                throw InputException.at(null, "run.congestion", "aware: the congestion-aware model runs Chakra ET workloads; "
                        + "1.0 training loops use the analytical model of their system file");
            if (chakra) {
                if (spec.systemV1() || net.isV1())
                    throw InputException.at(null, "workloads", "a Chakra ET workload needs a 2.0 network and a 2.0 system");
                if (aware && net.dimensionCount() != 1)
                    throw InputException.at(null, "run.congestion", "aware: the congestion-aware model only supports 1-dim "
                            + "networks, this design has " + net.dimensionCount());
            }
            return new Built(net, sys, options, comm, compute, costs, aware, graph, cluster, fabricCosts);
        }

        PointRow row(long id, String status, String error, long npus, TrainingResult r, double usd) {
            int want = spec.parameterColumns().size();
            while (params.size() < want) params.add("");
            if (r == null) return new PointRow(id, status, error, params, npus, 0, 0, 0, 0);
            return new PointRow(id, status, error, params, npus, r.endToEndNs(), r.computeNs(), r.exposedCommNs(), usd);
        }
    }

    // ---- strict readers of run options and costs ---------------------------------------------------------------

    private static int integer(ObjectNode run, String key, int min, int max) {
        JsonNode v = run.get(key);
        if (v == null || !v.isIntegralNumber() || v.asLong() < min || v.asLong() > max)
            throw InputException.at(null, key, "expected an integer >= " + min + (max == Integer.MAX_VALUE ? "" : " (from " + min + " to " + max + ")")
                    + ", found " + v);
        return v.asInt();
    }

    static final double MAX_SCALE = RunOptions.MAX_SCALE;

    private static double positive(ObjectNode run, String key) {
        JsonNode v = run.get(key);
        if (v == null || !v.isNumber() || !(v.asDouble() > 0) || !(v.asDouble() <= MAX_SCALE))
            throw InputException.at(null, key, "expected a positive number up to " + (long) MAX_SCALE + ", found " + v);
        return v.asDouble();
    }

    private static double number(ObjectNode run, String key, double min) {
        JsonNode v = run.get(key);
        if (v == null || !v.isNumber() || !(v.asDouble() >= min) || !(v.asDouble() <= MAX_SCALE))
            throw InputException.at(null, key, "expected a number from " + min + " to " + (long) MAX_SCALE + ", found " + v);
        return v.asDouble();
    }

    private static boolean bool(ObjectNode run, String key) {
        JsonNode v = run.get(key);
        if (v == null || !v.isBoolean()) throw InputException.at(null, key, "expected true or false, found " + v);
        return v.asBoolean();
    }

    /**
     * Unit costs per dimension: the spec's classes (default: InterChiplet, InterPackage, InterNode, InterPod, in order
     * from dimension 0, the last repeated) with its unit-cost overrides ($ per GB/s per NPU).
     */
    static List<UnitCosts> unitCosts(ObjectNode cost, int dims) {
        JsonNode classes = cost.get("classes");
        if (classes != null && !classes.isArray())
            throw InputException.at(null, "classes", "expected a list of cost classes, one per dimension, found " + classes);
        JsonNode overrides = cost.get("unit-costs");
        if (overrides != null) {
            if (!overrides.isObject())
                throw InputException.at(null, "unit-costs", "expected a mapping of cost class to {link, switch, nic}, found " + overrides);
            for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (CostClass.fromName(e.getKey()) == null)
                    throw InputException.at(null, "unit-costs", "unknown cost class '" + e.getKey() + "'; expected " + CostClass.NAMES);
                if (!e.getValue().isObject())
                    throw InputException.at(null, "unit-costs", e.getKey() + ": expected {link, switch, nic} in $ per GB/s");
                for (Iterator<Map.Entry<String, JsonNode>> u = e.getValue().fields(); u.hasNext(); ) {
                    Map.Entry<String, JsonNode> x = u.next();
                    if (!Set.of("link", "switch", "nic").contains(x.getKey()))
                        throw InputException.at(null, "unit-costs", e.getKey() + "." + x.getKey() + ": unknown; expected link, switch or nic");
                    if (!x.getValue().isNumber() || !UnitCosts.validUsd(x.getValue().asDouble()))
                        throw InputException.at(null, "unit-costs", e.getKey() + "." + x.getKey() + ": expected a number of $ per "
                                + "GB/s from 0 to 10^9, found " + x.getValue());
                }
            }
        }
        List<UnitCosts> out = new ArrayList<>();
        CostClass[] all = CostClass.values();
        for (int d = 0; d < dims; d++) {
            CostClass c;
            if (classes != null) {
                if (classes.size() != dims)
                    throw InputException.shape(null, "classes", "has " + classes.size() + " entries for " + dims + " dimensions");
                c = classes.get(d).isTextual() ? CostClass.fromName(classes.get(d).asText()) : null;
                if (c == null)
                    throw InputException.at(null, "classes[" + d + "]", "unknown cost class " + classes.get(d) + "; expected "
                            + CostClass.NAMES);
            } else {
                c = all[Math.min(d, all.length - 1)];
            }
            UnitCosts u = c.defaults();
            JsonNode over = overrides == null ? null : overrideFor(overrides, c);
            if (over != null) {
                u = new UnitCosts(over.path("link").asDouble(u.linkUsdPerGBps()), over.path("switch").asDouble(u.switchUsdPerGBps()),
                        over.path("nic").asDouble(u.nicUsdPerGBps()));
            }
            out.add(u);
        }
        return out;
    }

    private static JsonNode overrideFor(JsonNode overrides, CostClass c) {
        for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (CostClass.fromName(e.getKey()) == c) return e.getValue();
        }
        return null;
    }

    /**
     * A parameter value as a CSV cell: text as is, numbers as written, a list of plain values joined by '_' as
     * the 1.0 implementation strings are (Ring_FullyConnected_Switch, 200_100_50), anything else compact JSON.
     */
    static String format(Object v) {
        if (v == null) return "";
        if (v instanceof JsonNode n) {
            if (n.isValueNode()) return n.asText();
            if (n.isArray()) {
                StringBuilder sb = new StringBuilder();
                for (JsonNode e : n) {
                    if (!e.isValueNode()) return n.toString();
                    if (sb.length() > 0) sb.append('_');
                    sb.append(e.asText());
                }
                return sb.toString();
            }
            return n.toString();
        }
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString(d.longValue());
        return String.valueOf(v).toLowerCase(Locale.ROOT).equals("null") ? "" : String.valueOf(v);
    }

    /** A value as a spec writes it, for messages: a list as [a, b] (its CSV cell joins with '_'), a string bare. */
    static String asWritten(Object v) {
        if (v instanceof JsonNode n && n.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode e : n) parts.add(asWritten(e));
            return "[" + String.join(", ", parts) + "]";
        }
        if (v instanceof JsonNode n && n.isTextual()) return n.asText();
        return v instanceof JsonNode n ? n.toString() : format(v);
    }

    /** For tests: the values of a point. */
    Map<String, Object> valuesAt(long[] index) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int k = 0; k < index.length; k++) out.putAll(spec.domains().get(k).valuesAt(index[k]));
        return out;
    }
}
