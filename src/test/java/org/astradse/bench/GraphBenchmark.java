package org.astradse.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.astradse.network.NetworkConfig;
import org.astradse.sim.CommGroups;
import org.astradse.sim.GraphSimulator;
import org.astradse.sim.GraphSystem;
import org.astradse.sim.RemoteMemory;
import org.astradse.workload.et.EtGraph;
import org.astradse.workload.et.EtTrace;
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
 * Time per Chakra ET simulation of ResNet-50 (data parallel, converted from the 1.0 text by Chakra's converter):
 * the 64-NPU trace set on {@code Switch_64npus.yml} (reference case e152, 1.27 s in ASTRA-sim 2.0) and on the
 * 4×4×4 {@code Ring_FC_Switch_4x4x4.yml} (e153), then the same graph on 256- and 1,024-NPU networks of the 4×4×4's kind (4×8×8, 8×8×16) and switches (rank 0's graph for
 * every rank, as the converter writes them). Traces read once; {@code full-*} simulate every NPU (no symmetric
 * shortcut). Run: {@code ./mvnw -q -Pjmh test-compile exec:exec -Djmh.args="GraphBenchmark"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GraphBenchmark {
    @Param({"switch64", "torus4x4x4", "torus4x8x8", "torus8x8x16", "switch256", "switch1024", "full-switch64"})
    public String scenario;

    private EtTrace trace;
    private NetworkConfig net;
    private GraphSystem system;
    private GraphSimulator.Options options;

    @Setup
    public void setUp() throws Exception {
        Path in = Path.of("sweeps/inputs/astra-sim");
        String prefix = in.resolve("2.0-et/workload/txt_Resnet50_DataParallel_n64_p1/et").toString();
        ObjectMapper json = new ObjectMapper();
        switch (scenario) {
            case "torus4x4x4", "torus4x8x8", "torus8x8x16" -> {
                // Ring_FC_Switch_4x4x4.yml's dimensions (200/100/50 GB/s, 100/300/700 ns) with more NPUs per dimension
                String dims = scenario.substring("torus".length()).replace('x', ',');
                Path yml = Files.createTempFile("torus", ".yml");
                Files.writeString(yml, "topology: [Ring, FullyConnected, Switch]\nnpus_count: [" + dims + "]\n"
                        + "bandwidth: [200.0, 100.0, 50.0]\nlatency: [100.0, 300.0, 700.0]\n");
                net = NetworkConfig.parseYaml(yml);
                system = GraphSystem.read((ObjectNode) json.readTree(in.resolve("2.0/sys_ring-ring-ring_localBWAware_s4_a1.json")
                        .toFile()), null);
                int n = net.totalNpus();
                if (n == 64) {
                    trace = EtTrace.read(prefix, 64);
                } else {
                    EtGraph g = EtTrace.read(prefix, 1).graphs().get(0);
                    trace = EtTrace.of(new ArrayList<>(Collections.nCopies(n, g)));
                }
            }
            default -> {
                int n = scenario.endsWith("1024") ? 1024 : scenario.endsWith("256") ? 256 : 64;
                Path yml = Files.createTempFile("switch", ".yml");
                Files.writeString(yml, "topology: [Switch]\nnpus_count: [" + n + "]\nbandwidth: [100.0]\nlatency: [250.0]\n");
                net = NetworkConfig.parseYaml(yml);
                system = GraphSystem.read((ObjectNode) json.readTree(in.resolve("2.0/Ring_4chunks.json").toFile()), null);
                if (n == 64) {
                    trace = EtTrace.read(prefix, 64);
                } else {
                    EtGraph g = EtTrace.read(prefix, 1).graphs().get(0);
                    trace = EtTrace.of(new ArrayList<>(Collections.nCopies(n, g)));
                }
            }
        }
        options = system.options(false, 1, 1.0, false).withSymmetry(!scenario.startsWith("full-"));
    }

    @Benchmark
    public long simulate() {
        return GraphSimulator.simulate(trace, net, system.system(), options, RemoteMemory.NONE, CommGroups.NONE).finishNs();
    }
}
