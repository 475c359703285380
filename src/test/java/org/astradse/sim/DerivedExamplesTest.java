package org.astradse.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.astradse.collective.CollectiveType;
import org.astradse.collective.SystemConfig;
import org.astradse.network.NetworkConfig;
import org.astradse.network.Units;
import org.astradse.sim.CollectiveSimulator.Congestion;
import org.junit.jupiter.api.Test;

/** Numbers derived by hand from the model (SEMANTICS 9), for behaviour the visible reference cases do not pin. */
class DerivedExamplesTest {
    static final Path V2 = Path.of("sweeps/inputs/astra-sim/2.0");
    static final NetworkConfig RING_SWITCH_4X2 = NetworkConfig.parseYaml(Path.of("src/test/resources/networks/Ring_Switch_4x2_derived.yml"));

    static long run(NetworkConfig net, String system, CollectiveType type, long size, boolean symmetric) {
        return CollectiveSimulator.simulate(net, SystemConfig.parseJson(V2.resolve(system)), type, size,
                Congestion.UNAWARE, symmetric).finishNs();
    }

    @Test
    void localBwAwareAllReducePipelinesAcrossTwoDimensions() {
        // V12: chunk 262144. RS dim 0 (m 65536, T 1720, P 120) = 10 + 3·(1720+10+120) = 5560;
        // AR dim 1 (D 65536, m 32768, T ⌊2000 + 1220.70⌋ = 3220, P 60) = 10 + 3290 + 3230 = 6530;
        // AG dim 0 (m 65536) = 10 + 3·1730 = 5200. The dim-0 queue is never idle: 4·(5560+5200) = 43040.
        for (boolean sym : new boolean[] {true, false})
            assertEquals(43040, run(RING_SWITCH_4X2, "sys_ring-ring_localBWAware_s4_a1.json", CollectiveType.ALL_REDUCE, 1 << 20, sym));
    }

    @Test
    void baselineAllReduceRunsFullChunkOnEveryDimension() {
        // V12 baseline: AR dim 0 = 10750; AR dim 1 on the full chunk: m = 262144/2 = 131072, dim 1 is
        // 25 GB/s = 26.8435 B/ns and a Switch (2 hops), so T = ⌊2·1000 + 4882.81⌋ = 6882,
        // P = 3·⌊131072/1600⌋ = 243; AR over 2 members = 10 + (6882+10+243) + (6882+10) = 14037.
        // Dim 1 is the bottleneck: 10750 + 4·14037 = 66898.
        for (boolean sym : new boolean[] {true, false})
            assertEquals(66898, run(RING_SWITCH_4X2, "sys_ring-ring_baseline_s4_a1.json", CollectiveType.ALL_REDUCE, 1 << 20, sym));
    }

    @Test
    void endpointDelayEntersEveryPacket() {
        // V13-style: c001 (Ring_4npus, 1 MiB AR, 4 chunks; T 1720, P 120) with endpoint-delay 100:
        // per chunk E + 3·(T+E+P) + 3·(T+E) = 100 + 3·1940 + 3·1820 = 11380; 4 chunks = 45520.
        NetworkConfig ring4 = NetworkConfig.parseYaml(V2.resolve("Ring_4npus.yml"));
        assertEquals(45520, run(ring4, "sys_ring_localBWAware_s4_a1_ed100_lmb1600.json", CollectiveType.ALL_REDUCE, 1 << 20, true));
    }

    @Test
    void smallCollectivesUseAtLeastOneBytePerNpuPerChunk() {
        // v2 chunking on 16 NPUs: 64 B / 4 splits = 16 B chunks; 40 B / 4 = 10 < 16 NPUs, so the chunk becomes
        // 16 B and the size 4·16 = 64 B: both give the same 4 chunks of 16 B.
        NetworkConfig ring16 = NetworkConfig.parseYaml(V2.resolve("Ring_16npus.yml"));
        long a = run(ring16, "Ring_4chunks.json", CollectiveType.ALL_REDUCE, 64, true);
        long b = run(ring16, "Ring_4chunks.json", CollectiveType.ALL_REDUCE, 40, true);
        assertEquals(a, b);
        // 16 B chunks on 16 members: m = 1 B, T = ⌊500 + 1/53.687⌋ = 500, P(1) = 0;
        // per chunk 10 + 15·510 + 15·510 = 15310; 4 chunks = 61240.
        assertEquals(61240, a);
    }

    @Test
    void reductionDelayIsEvaluatedInDoubleLikeTheReference() {
        // SEMANTICS 1.3 pitfall: 48000 / 1.6e12 · 1e9 = 29.999… → 29 per access, P = 87 (not 90)
        assertEquals(87, Units.v2ReductionDelayNs(48000, 1600));
        // V6: P(65536) at 1600 GB/s = 3·⌊40.96⌋ = 120
        assertEquals(120, Units.v2ReductionDelayNs(65536, 1600));
    }
}
