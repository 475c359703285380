package org.astradse.sim;

/**
 * Per-layer statistics of NPU 0 (SEMANTICS 6.3), integer ns, summed over all passes.
 *
 * @param name               layer name
 * @param collectivesIssued  collectives actually created for the layer
 * @param fwdComputeNs       forward compute charged (recomputation included)
 * @param wgComputeNs        weight-gradient compute
 * @param igComputeNs        input-gradient compute
 * @param fwdExposedCommNs   waits on the layer's forward collectives
 * @param wgExposedCommNs    waits on its weight-gradient collectives
 * @param igExposedCommNs    waits on its input-gradient collectives
 * @param fwdTotalCommNs     Σ (finish + update − issue) of its forward collectives
 * @param wgTotalCommNs      same for weight-gradient collectives
 * @param igTotalCommNs      same for input-gradient collectives
 */
public record LayerStats(String name, long collectivesIssued, long fwdComputeNs, long wgComputeNs, long igComputeNs,
                         long fwdExposedCommNs, long wgExposedCommNs, long igExposedCommNs, long fwdTotalCommNs,
                         long wgTotalCommNs, long igTotalCommNs) {
}
