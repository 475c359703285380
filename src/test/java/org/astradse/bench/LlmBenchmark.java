package org.astradse.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.astradse.sim.LlmTrainer;
import org.astradse.sim.TrainResult;
import org.astradse.workload.llm.TrainConfig;
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
 * Time per LLM training configuration ({@code train}): GPT-3 175B on 1,024 A100 (TP8 PP8, 1F1B, 100 micro-batches),
 * Llama 3 70B on 1,024 H100 (TP8 PP4 VPP5, 64 micro-batches), Llama 3.1 405B on 16,384 H100 (TP8 PP16) and the MoE
 * Qwen3 235B-A22B on 256 H100 (TP2 PP8 VPP4 EP32).
 * Configurations parsed once. Run: {@code ./mvnw -q -Pjmh test-compile exec:exec -Djmh.args="LlmBenchmark"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LlmBenchmark {
    @Param({"gpt3-175b-1024", "llama3-70b-1024", "llama3-405b-16384", "qwen3-235b-256"})
    public String scenario;

    private TrainConfig cfg;

    @Setup
    public void setup() {
        cfg = TrainConfig.parse(Path.of("src/test/resources/llm/" + scenario + ".yaml"));
    }

    @Benchmark
    public TrainResult configuration() {
        return LlmTrainer.run(cfg);
    }
}
