package org.astradse.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.astradse.collective.PhaseTimer;
import org.astradse.collective.SystemConfig;
import org.astradse.collective.V1SystemParser;
import org.astradse.cost.CostClass;
import org.astradse.cost.NetworkCostModel;
import org.astradse.cost.UnitCosts;
import org.astradse.network.InputException;
import org.astradse.network.NetworkConfig;
import org.astradse.network.V1NetworkParser;
import org.astradse.report.PointRow;
import org.astradse.sim.RunOptions;
import org.astradse.sim.TrainingResult;
import org.astradse.sim.TrainingSimulator;
import org.astradse.workload.Workload;

/**
 * A sweep spec as a space of design points: point i is the grid's i-th combination of swept values applied to the
 * base configuration, then the derived values, then the constraints; it is simulated and costed. Thread-safe:
 * what points share (parsed workloads, phase durations) is kept in concurrent caches whose values are pure, so
 * results do not depend on which thread computed them.
 */
public final class SweepSpace {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SweepSpec spec;
    private final Grid grid;
    private final List<String> gridPaths;
    private final Map<String, ParamPath> parsed = new HashMap<>();
    private final Map<String, Path> workloadByName = new HashMap<>();
    private final ConcurrentHashMap<String, Workload> workloads = new ConcurrentHashMap<>();
    private final PhaseTimer.SharedCache phases = new PhaseTimer.SharedCache();

    public SweepSpace(SweepSpec spec) {
        this.spec = spec;
        this.grid = spec.enumerable() ? new Grid(spec.domains()) : null;
        List<String> paths = new ArrayList<>();
        for (Domain d : spec.domains()) paths.addAll(d.paths());
        this.gridPaths = List.copyOf(paths);
        for (String p : gridPaths) if (!p.equals("workload")) parsed.put(p, ParamPath.parse(p, "sweep"));
        for (Path w : spec.workloads()) workloadByName.put(SweepSpec.workloadName(spec.workloads(), w), w);
    }

    public SweepSpec spec() {
        return spec;
    }

    /** Points of the grid; the space must be {@link SweepSpec#enumerable()}. */
    public long size() {
        if (grid == null) throw new InputException("the space has a continuous range (from/to without step or factor); "
                + "a grid sweep needs a step or factor — or use `search`");
        return grid.size();
    }

    public List<String> header() {
        return PointRow.header(spec.parameterColumns());
    }

    /** Evaluates grid point {@code id}; never throws for a bad point (it becomes an infeasible or failed row). */
    public PointRow evaluate(long id) {
        return evaluate(id, grid.point(id));
    }

    /** The swept domains, in order (the search encodes one gene per domain). */
    public List<Domain> domains() {
        return spec.domains();
    }

    /** The parameter values of element {@code index[k]} of each domain k. */
    public Map<String, Object> valuesAt(long[] index) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (int k = 0; k < index.length; k++) out.putAll(spec.domains().get(k).valuesAt(index[k]));
        return out;
    }

    /**
     * Evaluates the design point with these swept values as row {@code id}; never throws for a bad point (it becomes
     * an infeasible or failed row).
     */
    public PointRow evaluate(long id, Map<String, Object> values) {
        List<String> params = new ArrayList<>();
        for (String p : gridPaths) params.add(format(values.get(p)));
        ObjectNode network = spec.network().deepCopy();
        ObjectNode system = spec.system().deepCopy();
        ObjectNode run = spec.run().deepCopy();
        ObjectNode cost = spec.cost().deepCopy();
        long npus = 0;
        try {
            Path workload = spec.workloads().get(0);
            for (String p : gridPaths) {
                Object v = values.get(p);
                if (p.equals("workload")) {
                    workload = workloadByName.get(((JsonNode) v).asText());
                    continue;
                }
                ParamPath path = parsed.get(p);
                path.set(tree(path.section(), network, system, run, cost), JSON.valueToTree(v));
            }
            if (!spec.derived().isEmpty() || !spec.constraints().isEmpty()) {
                for (SweepSpec.Derived d : spec.derived()) {
                    Object v = Expressions.evaluate(d.expression(), context(network, system, run, cost, workload));
                    d.path().set(tree(d.path().section(), network, system, run, cost), JSON.valueToTree(v));
                }
                for (SweepSpec.Derived d : spec.derived())
                    params.add(format(d.path().get(tree(d.path().section(), network, system, run, cost))));
                Map<String, Object> ctx = context(network, system, run, cost, workload);
                npus = ((Number) ctx.get("npus")).longValue();
                for (SweepSpec.Constraint c : spec.constraints()) {
                    Object r = Expressions.evaluate(c.expression(), ctx);
                    if (!(r instanceof Boolean b))
                        throw new InputException("constraint '" + c.source() + "' is not true or false (it gave " + r + ")");
                    if (!b) return new PointRow(id, PointRow.INFEASIBLE, "constraint '" + c.source() + "' is false", params, npus,
                            0, 0, 0, 0);
                }
            }
            NetworkConfig net = spec.networkV1()
                    ? V1NetworkParser.fromTree(network, null, V1NetworkParser.Overrides.NONE, new ArrayList<>())
                    : NetworkConfig.fromTree(network, null);
            npus = net.totalNpus();
            SystemConfig sys = spec.systemV1() ? V1SystemParser.fromTree(system, null, Map.of())
                    : SystemConfig.fromJsonTree(system, null);
            RunOptions options = new RunOptions(run.get("num-passes").asInt(), run.get("injection-scale").asDouble(),
                    run.get("num-queues-per-dim").asInt(), run.get("rendezvous-protocol").asBoolean());
            double comm = run.get("comm-scale").asDouble();
            double compute = run.get("compute-scale").asDouble();
            Path wl = workload;
            Workload parsedWorkload = workloads.computeIfAbsent(wl + "|" + comm + "|" + compute,
                    k -> Workload.parse(wl, comm, compute));
            TrainingResult r = new TrainingSimulator(parsedWorkload, net, sys, options, phases).run();
            double usd = NetworkCostModel.costUsd(net, unitCosts(cost, net.dimensionCount()));
            return new PointRow(id, PointRow.OK, "", params, npus, r.endToEndNs(), r.computeNs(), r.exposedCommNs(), usd);
        } catch (InputException e) {
            fill(params);
            return new PointRow(id, PointRow.INFEASIBLE, e.getMessage(), params, npus, 0, 0, 0, 0);
        } catch (RuntimeException e) {
            fill(params);
            return new PointRow(id, PointRow.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage(), params, npus, 0, 0, 0, 0);
        }
    }

    /** Infeasible before the derived values were written: their columns stay empty. */
    private void fill(List<String> params) {
        int want = spec.parameterColumns().size();
        while (params.size() < want) params.add("");
    }

    private static ObjectNode tree(String section, ObjectNode network, ObjectNode system, ObjectNode run, ObjectNode cost) {
        return switch (section) {
            case "network" -> network;
            case "system" -> system;
            case "run" -> run;
            default -> cost;
        };
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> context(ObjectNode network, ObjectNode system, ObjectNode run, ObjectNode cost, Path workload) {
        Map<String, Object> ctx = new HashMap<>();
        Map<String, Object> net = JSON.convertValue(network, Map.class);
        ctx.put("network", net);
        ctx.put("system", JSON.convertValue(system, Map.class));
        ctx.put("run", JSON.convertValue(run, Map.class));
        ctx.put("cost", JSON.convertValue(cost, Map.class));
        ctx.put("workload", workload.getFileName().toString());
        long npus = 1;
        Object counts = net.get(spec.networkV1() ? "units-count" : "npus_count");
        if (counts instanceof List<?> l) {
            for (Object o : l) npus *= o instanceof Number num ? num.longValue() : 0;
        } else {
            npus = 0;
        }
        ctx.put("npus", npus);
        return ctx;
    }

    /** Unit costs per dimension: the spec's classes (default: InterChiplet, InterPackage, InterNode, InterPod, in
     * order from dimension 0, the last repeated) with its unit-cost overrides. */
    static List<UnitCosts> unitCosts(ObjectNode cost, int dims) {
        JsonNode classes = cost.get("classes");
        List<UnitCosts> out = new ArrayList<>();
        CostClass[] all = CostClass.values();
        for (int d = 0; d < dims; d++) {
            CostClass c;
            if (classes != null && classes.isArray()) {
                if (d >= classes.size())
                    throw new InputException("cost.classes has " + classes.size() + " entries for " + dims + " dimensions");
                c = CostClass.fromName(classes.get(d).asText());
                if (c == null)
                    throw new InputException("cost class '" + classes.get(d).asText() + "': expected InterChiplet, InterPackage, "
                            + "InterNode or InterPod");
            } else {
                c = all[Math.min(d, all.length - 1)];
            }
            UnitCosts u = c.defaults();
            JsonNode over = cost.path("unit-costs").get(c.specName());
            if (over != null && over.isObject()) {
                u = new UnitCosts(over.path("link").asDouble(u.linkUsdPerGBps()), over.path("switch").asDouble(u.switchUsdPerGBps()),
                        over.path("nic").asDouble(u.nicUsdPerGBps()));
            }
            out.add(u);
        }
        return out;
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
}
