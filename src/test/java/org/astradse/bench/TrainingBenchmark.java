package org.astradse.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.astradse.collective.SystemConfig;
import org.astradse.collective.V1SystemParser;
import org.astradse.network.NetworkConfig;
import org.astradse.network.V1NetworkParser;
import org.astradse.sim.RunOptions;
import org.astradse.sim.TrainingSimulator;
import org.astradse.workload.Workload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time per training simulation on the three cases: ResNet-50 and the Transformer (1 pass) on the 4×4×4
 * torus ({@code sample_Torus3D.json} + {@code sample_torus_sys.txt}) and DLRM on 1,024 NPUs
 * ({@code sample_Switch.json} --units-count 1024, {@code sample_a2a_sys.txt}, 2 passes). Inputs parsed once.
 * Run: {@code ./mvnw -q -Pjmh test-compile exec:exec -Djmh.args="TrainingBenchmark"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TrainingBenchmark {
    @Param({"resnet50-torus64", "transformer-torus64", "dlrm-switch1024"})
    public String scenario;

    private Workload workload;
    private NetworkConfig net;
    private SystemConfig sys;
    private RunOptions options;

    @Setup
    public void setUp() {
        Path in = Path.of("sweeps/inputs/astra-sim/1.0");
        switch (scenario) {
            case "resnet50-torus64", "transformer-torus64" -> {
                net = V1NetworkParser.parse(in.resolve("network/sample_Torus3D.json"), V1NetworkParser.Overrides.NONE);
                sys = V1SystemParser.parse(in.resolve("system/sample_torus_sys.txt"));
                workload = Workload.parse(in.resolve(scenario.startsWith("resnet") ? "workload/Resnet50_DataParallel.txt"
                        : "workload/Transformer_HybridParallel.txt"), 1, 1);
                options = new RunOptions(1, 1, 1, false);
            }
            default -> {
                net = V1NetworkParser.parse(in.resolve("network/sample_Switch.json"),
                        new V1NetworkParser.Overrides(new int[] {1024}, null, null, null));
                sys = V1SystemParser.parse(in.resolve("system/sample_a2a_sys.txt"));
                workload = Workload.parse(in.resolve("workload/DLRM_HybridParallel.txt"), 1, 1);
                options = new RunOptions(2, 1, 1, false);
            }
        }
    }

    @Benchmark
    public long simulate() {
        return TrainingSimulator.simulate(workload, net, sys, options).endToEndNs();
    }
}
