package org.astradse.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.astradse.collective.CollectiveType;
import org.astradse.collective.SystemConfig;
import org.astradse.network.NetworkConfig;
import org.astradse.sim.CollectiveSimulator.Congestion;
import org.astradse.sim.CollectiveSimulator;
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
 * Simulated collectives per second: one 1 MiB ring all-reduce on 16 NPUs (Ring_16npus) with 4 chunks
 * (Ring_4chunks.json), both network models; {@code symmetric=false} forces every NPU to be simulated, for the
 * ratio. Run: {@code ./mvnw -q -Pjmh test-compile exec:exec -Djmh.args="CollectiveBenchmark"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CollectiveBenchmark {
    @Param({"UNAWARE", "AWARE"})
    public Congestion congestion;

    @Param({"true", "false"})
    public boolean symmetric;

    private NetworkConfig net;
    private SystemConfig sys;

    @Setup
    public void setUp() {
        Path inputs = Path.of("sweeps/inputs/astra-sim/2.0");
        net = NetworkConfig.parseYaml(inputs.resolve("Ring_16npus.yml"));
        sys = SystemConfig.parseJson(inputs.resolve("Ring_4chunks.json"));
    }

    @Benchmark
    public long ringAllReduce1MiB16Npus() {
        return CollectiveSimulator.simulate(net, sys, CollectiveType.ALL_REDUCE, 1 << 20, congestion, symmetric).finishNs();
    }
}
