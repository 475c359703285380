package org.astradse.collective;

import org.astradse.network.Units;

/**
 * The rules in which ASTRA-sim 1.0 and 2.0 differ, in one place (see SEMANTICS.md). One engine and one set of
 * algorithms serve both; a third variant is one more instance.
 *
 * @param name            "v1" or "v2"
 * @param fullLastChunk   v2: every chunk carries the full chunk bytes (a remainder becomes one more full chunk)
 *                        and, except for all-gather, a chunk is at least one byte per NPU; v1: the last chunk is
 *                        the smaller remainder
 * @param phaseBarrier    v1: a chunk leaves a phase only when all NPUs have finished it; v2: each NPU moves on
 */
public record Semantics(String name, boolean fullLastChunk, boolean phaseBarrier) {
    public static final Semantics V2 = new Semantics("v2", true, false);

    /** Reduction delay P(m) of a packet carrying m reduced bytes (SEMANTICS 1.3). */
    public long reductionDelayNs(long bytes, SystemConfig system) {
        return Units.v2ReductionDelayNs(bytes, system.localMemBwGBps());
    }
}
