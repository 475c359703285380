package org.astradse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.astradse.InputException;
import org.astradse.collective.CollectiveType;
import org.astradse.collective.SystemConfig;
import org.astradse.network.NetworkConfig;
import org.astradse.sim.CollectiveResult;
import org.astradse.sim.CollectiveSimulator.Congestion;
import org.astradse.sim.CollectiveSimulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code collective}: one collective on every NPU, as ASTRA-sim 2.0 runs it. A contract: keep it stable. */
@Command(name = "collective", mixinStandardHelpOptions = true,
        description = "Simulate one collective issued on every NPU at time 0 (ASTRA-sim 2.0 analytical semantics).")
final class CollectiveCommand implements Callable<Integer> {
    @Option(names = "--network", required = true, paramLabel = "NET.yml",
            description = "ASTRA-sim 2.0 network YAML (topology, npus_count, bandwidth GB/s, latency ns per dimension)")
    Path network;

    @Option(names = "--system", required = true, paramLabel = "SYS.json", description = "ASTRA-sim 2.0 system JSON")
    Path system;

    @Option(names = "--collective", required = true, paramLabel = "TYPE",
            description = "all-reduce | all-gather | reduce-scatter | all-to-all")
    String collective;

    @Option(names = "--size", required = true, paramLabel = "BYTES",
            description = "input bytes per NPU (all-gather: each NPU's contribution)")
    long sizeBytes;

    @Option(names = "--congestion", defaultValue = "unaware", paramLabel = "MODEL",
            description = "unaware (default) | aware (1-D networks only)")
    String congestion;

    @Option(names = "--json", description = "print one JSON object: finishNs, perNpuFinishNs, ...")
    boolean json;

    @Override
    public Integer call() throws Exception {
        CollectiveType type = CollectiveType.fromName(collective);
        if (type == null)
            throw new InputException("--collective: unknown collective '" + collective
                    + "'; expected all-reduce, all-gather, reduce-scatter or all-to-all");
        Congestion model = Congestion.fromName(congestion);
        if (model == null) throw new InputException("--congestion: expected unaware or aware, found '" + congestion + "'");
        if (sizeBytes <= 0) throw new InputException("--size: expected a positive number of bytes, found " + sizeBytes);
        NetworkConfig net = NetworkConfig.parseYaml(network);
        SystemConfig sys = SystemConfig.parseJson(system);
        CollectiveResult r;
        try {
            r = CollectiveSimulator.simulate(net, sys, type, sizeBytes, model);
        } catch (InputException e) {
            // an implementation token the network cannot run is the system file's (and names the network), as simulate says
            throw SimulationOptions.namingSystem(e, system, network);
        }
        List<String> warnings = new ArrayList<>(net.singleNpuWarnings(network));
        warnings.addAll(r.warnings());
        for (String w : warnings) System.err.println("warning: " + SimulationOptions.namingSystem(system, w));
        if (json) {
            ObjectMapper om = new ObjectMapper();
            ObjectNode o = om.createObjectNode();
            o.put("collective", type.cliName());
            o.put("sizeBytes", sizeBytes);
            o.put("congestion", congestion.toLowerCase(java.util.Locale.ROOT));
            o.put("npus", r.perNpuFinishNs().length);
            o.put("chunks", r.chunks());
            o.put("finishNs", r.finishNs());
            ArrayNode per = o.putArray("perNpuFinishNs");
            for (long f : r.perNpuFinishNs()) per.add(f);
            ArrayNode warn = o.putArray("warnings");
            warnings.forEach(warn::add);
            System.out.println(om.writeValueAsString(o));
        } else {
            long min = Long.MAX_VALUE;
            for (long f : r.perNpuFinishNs()) min = Math.min(min, f);
            System.out.printf("%s of %d bytes per NPU on %d NPUs (%s, %d chunks): finished at %d ns%n",
                    type.cliName(), sizeBytes, r.perNpuFinishNs().length, model.name().toLowerCase(java.util.Locale.ROOT),
                    r.chunks(), r.finishNs());
            if (min != r.finishNs())
                System.out.printf("per-NPU finish times range from %d to %d ns (--json lists them)%n", min, r.finishNs());
        }
        return 0;
    }
}
