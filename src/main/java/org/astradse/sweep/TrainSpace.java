package org.astradse.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.astradse.InputException;
import org.astradse.cost.UnitCosts;
import org.astradse.network.Units;
import org.astradse.report.PointRow;
import org.astradse.sim.LlmTrainer;
import org.astradse.sim.TrainResult;
import org.astradse.workload.llm.TrainConfig;

/**
 * An LLM training study: every design point is the base training configuration with the point's swept values
 * written at their {@link TrainPath}s, run by {@link LlmTrainer}. A layout that cannot run (tp not dividing the
 * heads, a batch that does not divide, memory above the GPU's) is an {@code infeasible} row with the trainer's
 * reason; a value that is wrong in itself (an unknown model or fabric, a zero degree) stops the study before the
 * first point. Objectives: iteration time ({@code end_to_end_ns}; with {@code run.tokens}, the time to train that
 * many tokens — the objective when points differ in batch or sequence) against the cluster's network cost (its
 * fabrics' unit costs, or the spec's {@code cost.unit-costs} by fabric name).
 */
public final class TrainSpace implements DesignSpace {
    /** The training metrics of a row, between the parameters and npus (names are a contract of points.csv). */
    public static final List<String> METRICS = List.of("dp", "micro_batches", "iteration_ns", "iterations", "tokens_per_s_per_gpu",
            "model_tflops_per_gpu", "mfu", "memory_peak_bytes_per_gpu", "bubble_ns", "tp_ns", "cp_ns", "ep_ns", "pp_ns", "dp_ns",
            "optimizer_ns");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SweepSpec spec;
    private final Grid grid;
    private final List<TrainPath> paths = new ArrayList<>();
    private final List<Integer> domainOfPath = new ArrayList<>();
    /**
     * The order the paths are written in: containers before what they contain (cluster before cluster.network, a whole
     * vector before its elements), as an ASTRA-sim study writes whole values before elements — otherwise a vector
     * swept after one of its elements would overwrite it while the row's cell shows the element's value.
     */
    private final int[] writeOrder;
    private final Map<String, UnitCosts> unitCosts = new HashMap<>();
    /** run.tokens: the objective is the time to train that many tokens (0: one iteration). */
    private final double tokens;

    public TrainSpace(SweepSpec spec) {
        this.spec = spec;
        this.grid = spec.enumerable() ? new Grid(spec.domains()) : null;
        this.tokens = spec.run().path("tokens").asDouble(0);
        for (int k = 0; k < spec.domains().size(); k++) {
            for (String p : spec.domains().get(k).paths()) {
                paths.add(TrainPath.parse(p, spec.file() + ": sweep"));
                domainOfPath.add(k);
            }
        }
        writeOrder = java.util.stream.IntStream.range(0, paths.size()).boxed()
                .sorted(java.util.Comparator.comparingInt((Integer i) -> paths.get(i).keys().size() + (paths.get(i).index() >= 0 ? 1 : 0)))
                .mapToInt(Integer::intValue).toArray();
        unitCosts.putAll(spec.fabricUnitCosts());
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
        return PointRow.header(spec.parameterColumns(), METRICS);
    }

    @Override
    public List<String> sweptCells(long[] index) {
        return cells(values(index));
    }

    private List<String> cells(List<Map<String, Object>> values) {
        List<String> cells = new ArrayList<>(paths.size());
        for (int i = 0; i < paths.size(); i++) cells.add(SweepSpace.format(values.get(domainOfPath.get(i)).get(paths.get(i).text())));
        return cells;
    }

    private List<Map<String, Object>> values(long[] index) {
        List<Map<String, Object>> values = new ArrayList<>(index.length);
        for (int k = 0; k < index.length; k++) values.add(spec.domains().get(k).valuesAt(index[k]));
        return values;
    }

    /** The configuration tree of a point: the base with the point's values (only domain {@code only}'s if ≥ 0). */
    private ObjectNode tree(List<Map<String, Object>> values, int only) {
        ObjectNode t = spec.train().deepCopy();
        for (int i : writeOrder) {
            int k = domainOfPath.get(i);
            if (only >= 0 && k != only) continue;
            Object v = values.get(k).get(paths.get(i).text());
            // a swept list's node is the domain's own: a copy, as a later element path may write into it
            JsonNode n = v instanceof JsonNode j ? (j.isValueNode() ? j : j.deepCopy()) : JSON.valueToTree(v);
            paths.get(i).set(t, n);
        }
        return t;
    }

    @Override
    public PointRow evaluate(long id, long[] index) {
        List<Map<String, Object>> values = values(index); // decoded once: for the cells and the tree
        List<String> cells = cells(values);
        long npus = 0;
        try {
            ObjectNode t = tree(values, -1);
            TrainConfig cfg = TrainConfig.fromTree(t, spec.file());
            npus = cfg.cluster().totalGpus();
            String violated = violatedConstraint(t, cfg, npus, false);
            if (violated != null)
                return notOk(id, PointRow.INFEASIBLE, "constraint '" + violated + "' is false", cells, npus);
            TrainResult r = LlmTrainer.run(cfg);
            if (!r.feasible()) return notOk(id, PointRow.INFEASIBLE, r.reason(), cells, npus);
            double usd = cfg.cluster().networkCostUsd(unitCosts);
            if (!Double.isFinite(usd)) return notOk(id, PointRow.INFEASIBLE, "the network cost overflows ($ " + usd + ")", cells, npus);
            long iter = Math.round(r.iterationNs());
            // the objective: one iteration, or with run.tokens the iterations to train that many tokens
            double perIteration = (double) cfg.parallel().globalBatch() * cfg.model().seqLen();
            double its = tokens > 0 ? Math.ceil(tokens / perIteration) : 1;
            if (its * r.iterationNs() > 9.0e18)
                return notOk(id, PointRow.INFEASIBLE, tokens > 0 ? String.format(Locale.ROOT, "training %.3g tokens takes "
                        + "%.3g iterations of %.3g s: beyond what end_to_end_ns can hold (2^63 ns, 292 years)", tokens, its,
                        Units.nanosToSeconds(r.iterationNs())) : String.format(Locale.ROOT, "one iteration takes %.3g s: beyond "
                        + "what end_to_end_ns can hold (2^63 ns, 292 years)", Units.nanosToSeconds(r.iterationNs())), cells, npus);
            long iterations = (long) its;
            long time = iter * iterations;
            long compute = Math.round(r.computeNs()) * iterations;
            List<String> m = List.of(Integer.toString(r.dp()), Integer.toString(r.microBatches()), Long.toString(iter),
                    Long.toString(iterations),
                    PointRow.twoDecimals(r.tokensPerSecondPerGpu()), PointRow.twoDecimals(r.modelTflopsPerGpu()),
                    String.format(Locale.ROOT, "%.4f", r.mfu()), Long.toString(Math.round(r.memoryPeakBytesPerGpu())),
                    ns(r.bubbleNs()), ns(r.tpNs()), ns(r.cpNs()), ns(r.epNs()), ns(r.ppNs()), ns(r.dpNs()), ns(r.optimizerNs()));
            return new PointRow(id, PointRow.OK, "", cells, npus, time, compute, time - compute, usd, m);
        } catch (InputException e) {
            return notOk(id, PointRow.INFEASIBLE, e.getMessage(), cells, npus);
        } catch (RuntimeException e) {
            return notOk(id, PointRow.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage(), cells, npus);
        }
    }

    /** Whether some domain sets key {@code k} ({@code cluster.fabric[1]}): itself, its whole list, or a mapping above it. */
    private boolean sweptAnywhere(String k) {
        for (Domain d : spec.domains()) for (String p : d.paths()) if (ParamPath.sets(p, k)) return true;
        return false;
    }

    /** A row that is not ok: its training metrics empty, one cell each. */
    private static PointRow notOk(long id, String status, String why, List<String> cells, long npus) {
        return new PointRow(id, status, why, cells, npus, 0, 0, 0, 0, BLANK);
    }

    private static final List<String> BLANK = java.util.Collections.nCopies(METRICS.size(), "");

    private static String ns(double v) {
        return Long.toString(Math.round(v));
    }

    /**
     * The first violated constraint of a point (Expressions.violated, the rule ASTRA-sim studies use). A failure that
     * is the spec's (an undefined variable or field) is a study-wide mistake on the strict first point; anything else
     * makes the row infeasible.
     */
    @SuppressWarnings("unchecked")
    private String violatedConstraint(ObjectNode t, TrainConfig cfg, long npus, boolean strict) {
        if (spec.constraints().isEmpty()) return null;
        Map<String, Object> vars = new LinkedHashMap<>();
        for (String k : List.of("model", "parallel", "cluster")) {
            JsonNode v = t.get(k);
            vars.put(k, v == null ? new LinkedHashMap<>() : v.isObject() ? JSON.convertValue(v, Map.class) : v.asText());
        }
        // the layout's keys a study leaves to their defaults, dp derived included, are named as they resolve:
        // `parallel.dp >= 4` means the run's dp whether the spec writes it or the cluster's GPUs give it
        if (cfg != null && vars.get("parallel") instanceof Map<?, ?> written) {
            Map<String, Object> par = new LinkedHashMap<>((Map<String, Object>) written);
            cfg.parallel().byKey(npus).forEach(par::putIfAbsent);
            vars.put("parallel", par);
        }
        vars.put("gpus", npus);
        return Expressions.violated(spec, e -> {
            try {
                return Expressions.evaluate(e, vars);
            } catch (Expressions.Failure f) {
                if (strict && f.specWide())
                    throw InputException.at(spec.file(), "constraints", "'" + e.getSourceText() + "': " + f.getMessage());
                throw new InputException("constraint '" + e.getSourceText() + "': " + f.getMessage());
            }
        }, strict);
    }

    /**
     * Spec-wide mistakes stop the study before the first point: the base must parse, and every domain value written
     * alone into the base must parse too (an unknown model, GPU or fabric name, a zero or fractional degree) — what
     * fails only with other values (a layout the trainer finds infeasible) is left to the rows.
     */
    private void validate() {
        TrainConfig base;
        try {
            base = TrainConfig.fromTree(spec.train(), spec.file());
        } catch (InputException e) {
            throw new InputException(spec.file() + ": train: " + e.getMessage());
        }
        // constraints, strictly: an undefined name or a non-boolean stops the study here; one that fails on every probe
        // point (a division by zero, an index no cluster has) is the spec's mistake too, as in an ASTRA-sim study —
        // failing on some points only is those rows' business
        if (!spec.constraints().isEmpty() && (grid == null || grid.size() > 0)) {
            String failure = null;
            boolean works = false;
            for (Probe pr : probes()) {
                if (pr.tree() == null) continue; // the point has no configuration: its row says why
                TrainConfig cfg = pr.cfg() != null ? pr.cfg() : base;
                try {
                    // the point's own configuration, or the base's when it does not parse (its row will say why): the
                    // layout's defaults must resolve either way, or `parallel.dp` would read as undefined
                    violatedConstraint(pr.tree(), cfg, cfg.cluster().totalGpus(), true);
                    works = true;
                    break;
                } catch (InputException e) {
                    if (e.field() != null) throw e; // the spec's mistake (named at constraints)
                    if (failure == null) failure = e.getMessage();
                }
            }
            if (!works && failure != null) throw InputException.at(spec.file(), "constraints", failure + probeSet.checked());
        }
        // the collectives of a training study are NCCL's algorithms, which treat every dimension as a switched fabric:
        // a swept topology would change the cost alone (a Ring 2.25× cheaper and as fast), a front that means nothing
        // (a topology of Switch dimensions swept for its rank is a shape, and fine)
        for (Domain d : spec.domains())
            for (String p : d.paths()) {
                if (!ParamPath.withoutIndex(p).equals("cluster.network.topology")) continue;
                for (long e : d.elementsToCheck()) {
                    Object v = d.valuesAt(e).get(p);
                    List<String> names = new ArrayList<>();
                    if (v instanceof com.fasterxml.jackson.databind.JsonNode n && n.isArray()) n.forEach(x -> names.add(x.asText()));
                    else if (v instanceof com.fasterxml.jackson.databind.JsonNode n) names.add(n.asText());
                    for (String t : names)
                        if (!t.equalsIgnoreCase("Switch"))
                            throw InputException.at(spec.file(), "sweep." + p, "value " + SweepSpace.asWritten(v) + ": " + t
                                    + " has no effect on a training study's times (its collectives run NCCL's algorithms, which "
                                    + "treat every dimension as a switched fabric), only on its cost; sweep cluster.fabric[i] "
                                    + "or cluster.network.bandwidth[i] instead");
                }
            }
        // so is a base one: the study's other objective is the network cost, which the topology does change
        for (int i = 0; i < base.cluster().dims().size() && !sweptAnywhere("cluster.network.topology"); i++) {
            org.astradse.network.TopologyKind t = base.cluster().dims().get(i).topology();
            if (t != org.astradse.network.TopologyKind.SWITCH)
                throw InputException.at(spec.file(), "train.cluster.network.topology[" + i + "]", t.referenceName()
                        + " has no effect on a training study's times (its collectives run NCCL's algorithms, which treat "
                        + "every dimension as a switched fabric), only on its cost; write Switch");
        }
        warnInertAndUneven(base);
        // a run's seq-len replaces its model's: a swept model.seq-len beside one would be a dead axis of the study
        if ((spec.train().has("seq-len") || sweptAnywhere("seq-len"))) {
            for (Domain d : spec.domains())
                for (String p : d.paths())
                    if (p.equals("model.seq-len"))
                        throw InputException.at(spec.file(), "sweep." + p, "has no effect: the configuration's seq-len "
                                + (spec.train().has("seq-len") ? "(" + spec.train().get("seq-len") + ") " : "(swept) ")
                                + "replaces the model's; sweep seq-len instead");
        }
        for (int k = 0; k < spec.domains().size(); k++) {
            Domain d = spec.domains().get(k);
            for (long e : d.elementsToCheck()) {
                Map<String, Object> vals = d.valuesAt(e);
                try {
                    aloneInBase(k, e);
                } catch (InputException x) {
                    // wrong only with values of other domains (a bandwidth above a fabric that is swept too): rows; a
                    // key no domain sets is the base's for every point (a bandwidth above a fabric never swept can never run)
                    List<String> mine = new ArrayList<>(d.paths().stream().map(ParamPath::withoutIndex).toList());
                    for (String t : x.together()) if (!sweptAnywhere(t)) mine.add(t);
                    if (!x.together().isEmpty() && !x.togetherWithin(mine))
                        continue;
                    String shown = vals.size() == 1 ? SweepSpace.format(vals.values().iterator().next()) : vals.toString();
                    // the inner message names the spec again: said once
                    String why = x.getMessage().startsWith(spec.file() + ": ") ? x.getMessage().substring(spec.file().toString().length() + 2)
                            : x.getMessage();
                    if (why.startsWith(ParamPath.withoutIndex(d.paths().get(0)) + ": unknown key"))
                        // a misspelt swept key is not a value that cannot run
                        throw new InputException(spec.file() + ": sweep." + String.join(", ", d.paths()) + ": "
                                + why.substring(why.indexOf(": ") + 2));
                    throw new InputException(spec.file() + ": sweep." + String.join(", ", d.paths()) + ": value " + shown
                            + " cannot run: " + why + (d instanceof Domain.Continuous ? SweepSpace.CONTINUOUS_HINT : ""));
                }
            }
        }
        refuseWhenNoLayoutRuns();
        warnUnusedUnitCosts(base);
        probes = null; // the set-up's: not kept for the run
    }

    /**
     * What a user would be misled by, said on stderr before the first point (the study goes on): a setting of the base
     * or a swept key that has no effect on any probe point (sequence parallelism with tp 1 everywhere, a MoE switch on a
     * dense model, a label such as model.name) — its rows would differ in that column only; points that train different
     * numbers of tokens per iteration compared by iteration time (run.tokens compares time to train N tokens); a dp
     * written in the base beside swept degrees (it is kept for every point, so most layouts cannot run).
     */
    private void warnInertAndUneven(TrainConfig base) {
        if (grid != null && grid.size() == 0) return;
        java.util.Map<String, String> inert = null;
        String domain = null;
        double minTokens = Double.POSITIVE_INFINITY;
        double maxTokens = 0;
        for (Probe pr : probes()) {
            TrainConfig c = pr.cfg();
            if (c == null) continue; // that point's row says why
            if (domain == null) domain = c.cluster().domainWarning();
            java.util.Map<String, String> here = c.inertKeys();
            if (inert == null) inert = new LinkedHashMap<>(here);
            else inert.keySet().retainAll(here.keySet());
            double t = (double) c.parallel().globalBatch() * c.model().seqLen();
            minTokens = Math.min(minTokens, t);
            maxTokens = Math.max(maxTokens, t);
        }
        if (domain != null) System.err.println(domain + " (a point of this study; others may be too)");
        if (inert == null) return;
        String file = spec.file() + ": ";
        for (String p : spec.parameterColumns())
            if (inert.containsKey(p))
                System.err.println("warning: " + file + "sweep." + p + " has no effect on any point checked (" + inert.get(p)
                        + "): its rows differ in this column only");
            else if (p.equals("model.name") || p.equals("model.source"))
                System.err.println("warning: " + file + "sweep." + p + " is a label: its values change nothing but the column");
        java.util.Map<String, String> baseInert = base.ineffectiveByKey(spec.train());
        for (java.util.Map.Entry<String, String> e : baseInert.entrySet())
            if (inert.containsKey(e.getKey()) && !sweptAnywhere(e.getKey()))
                System.err.println("warning: " + e.getValue().replaceFirst("^" + java.util.regex.Pattern.quote(file), file + "train."));
        if (tokens == 0 && maxTokens > minTokens)
            System.err.printf(Locale.ROOT, "warning: %sthe points train from %,.0f to %,.0f tokens per iteration (global batch × "
                    + "sequence length): the iteration-time objective favours the smallest; run: {tokens: N} compares the time "
                    + "to train N tokens%n", file, minTokens, maxTokens);
        if (spec.train().path("parallel").has("dp") && !sweptAnywhere("parallel.dp")
                && (sweptAnywhere("parallel.tp") || sweptAnywhere("parallel.pp") || sweptAnywhere("parallel.cp")))
            System.err.println("warning: " + file + "train.parallel.dp: " + spec.train().path("parallel").get("dp")
                    + " is kept for every point while tp, pp or cp are swept: a layout whose tp·pp·cp·dp is not the "
                    + "cluster's GPUs cannot run; leave dp out to derive it per point");
    }

    /** The base configuration with domain {@code k}'s element {@code e} written into it alone (the other domains' base values). */
    private TrainConfig aloneInBase(int k, long e) {
        List<Map<String, Object>> values = new ArrayList<>();
        for (int q = 0; q < spec.domains().size(); q++) values.add(q == k ? spec.domains().get(k).valuesAt(e) : Map.of());
        return TrainConfig.fromTree(tree(values, k), spec.file());
    }

    /**
     * cost.unit-costs naming a fabric no point of the study runs on overrides nothing (a fabric left out of the sweep, or
     * a copy from another study): said on stderr, the study goes on. The fabrics are the base's and those of every
     * domain value written alone into the base (every value of a domain of up to {@link Domain#CHECK_ALL_UP_TO}).
     */
    private void warnUnusedUnitCosts(TrainConfig base) {
        if (unitCosts.isEmpty()) return;
        java.util.Set<String> used = new java.util.HashSet<>();
        for (org.astradse.hw.Cluster.Dim d : base.cluster().dims()) used.add(d.fabric().name());
        for (int k = 0; k < spec.domains().size(); k++) {
            Domain d = spec.domains().get(k);
            if (d.paths().stream().noneMatch(p -> p.startsWith("cluster"))) continue;
            for (long e : d.elementsToCheck()) {
                try {
                    for (org.astradse.hw.Cluster.Dim x : aloneInBase(k, e).cluster().dims())
                        used.add(x.fabric().name());
                } catch (InputException x) {
                    // a value wrong only with others: its fabrics are not counted (a warning, not a verdict)
                }
            }
        }
        for (String f : new java.util.TreeSet<>(unitCosts.keySet()))
            if (!used.contains(f))
                System.err.println("warning: " + spec.file() + ": cost.unit-costs." + f + ": no point of this study runs on "
                        + f + " (its fabrics: " + new java.util.TreeSet<>(used) + "); the override applies to nothing");
    }

    /** A probe point: its configuration tree and what it parses to (null, and why, when either cannot be built). */
    private record Probe(ObjectNode tree, TrainConfig cfg, String parseError) {
    }

    private SweepSpace.Probes probeSet;
    private List<Probe> probes;

    /**
     * The probe points ({@link SweepSpace#probes}: every point of a grid of up to {@link SweepSpace#PROBE_ALL_UP_TO},
     * else a sample), each parsed once for the set-up's checks — constraints, settings that cannot act, layouts.
     */
    private List<Probe> probes() {
        if (probes != null) return probes;
        probeSet = SweepSpace.probes(spec);
        probes = new ArrayList<>(probeSet.points().size());
        for (long[] idx : probeSet.points()) {
            ObjectNode t = null;
            try {
                t = tree(values(idx), -1); // an element of a list this point lacks fails here
                probes.add(new Probe(t, TrainConfig.fromTree(t, spec.file()), null));
            } catch (InputException e) {
                probes.add(new Probe(t, null, e.getMessage()));
            }
        }
        return probes;
    }

    /**
     * A study none of whose points has a layout that can run — a global batch no swept layout divides, a swept dp that
     * never matches the GPUs — would write only infeasible rows and fail at the end: on a grid small enough to check
     * whole ({@link SweepSpace#PROBE_ALL_UP_TO} points, the layout rules only: no simulation), it is refused before the
     * first point. Memory above the GPU's is a result, not a layout mistake, and is not checked here.
     */
    private void refuseWhenNoLayoutRuns() {
        if (grid == null || grid.size() == 0 || grid.size() > SweepSpace.PROBE_ALL_UP_TO) return;
        String first = null;
        for (Probe pr : probes()) { // a grid this small is probed whole, in id order
            String why = pr.cfg() != null ? LlmTrainer.layoutProblem(pr.cfg()) : pr.parseError();
            if (why == null) return;
            if (first == null) first = why;
        }
        throw InputException.at(spec.file(), "sweep", "no design point has a layout that can run (all " + grid.size()
                + " checked), e.g. the first: " + first + "; change the values swept or the base configuration");
    }
}