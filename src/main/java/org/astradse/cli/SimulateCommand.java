package org.astradse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import org.astradse.sim.LayerStats;
import org.astradse.sim.TrainingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code simulate}: a drop-in for AnalyticalAstra 1.0's command line. A contract: keep it stable. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Simulate training iterations of an ASTRA-sim 1.0 text workload (1.0 analytical semantics),",
                "or a Chakra ET trace set PREFIX.0.et ... (ASTRA-sim 2.0 graph execution; --json: finishNs, perNpu)."})
final class SimulateCommand implements Callable<Integer> {
    @Mixin
    SimulationOptions options;

    @Option(names = "--json", description = "print one JSON object: endToEndNs, computeNs, exposedCommNs, layers (1.0 text); "
            + "finishNs, perNpu[] (Chakra ET)")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (options.chakra()) return ChakraRun.run(options, json);
        if (!java.nio.file.Files.exists(options.workload))
            throw new org.astradse.InputException("--workload-configuration: " + options.workload + " is neither a 1.0 text "
                    + "workload file nor the prefix of a Chakra trace set (no " + options.workload + ".0.et)");
        SimulationOptions.Inputs in = options.load();
        TrainingResult r = in.simulate();
        // the inputs' warnings (ignored keys, …) and the simulation's, on stderr and in the JSON alike
        java.util.List<String> warnings = new java.util.ArrayList<>(in.warnings());
        r.warnings().forEach(w -> warnings.add(SimulationOptions.namingSystem(in.systemFile(), w)));
        warnings.forEach(w -> System.err.println("warning: " + w));
        if (options.path != null) StatCsv.write(options.path, options.runName, options.totalStatRows, options.statRow, r);
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(toJson(r, warnings)));
        } else {
            for (LayerStats l : r.layers()) {
                System.out.printf("layer %-24s fwd %d/%d/%d  ig %d/%d/%d  wg %d/%d/%d  (compute/exposed/total comm ns)%n",
                        l.name(), l.fwdComputeNs(), l.fwdExposedCommNs(), l.fwdTotalCommNs(), l.igComputeNs(),
                        l.igExposedCommNs(), l.igTotalCommNs(), l.wgComputeNs(), l.wgExposedCommNs(), l.wgTotalCommNs());
            }
            System.out.printf("%d NPUs: end-to-end %d ns, compute %d ns, exposed communication %d ns%n", r.npus(),
                    r.endToEndNs(), r.computeNs(), r.exposedCommNs());
        }
        return 0;
    }

    static ObjectNode toJson(TrainingResult r, java.util.List<String> warnings) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode o = om.createObjectNode();
        o.put("endToEndNs", r.endToEndNs());
        o.put("computeNs", r.computeNs());
        o.put("exposedCommNs", r.exposedCommNs());
        o.put("npus", r.npus());
        ArrayNode layers = o.putArray("layers");
        for (LayerStats l : r.layers()) {
            ObjectNode j = layers.addObject();
            j.put("name", l.name());
            j.put("collectivesIssued", l.collectivesIssued());
            phase(j.putObject("fwd"), l.fwdComputeNs(), l.fwdExposedCommNs(), l.fwdTotalCommNs());
            phase(j.putObject("ig"), l.igComputeNs(), l.igExposedCommNs(), l.igTotalCommNs());
            phase(j.putObject("wg"), l.wgComputeNs(), l.wgExposedCommNs(), l.wgTotalCommNs());
        }
        ArrayNode w = o.putArray("warnings");
        warnings.forEach(w::add);
        return o;
    }

    private static void phase(ObjectNode p, long compute, long exposed, long total) {
        p.put("computeNs", compute);
        p.put("exposedCommNs", exposed);
        p.put("totalCommNs", total);
    }
}
