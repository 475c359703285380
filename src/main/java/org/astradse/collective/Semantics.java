package org.astradse.collective;

import org.astradse.network.Units;

/**
 * The rules in which ASTRA-sim 1.0 and 2.0 differ, in one place (see SEMANTICS.md). One engine and one set of
 * algorithms serve both; a third variant is one more instance.
 *
 * @param name                 "v1" or "v2"
 * @param fullLastChunk        v2: every chunk carries the full chunk bytes (a remainder becomes one more full
 *                             chunk) and, except for all-gather, a chunk is at least one byte per NPU; v1: the
 *                             last chunk is the smaller remainder
 * @param phaseBarrier         v1: a chunk leaves a phase only when all NPUs have finished it; v2: each NPU moves
 *                             on by itself
 * @param splitQueuesLocalAr   v2: localBWAware all-reduce puts RS/AR phases in the first half of a dimension's
 *                             queues and AG phases in the second half; v1: plain round-robin
 * @param directRoundTwoBySlots v1: a direct all-reduce's round 2 is paced by send slots, one freed per processed
 *                             reception, and begins once all round-1 messages are received (1.0's AllToAll; so on
 *                             a 4-member ring the phase is 3d + L(1) + L(2) + P, SEMANTICS 5.2); v2: round 2
 *                             starts once every round-1 reception is processed ({@link DirectAlgorithm})
 */
public record Semantics(String name, boolean fullLastChunk, boolean phaseBarrier, boolean splitQueuesLocalAr,
                        boolean directRoundTwoBySlots) {
    public static final Semantics V1 = new Semantics("v1", false, true, false, true);
    public static final Semantics V2 = new Semantics("v2", true, false, true, false);
    /** 1.0 training loops on a 2.0 system file: the 1.0 loop, chunking and barrier, 2.0's direct algorithm. */
    public static final Semantics V1_LOOP_V2_SYSTEM = new Semantics("v1-loop-v2-system", false, true, false, false);

    /** The rules for a 1.0 training loop on this system file (a 2.0 JSON system has a local-mem-bw). */
    public static Semantics forTrainingLoop(SystemConfig system) {
        return Double.isNaN(system.localMemBwGBps()) ? V1 : V1_LOOP_V2_SYSTEM;
    }

    /**
     * Reduction delay P(m) of a packet carrying m reduced bytes (SEMANTICS 1.3): from {@code local-mem-bw} for a
     * 2.0 system file, from the 1.0 fixed 500000 B/cycle memory for a 1.0 system file (no local-mem-bw).
     */
    public long reductionDelayNs(long bytes, SystemConfig system) {
        double lmb = system.localMemBwGBps();
        return Double.isNaN(lmb) ? Units.v1ReductionDelayNs(bytes) : Units.v2ReductionDelayNs(bytes, lmb);
    }
}
