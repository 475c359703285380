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
        if (options.chakra()) return benchChakra();
        SimulationOptions.Inputs in = options.load();
        long sink = 0;
        TrainingResult r = null;
        for (int i = 0; i < iterations; i++) {
            r = in.simulate();
            sink += r.endToEndNs();
        }
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            r = in.simulate();
            sink += r.endToEndNs();
        }
        long elapsed = System.nanoTime() - start;
        double mean = (double) elapsed / iterations;
        if (sink == 42) System.err.print(""); // keep the runs alive
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("iterations", iterations);
            o.put("meanNanosPerSimulation", Math.round(mean));
            o.put("endToEndNs", r.endToEndNs());
            o.put("npus", r.npus());
            o.put("simulatedPhases", r.simulatedPhases());
            System.out.println(new ObjectMapper().writeValueAsString(o));
        } else {
            System.out.printf("%d runs on %d NPUs: %.3f ms per simulation (end-to-end %d ns)%n", iterations, r.npus(), mean / 1e6,
                    r.endToEndNs());
        }
        return 0;
    }

    /** A Chakra ET trace set (a PREFIX, as simulate takes it): the graph layer's run, timed the same way. */
    private int benchChakra() throws Exception {
        ChakraRun.Setup setup = ChakraRun.load(options);
        setup.warnings().forEach(w -> System.err.println("warning: " + w));
        long sink = 0;
        org.astradse.sim.GraphResult r = null;
        for (int i = 0; i < iterations; i++) sink += setup.simulate().finishNs();
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            r = setup.simulate();
            sink += r.finishNs();
        }
        double mean = (double) (System.nanoTime() - start) / iterations;
        if (sink == 42) System.err.print(""); // keep the runs alive
        r.warnings().forEach(w -> System.err.println("warning: " + w));
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("iterations", iterations);
            o.put("meanNanosPerSimulation", Math.round(mean));
            o.put("endToEndNs", r.finishNs());
            o.put("npus", r.perNpu().size());
            System.out.println(new ObjectMapper().writeValueAsString(o));
        } else {
            System.out.printf("%d runs on %d NPUs: %.3f ms per simulation (finished at %d ns, latest NPU)%n", iterations,
                    r.perNpu().size(), mean / 1e6, r.finishNs());
        }
        return 0;
    }
}
