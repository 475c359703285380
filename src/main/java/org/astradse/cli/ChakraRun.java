package org.astradse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.astradse.InputException;
import org.astradse.collective.SystemConfig;
import org.astradse.network.NetworkConfig;
import org.astradse.sim.CollectiveSimulator;
import org.astradse.sim.CommGroups;
import org.astradse.sim.GraphResult;
import org.astradse.sim.GraphSimulator;
import org.astradse.sim.GraphSystem;
import org.astradse.sim.RemoteMemory;
import org.astradse.workload.et.EtTrace;

/**
 * {@code simulate} on a Chakra ET trace set: ASTRA-sim 2.0's analytical command line (SEMANTICS-ET 2.11). A contract:
 * the options, the per-NPU lines and the JSON fields {@code finishNs} and {@code perNpu[...]} stay stable.
 */
final class ChakraRun {
    private ChakraRun() {
    }

    /** Everything a graph simulation needs, read from the command line's files. */
    record Setup(EtTrace graphs, NetworkConfig network, SystemConfig system, GraphSimulator.Options options,
                 RemoteMemory memory, CommGroups groups, List<String> warnings) {
        GraphResult simulate() {
            return GraphSimulator.simulate(graphs, network, system, options, memory, groups);
        }
    }

    static Setup load(SimulationOptions o) {
        o.checkStray();
        boolean rendezvous = o.rendezvousFlag();
        CollectiveSimulator.Congestion model = CollectiveSimulator.Congestion.fromName(o.congestion);
        if (model == null) throw new InputException("--congestion: expected unaware or aware, found '" + o.congestion + "'");
        boolean aware = model == CollectiveSimulator.Congestion.AWARE;
        if (o.queuesPerDim < 1) throw new InputException("--num-queues-per-dim must be >= 1, found " + o.queuesPerDim);
        if (!(o.injectionScale > 0)) throw new InputException("--injection-scale must be > 0, found " + o.injectionScale);
        List<String> warnings = new ArrayList<>();
        NetworkConfig net = o.network(warnings);
        if (net.isV1())
            throw new InputException(o.network + ": a Chakra ET workload runs on an ASTRA-sim 2.0 network (YAML: topology, "
                    + "npus_count, bandwidth, latency), not a 1.0 JSON network");
        if (aware && net.dimensionCount() != 1)
            throw new InputException(o.network + ": the congestion-aware network model only supports 1-dim topology (the "
                    + "reference exits with 255 for " + net.dimensionCount() + " dimensions); use --congestion unaware");
        // the system JSON: the keys the graph layer reads on top of the system layer's (SEMANTICS-ET 2.4, SYS:383-412)
        if (!SystemConfig.isV2File(o.system))
            throw new InputException(o.system + ": a Chakra ET workload needs an ASTRA-sim 2.0 system JSON");
        JsonNode tree = NetworkConfig.readTree(o.system, new ObjectMapper());
        if (!tree.isObject()) throw InputException.at(o.system, null, "expected a JSON object of system keys");
        GraphSystem gs = GraphSystem.read((ObjectNode) tree, o.system);
        SystemConfig sys = gs.system();
        RemoteMemory memory = o.remoteMemory == null ? RemoteMemory.NONE : RemoteMemory.parse(o.remoteMemory);
        long memNpus = (long) memory.nodes() * memory.npusPerNode();
        if (memory.kind() == RemoteMemory.Kind.PER_NODE_MEMORY_EXPANSION && memNpus != net.totalNpus())
            // node = rank div num-npus-per-node (SEMANTICS-ET 2.7): a product other than the NPU count is a file for
            // another machine — ranks beyond it fail at their first memory node, or queues are never used
            warnings.add(o.remoteMemory + ": num-nodes " + memory.nodes() + " × num-npus-per-node " + memory.npusPerNode()
                    + " = " + memNpus + " NPUs, the network has " + net.totalNpus() + (memNpus < net.totalNpus()
                    ? " (ranks " + memNpus + " and above are in no memory node: a remote-memory node there is an error)"
                    : " (the nodes beyond rank " + (net.totalNpus() - 1) + " are never used)"));
        CommGroups groups = CommGroups.NONE;
        if (o.commGroups.contains("empty") && !o.commGroups.equals("empty"))
            // the reference reads any path containing "empty" as no file (SEMANTICS-ET 26): same, but say so, since a
            // directory named e.g. empty-run/ silently drops the groups
            warnings.add("--comm-group-configuration " + o.commGroups + " contains 'empty': read as no group file, as "
                    + "ASTRA-sim 2.0 does (CmdLineParser.cc); rename the path to use it");
        if (!o.commGroups.contains("empty")) { // the reference's default is the string "empty" (CmdLineParser.cc)
            Path file = Path.of(o.commGroups);
            if (!Files.isRegularFile(file))
                throw new InputException("--comm-group-configuration: " + file + " does not exist (a path containing "
                        + "'empty' means no groups)");
            groups = CommGroups.parse(file, net.totalNpus());
        }
        EtTrace graphs = EtTrace.read(o.workload.toString(), net.totalNpus());
        // ranks beyond the network's NPUs are not read: their collectives would span NPUs the run does not have
        long extra = EtTrace.ranksUpTo(o.workload.toString(), net.totalNpus(), Long.MAX_VALUE);
        if (extra > net.totalNpus())
            warnings.add(o.workload + "." + net.totalNpus() + ".et" + (extra - 1 > net.totalNpus() ? " … ." + (extra - 1) + ".et are"
                    : " is") + " not read: the network has " + net.totalNpus() + " NPUs and the trace set " + extra + " ranks "
                    + "(a trace set for another NPU count?)");
        GraphSimulator.Options options = gs.options(aware, o.queuesPerDim, o.injectionScale, rendezvous);
        warnings.addAll(gs.warnings());
        return new Setup(graphs, net, sys, options, memory, groups, warnings);
    }

    static int run(SimulationOptions o, boolean json) throws Exception {
        Setup s = load(o);
        s.warnings().forEach(w -> System.err.println("warning: " + w)); // before a failure they may explain
        GraphResult r = s.simulate();
        r.warnings().forEach(w -> System.err.println("warning: " + w));
        if (json) {
            List<String> all = new ArrayList<>(s.warnings());
            all.addAll(r.warnings());
            System.out.println(new ObjectMapper().writeValueAsString(toJson(r, all)));
            return 0;
        }
        StringBuilder sb = new StringBuilder();
        List<GraphResult.Npu> per = r.perNpu();
        for (int i = 0; i < per.size(); i++) {
            GraphResult.Npu n = per.get(i);
            // the reference's report lines (WL:568-572, ST:118-282)
            sb.append("sys[").append(i).append("] finished, ").append(n.finishNs()).append(" cycles, exposed communication ")
                    .append(Long.toUnsignedString(n.exposedCommNs())).append(" cycles.\n");
            sb.append("sys[").append(i).append("], Wall time: ").append(n.wallTimeNs()).append('\n');
            line(sb, i, "GPU", n.gpuTimeNs());
            line(sb, i, "CPU", n.cpuTimeNs());
            line(sb, i, "Comm", n.commTimeNs());
            line(sb, i, "Remote mem", n.remoteMemTimeNs());
            line(sb, i, "Invalid", n.invalidTimeNs());
            if (n.overlapNs() > 0)
                sb.append("sys[").append(i).append("], Total compute-communication overlap: ").append(n.overlapNs()).append('\n');
            if (n.roofline() != null) {
                GraphResult.Roofline f = n.roofline();
                String at = "sys[" + i + "], ";
                sb.append(at).append("Compute bound percentage: ").append(GraphResult.fixed3(f.computeBoundPct())).append("%\n");
                sb.append(at).append("Average compute utilization: ").append(GraphResult.fixed3(f.computeUtilPct())).append("%\n");
                sb.append(at).append("Average memory utilization: ").append(GraphResult.fixed3(f.memUtilPct())).append("%\n");
                sb.append(at).append("Average operation intensity: ").append(GraphResult.fixed3(f.opIntensity())).append('\n');
            }
        }
        sb.append(String.format(Locale.ROOT, "%d NPUs: finished at %d ns (latest NPU), exposed communication up to %s ns%s%n",
                per.size(), r.finishNs(), maxExposed(r), r.symmetric() ? " (one rank simulated for all: identical graphs)" : ""));
        System.out.print(sb);
        return 0;
    }

    private static String maxExposed(GraphResult r) {
        long max = 0;
        for (GraphResult.Npu n : r.perNpu()) if (Long.compareUnsigned(n.exposedCommNs(), max) > 0) max = n.exposedCommNs();
        return Long.toUnsignedString(max);
    }

    private static void line(StringBuilder sb, int i, String what, long ns) {
        if (ns >= 0) sb.append("sys[").append(i).append("], ").append(what).append(" time: ").append(ns).append('\n');
    }

    static ObjectNode toJson(GraphResult r, List<String> warnings) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("finishNs", r.finishNs());
        o.put("npus", r.perNpu().size());
        o.put("symmetric", r.symmetric());
        ArrayNode per = o.putArray("perNpu");
        for (GraphResult.Npu n : r.perNpu()) {
            ObjectNode j = per.addObject();
            j.put("finishNs", n.finishNs());
            j.put("exposedCommNs", new BigInteger(Long.toUnsignedString(n.exposedCommNs())));
            j.put("commTimeNs", Math.max(0, n.commTimeNs()));
            j.put("wallTimeNs", n.wallTimeNs());
            j.put("gpuTimeNs", Math.max(0, n.gpuTimeNs()));
            j.put("cpuTimeNs", Math.max(0, n.cpuTimeNs()));
            j.put("remoteMemTimeNs", Math.max(0, n.remoteMemTimeNs()));
            j.put("invalidTimeNs", Math.max(0, n.invalidTimeNs()));
            j.put("overlapNs", n.overlapNs());
            if (n.roofline() != null) {
                j.put("computeBoundPct", n.roofline().computeBoundPct());
                j.put("avgComputeUtilPct", n.roofline().computeUtilPct());
                j.put("avgMemUtilPct", n.roofline().memUtilPct());
                j.put("avgOpIntensity", n.roofline().opIntensity());
            }
        }
        ArrayNode w = o.putArray("warnings");
        warnings.forEach(w::add);
        return o;
    }
}
