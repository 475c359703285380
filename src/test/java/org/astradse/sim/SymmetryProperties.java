package org.astradse.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.astradse.InputException;
import org.astradse.collective.AlgorithmKind;
import org.astradse.collective.AlgorithmToken;
import org.astradse.collective.CollectiveType;
import org.astradse.collective.SystemConfig;
import org.astradse.network.Dimension;
import org.astradse.network.NetworkConfig;
import org.astradse.network.TopologyKind;
import org.astradse.sim.CollectiveSimulator.Congestion;

/**
 * The symmetric shortcut (one representative NPU) must give exactly the numbers of simulating every NPU, on
 * random networks, systems and collectives; and the model's basic monotonicity must hold.
 */
class SymmetryProperties {
    record Scenario(NetworkConfig net, SystemConfig sys, CollectiveType type, long size, Congestion congestion) {
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Dimension> dim = Combinators.combine(
                Arbitraries.of(TopologyKind.values()), Arbitraries.of(1, 2, 3, 4, 6, 8),
                Arbitraries.of(12.5, 25.0, 50.0, 100.0, 400.0), Arbitraries.of(0.0, 100.0, 250.0, 700.0, 936.25))
                .as(Dimension::new);
        Arbitrary<NetworkConfig> net = dim.list().ofMinSize(1).ofMaxSize(3).map(NetworkConfig::new);
        Arbitrary<AlgorithmKind> algo = Arbitraries.of(AlgorithmKind.RING, AlgorithmKind.DIRECT,
                AlgorithmKind.HALVING_DOUBLING, AlgorithmKind.DOUBLE_BINARY_TREE, AlgorithmKind.NVLS);
        return Combinators.combine(net, algo.list().ofSize(3), Arbitraries.of(CollectiveType.values()),
                        Arbitraries.longs().between(1, 8L << 20), Arbitraries.integers().between(1, 16),
                        Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 200),
                        Arbitraries.of(true, false))
                .as((n, algos, type, size, splits, active, endpoint, local) -> {
                    List<AlgorithmToken> tokens = new ArrayList<>();
                    if (splits % 5 == 0) {
                        tokens.add(new AlgorithmToken(AlgorithmKind.DIRECT, true, 0)); // oneDirect: one dimension of all NPUs
                    } else {
                        for (int k = 0; k < n.dimensionCount(); k++) tokens.add(new AlgorithmToken(algos.get(k), false, 0));
                    }
                    Map<CollectiveType, List<AlgorithmToken>> impl = new EnumMap<>(CollectiveType.class);
                    for (CollectiveType t : CollectiveType.values()) impl.put(t, tokens);
                    SystemConfig sys = new SystemConfig(SystemConfig.SchedulingPolicy.LIFO, endpoint, active, splits, impl,
                            local ? SystemConfig.CollectiveOptimization.LOCAL_BW_AWARE
                                    : SystemConfig.CollectiveOptimization.BASELINE, 1600, List.of());
                    Congestion c = n.dimensionCount() == 1 && (size & 1) == 0 ? Congestion.AWARE : Congestion.UNAWARE;
                    return new Scenario(n, sys, type, size, c);
                });
    }

    @Property(tries = 300)
    void symmetricShortcutChangesNoNumber(@ForAll("scenarios") Scenario s) {
        CollectiveResult full;
        try {
            full = CollectiveSimulator.simulate(s.net(), s.sys(), s.type(), s.size(), s.congestion(), false);
        } catch (InputException e) {
            return; // an infeasible combination (e.g. halvingDoubling on 6 NPUs); refused in both modes
        }
        CollectiveResult sym = CollectiveSimulator.simulate(s.net(), s.sys(), s.type(), s.size(), s.congestion(), true);
        assertEquals(full.finishNs(), sym.finishNs());
        assertArrayEquals(full.perNpuFinishNs(), sym.perNpuFinishNs());
    }

    @Property(tries = 300)
    void moreBandwidthNeverSlowsARingCollectiveDown(@ForAll("scenarios") Scenario s) {
        List<Dimension> faster = new ArrayList<>();
        for (Dimension d : s.net().dimensions())
            faster.add(new Dimension(d.topology(), d.npus(), d.bandwidthGBps() * 2, d.latencyNs()));
        Map<CollectiveType, List<AlgorithmToken>> ring = new EnumMap<>(CollectiveType.class);
        List<AlgorithmToken> tokens = new ArrayList<>();
        for (int k = 0; k < s.net().dimensionCount(); k++) tokens.add(new AlgorithmToken(AlgorithmKind.RING, false, 0));
        for (CollectiveType t : CollectiveType.values()) ring.put(t, tokens);
        SystemConfig sys = new SystemConfig(s.sys().schedulingPolicy(), s.sys().endpointDelayNs(),
                s.sys().activeChunksPerDim(), s.sys().preferredSplits(), ring, s.sys().optimization(), 1600, List.of());
        long slow;
        try {
            slow = CollectiveSimulator.simulate(s.net(), sys, s.type(), s.size(), Congestion.UNAWARE).finishNs();
        } catch (InputException e) {
            return; // e.g. an all-gather smaller than the splits: refused whatever the bandwidth
        }
        long fast = CollectiveSimulator.simulate(new NetworkConfig(faster), sys, s.type(), s.size(), Congestion.UNAWARE).finishNs();
        org.junit.jupiter.api.Assertions.assertTrue(fast <= slow, "2x bandwidth: " + fast + " > " + slow);
    }
}
