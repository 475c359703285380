package org.astradse.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.astradse.InputException;
import org.astradse.network.Dimension;
import org.astradse.network.NetworkConfig;
import org.astradse.network.TopologyKind;
import org.astradse.sim.CollectiveResult;
import org.astradse.sim.CollectiveSimulator;
import org.junit.jupiter.api.Test;

/** The nvls token: in-switch all-reduce on a Switch dimension (rule in NvlsAlgorithm and the README). */
class NvlsTest {
    static SystemConfig sys(AlgorithmKind ar) {
        Map<CollectiveType, List<AlgorithmToken>> impl = new EnumMap<>(CollectiveType.class);
        for (CollectiveType t : CollectiveType.values())
            impl.put(t, List.of(new AlgorithmToken(t == CollectiveType.ALL_REDUCE ? ar : AlgorithmKind.RING, false, 0)));
        return new SystemConfig(SystemConfig.SchedulingPolicy.LIFO, 10, 1, 4, impl,
                SystemConfig.CollectiveOptimization.LOCAL_BW_AWARE, 1600, List.of());
    }

    static final NetworkConfig SWITCH16 = new NetworkConfig(List.of(new Dimension(TopologyKind.SWITCH, 16, 100, 250)));

    @Test
    void oneTripThroughTheSwitchPerChunk() {
        // 1 MiB in 4 chunks of D = 262144 B; a Switch message is T = ⌊2·250 + 262144 / (100·2^30/1e9)⌋ = ⌊500 + 2441.4⌋
        // = 2941 ns; a phase is E + T + E = 2961; one active chunk: 4 × 2961 = 11844 on every NPU
        CollectiveResult r = CollectiveSimulator.simulate(SWITCH16, sys(AlgorithmKind.NVLS), CollectiveType.ALL_REDUCE, 1 << 20,
                CollectiveSimulator.Congestion.UNAWARE, true);
        assertEquals(11844, r.finishNs());
        CollectiveResult full = CollectiveSimulator.simulate(SWITCH16, sys(AlgorithmKind.NVLS), CollectiveType.ALL_REDUCE,
                1 << 20, CollectiveSimulator.Congestion.UNAWARE, false);
        assertEquals(r.finishNs(), full.finishNs());
        // faster than the ring over the same switch (2·15 steps of D/16 per chunk)
        CollectiveResult ring = CollectiveSimulator.simulate(SWITCH16, sys(AlgorithmKind.RING), CollectiveType.ALL_REDUCE, 1 << 20,
                CollectiveSimulator.Congestion.UNAWARE, true);
        assertTrue(r.finishNs() < ring.finishNs(), r.finishNs() + " vs ring " + ring.finishNs());
    }

    @Test
    void onlyOnSwitchDimensionsAndContentionFreeNetworks() {
        NetworkConfig ring = new NetworkConfig(List.of(new Dimension(TopologyKind.RING, 4, 50, 500)));
        InputException e = assertThrows(InputException.class, () -> CollectiveSimulator.simulate(ring, sys(AlgorithmKind.NVLS),
                CollectiveType.ALL_REDUCE, 1 << 20, CollectiveSimulator.Congestion.UNAWARE, true));
        assertTrue(e.getMessage().contains("Switch dimension"), e.getMessage());
        assertThrows(InputException.class, () -> CollectiveSimulator.simulate(SWITCH16, sys(AlgorithmKind.NVLS),
                CollectiveType.ALL_REDUCE, 1 << 20, CollectiveSimulator.Congestion.AWARE, true));
        assertEquals(AlgorithmKind.NVLS, AlgorithmToken.parse("nvls").kind());
    }
}
