package org.astradse.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.astradse.InputException;
import org.astradse.collective.AlgorithmKind;
import org.astradse.collective.AlgorithmToken;
import org.astradse.collective.CollectiveType;
import org.astradse.collective.SystemConfig;
import org.astradse.network.Dimension;
import org.astradse.network.NetworkConfig;
import org.astradse.network.TopologyKind;
import org.astradse.workload.et.EtGraph;
import org.astradse.workload.et.EtNode;
import org.astradse.workload.et.EtTrace;
import org.junit.jupiter.api.Test;

/** Graph-layer rules on hand-built graphs (SEMANTICS-ET 2), with derivations. */
class GraphSimulatorTest {
    static final NetworkConfig RING4 = new NetworkConfig(List.of(new Dimension(TopologyKind.RING, 4, 50, 500)));
    static final SystemConfig SYS;

    static {
        Map<CollectiveType, List<AlgorithmToken>> impl = new EnumMap<>(CollectiveType.class);
        for (CollectiveType t : CollectiveType.values()) impl.put(t, List.of(new AlgorithmToken(AlgorithmKind.RING, false, 0)));
        SYS = new SystemConfig(SystemConfig.SchedulingPolicy.LIFO, 10, 1, 4, impl,
                SystemConfig.CollectiveOptimization.LOCAL_BW_AWARE, 1600, List.of());
    }

    static EtNode comp(long id, long micros) {
        return new EtNode(id, EtNode.COMP_NODE, micros, false, -1, -1, -1, -1, EtNode.ABSENT, EtNode.ABSENT, EtNode.ABSENT, 0, -1, "", null);
    }

    static EtNode allReduce(long id, long bytes, long involved, int count) {
        return new EtNode(id, EtNode.COMM_COLL_NODE, 0, false, -1, -1, EtNode.ALL_REDUCE, bytes, EtNode.ABSENT, EtNode.ABSENT,
                EtNode.ABSENT, involved, count, "", null);
    }

    static EtGraph graph(List<EtNode> nodes, long[]... parents) {
        return EtGraph.build(Path.of("t.et"), nodes, List.of(parents));
    }

    static GraphResult run(List<EtGraph> graphs, GraphSimulator.Options o) {
        return GraphSimulator.simulate(EtTrace.of(graphs), RING4, SYS, o, RemoteMemory.NONE, CommGroups.NONE);
    }

    @Test
    void anAbsentAndAFullInvolvedDimAreTheSameCollective() {
        // ranks 0, 2: involved_dim absent; ranks 1, 3: [true] — the same 1-MiB all-reduce over the one dimension, so
        // the same chunks and the reference's undisturbed value c001 = 43000 ns on every NPU (SEMANTICS V6)
        List<EtGraph> graphs = new ArrayList<>();
        for (int r = 0; r < 4; r++)
            graphs.add(graph(List.of(r % 2 == 0 ? allReduce(0, 1 << 20, 0, -1) : allReduce(0, 1 << 20, 1, 1)), new long[0]));
        GraphResult res = run(graphs, GraphSimulator.Options.DEFAULT);
        for (GraphResult.Npu n : res.perNpu()) assertEquals(43000, n.finishNs());
    }

    @Test
    void replayOnlyStillRefusesMetadataNodes() {
        EtNode meta = new EtNode(0, EtNode.METADATA_NODE, 1, false, -1, -1, -1, -1, EtNode.ABSENT, EtNode.ABSENT,
                EtNode.ABSENT, 0, -1, "", null);
        List<EtGraph> graphs = new ArrayList<>();
        for (int r = 0; r < 4; r++) graphs.add(graph(List.of(meta), new long[0]));
        GraphSimulator.Options replay = new GraphSimulator.Options(false, 0, true, false, 1, 1.0, false, true);
        InputException e = assertThrows(InputException.class, () -> run(graphs, replay));
        assertTrue(e.getMessage().contains("METADATA_NODE"), e.getMessage());
        // replay-only otherwise replays: 3 µs + 0 µs (→ 1 ns) = 3001 ns, all of it GPU time (exposed 0)
        List<EtGraph> ok = new ArrayList<>();
        for (int r = 0; r < 4; r++) ok.add(graph(List.of(comp(0, 3), allReduce(1, 1 << 20, 0, -1)), new long[0], new long[] {0}));
        GraphResult res = run(ok, replay);
        assertEquals(3001, res.finishNs());
        assertEquals(0, res.perNpu().get(0).exposedCommNs());
    }

    @Test
    void impossibleDurationsAreUserErrors() {
        List<EtGraph> huge = new ArrayList<>();
        for (int r = 0; r < 4; r++) huge.add(graph(List.of(comp(0, -1)), new long[0])); // uint64 2^64 − 1 µs
        assertThrows(InputException.class, () -> run(huge, GraphSimulator.Options.DEFAULT));
        EtNode noOps = new EtNode(0, EtNode.COMP_NODE, 0, false, 0, 1000, -1, -1, EtNode.ABSENT, EtNode.ABSENT, EtNode.ABSENT,
                0, -1, "", null);
        List<EtGraph> zero = new ArrayList<>();
        for (int r = 0; r < 4; r++) zero.add(graph(List.of(noOps), new long[0]));
        GraphSimulator.Options roofline = new GraphSimulator.Options(true, 900, false, false, 1, 1.0, false, true);
        InputException e = assertThrows(InputException.class, () -> run(zero, roofline));
        assertTrue(e.getMessage().contains("num_ops 0"), e.getMessage());
    }

    @Test
    void idsIssueInUnsignedOrder() {
        // ids are uint64 (SEMANTICS-ET 1.3): 2^63 (negative as a Java long) comes after 5 in ascending id, the order
        // in which an issue pass walks ready nodes (2.2), and node indices follow that order
        EtNode big = comp(Long.MIN_VALUE, 3);
        EtNode small = comp(5, 2);
        EtGraph g = graph(List.of(big, small), new long[0], new long[0]);
        assertEquals(5, g.nodes()[0].id());
        assertEquals(Long.MIN_VALUE, g.nodes()[1].id());
    }
}
