package org.astradse.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.astradse.network.Dimension;
import org.astradse.network.NetworkConfig;
import org.astradse.network.TopologyKind;
import org.astradse.network.V1LinkTerms;
import org.junit.jupiter.api.Test;

/** Phase durations under the 1.0 rules, derived by hand. */
class PhaseTimerTest {
    // a 1.0 Ring of 4: 50 GB/s × 2 links = 107.3741824 B/ns, 5 ns per hop, nic 5 ns (twice per message)
    static final NetworkConfig RING4 = new NetworkConfig(List.of(new Dimension(TopologyKind.RING, 4, 100, 5)),
            List.of(new V1LinkTerms(50, 2, 5, 0, 500, 370, 0, "N")));

    static SystemConfig system(AlgorithmToken token) {
        Map<CollectiveType, List<AlgorithmToken>> impl = new EnumMap<>(CollectiveType.class);
        for (CollectiveType t : CollectiveType.values()) impl.put(t, List.of(token));
        return new SystemConfig(SystemConfig.SchedulingPolicy.LIFO, 10, 1, 4, impl,
                SystemConfig.CollectiveOptimization.BASELINE, Double.NaN, List.of());
    }

    static long duration(AlgorithmKind kind, CollectiveType type, long bytes, boolean symmetric) {
        AlgorithmToken tok = new AlgorithmToken(kind, false, 0);
        PhasePlan ph = new PhasePlan(new LogicalDim(0, 4, 1, tok), type, kind, bytes, 0, QueueAllocator.ALL);
        return new PhaseTimer(RING4, system(tok), Semantics.V1, 1.0, false, symmetric).durationNs(ph, bytes, 0);
    }

    @Test
    void directAllReduceOnAFourMemberRingSeesEachDistanceOnce() {
        // SEMANTICS 5.2 v1 caveat: with per-hop latency differences smaller than d, 3d + L(1 hop) + L(2 hops) + P.
        // m = 65536/4 = 16384 B: L(1) = ⌊5 + 152.59⌋ + 10 = 167, L(2) = ⌊10 + 152.59⌋ + 10 = 172, P(16384) = 0,
        // d = 10: 30 + 167 + 172 = 369 (not 3d + 2·L(2) = 374)
        for (boolean sym : new boolean[] {true, false})
            assertEquals(369, duration(AlgorithmKind.DIRECT, CollectiveType.ALL_REDUCE, 65536, sym));
    }

    @Test
    void directAllReduceWithFarPeersStartsRoundTwoWhenAllRoundOneMessagesAreIn() {
        // 100 ns per hop: L(1) = ⌊100 + 152.59⌋ + 10 = 262, L(2) = 362, d = 10, P = 0. Round 1 leaves at 10 and
        // arrives at 272, 272 (1 hop) and 372 (2 hops); the receptions are processed at 282, 282 and 382. Only at
        // 382 have all three round-1 messages been received, so the three freed slots send all of round 2 then
        // (1.0 AllToAll): the 2-hop message arrives last at 382 + 362 = 744 and is processed at 754 = 3d + 2·L(2).
        // Every receive is posted before a second send to the same peer, so nothing is a duplicate.
        NetworkConfig far = new NetworkConfig(List.of(new Dimension(TopologyKind.RING, 4, 100, 100)),
                List.of(new V1LinkTerms(50, 2, 5, 0, 500, 370, 0, "N")));
        AlgorithmToken tok = new AlgorithmToken(AlgorithmKind.DIRECT, false, 0);
        PhasePlan ph = new PhasePlan(new LogicalDim(0, 4, 1, tok), CollectiveType.ALL_REDUCE, AlgorithmKind.DIRECT, 65536, 0,
                QueueAllocator.ALL);
        for (boolean sym : new boolean[] {true, false}) {
            assertEquals(754, new PhaseTimer(far, system(tok), Semantics.V1, 1.0, false, sym).durationNs(ph, 65536, 0));
        }
    }

    @Test
    void directReduceScatterWaitsForTheFarthestPeer() {
        // d + L(2 hops) + d + P = 10 + 172 + 10 + 0 = 192 (verified for v1 RS on a 4-member ring, SEMANTICS 5.2)
        assertEquals(192, duration(AlgorithmKind.DIRECT, CollectiveType.REDUCE_SCATTER, 65536, true));
    }

    @Test
    void ringAllReduceClosedForm() {
        // d + (n−1)(L+d+P) + (n−1)(L+d) with L(1 hop) = 167: 10 + 3·177 + 3·177 = 1072
        assertEquals(1072, duration(AlgorithmKind.RING, CollectiveType.ALL_REDUCE, 65536, true));
    }
}
