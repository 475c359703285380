package org.astradse.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.astradse.sweep.SweepSpace;
import org.astradse.sweep.SweepSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Design points evaluated per second on one thread, walking the bench-100k grid (ResNet-50, 64 NPUs): applying
 * the point's values, building its configuration, simulating (phase durations shared across points) and costing.
 * Run: {@code ./mvnw -q -Pjmh test-compile exec:exec -Djmh.args="SweepBenchmark"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class SweepBenchmark {
    private SweepSpace space;
    private long next;

    @Setup
    public void setUp() {
        space = new SweepSpace(SweepSpec.parse(Path.of("sweeps/bench-100k.yaml")));
    }

    @Benchmark
    public Object evaluatePoint() {
        long id = next;
        next = (next + 1) % space.size();
        return space.evaluate(id);
    }
}
