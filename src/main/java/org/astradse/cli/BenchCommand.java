package org.astradse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import org.astradse.InputException;
import org.astradse.sim.TrainingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench}: the same simulation N times in one process after a warm-up of N runs. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time a simulation (a 1.0 text workload or a Chakra ET trace set): N runs after N warm-up runs; "
                + "reports meanNanosPerSimulation and endToEndNs.")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    SimulationOptions options;

    @Option(names = "--iterations", defaultValue = "20", paramLabel = "N", description = "timed runs (default 20)")
    int iterations;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (iterations < 1) throw new InputException("--iterations must be >= 1, found " + iterations);
        if (options.chakra()) {
            // a Chakra ET trace set (a PREFIX, as simulate takes it): the graph layer's run, timed the same way
            ChakraRun.Setup setup = ChakraRun.load(options);
            setup.warnings().forEach(w -> System.err.println("warning: " + w));
            org.astradse.sim.GraphResult[] last = new org.astradse.sim.GraphResult[1];
            double mean = meanNanos(() -> (last[0] = setup.simulate()).finishNs());
            last[0].warnings().forEach(w -> System.err.println("warning: " + w));
            return report(mean, last[0].finishNs(), last[0].perNpu().size(), -1, "finished at %d ns, latest NPU");
        }
        SimulationOptions.Inputs in = options.load();
        in.warnings().forEach(w -> System.err.println("warning: " + w));
        TrainingResult[] last = new TrainingResult[1];
        double mean = meanNanos(() -> (last[0] = in.simulate()).endToEndNs());
        last[0].warnings().forEach(w -> System.err.println("warning: " + SimulationOptions.namingSystem(in.systemFile(), w)));
        return report(mean, last[0].endToEndNs(), last[0].npus(), last[0].simulatedPhases(), "end-to-end %d ns");
    }

    /** Mean wall time of one run, ns: {@link #iterations} runs after as many warm-up runs (their results kept alive). */
    private double meanNanos(java.util.function.LongSupplier run) {
        long sink = 0;
        for (int i = 0; i < iterations; i++) sink += run.getAsLong();
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) sink += run.getAsLong();
        double mean = (double) (System.nanoTime() - start) / iterations;
        if (sink == 42) System.err.print(""); // keep the runs alive
        return mean;
    }

    /** The JSON object or the line; {@code phases} < 0: not reported (the graph layer has no phases). */
    private int report(double mean, long endNs, int npus, long phases, String endFormat) throws Exception {
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("iterations", iterations);
            o.put("meanNanosPerSimulation", Math.round(mean));
            o.put("endToEndNs", endNs);
            o.put("npus", npus);
            if (phases >= 0) o.put("simulatedPhases", phases);
            System.out.println(new ObjectMapper().writeValueAsString(o));
        } else {
            System.out.printf("%d runs on %d NPUs: %.3f ms per simulation (" + endFormat + ")%n", iterations, npus, mean / 1e6, endNs);
        }
        return 0;
    }
}
