package org.astradse.sim;

import java.util.List;

/**
 * Outcome of a training-loop simulation, NPU 0's view as the reference reports it.
 *
 * @param endToEndNs    when the last pass and the last collective (with its update time) finished, ns
 * @param computeNs     total compute, ns
 * @param exposedCommNs endToEndNs − computeNs (includes the 1-cycle steps and idle time)
 * @param npus          NPUs in the network
 * @param layers        per-layer statistics
 * @param simulatedPhases distinct phases simulated by the event engine (the rest were remembered)
 * @param warnings      defined-behaviour warnings
 */
public record TrainingResult(long endToEndNs, long computeNs, long exposedCommNs, int npus, List<LayerStats> layers,
                             long simulatedPhases, List<String> warnings) {
}
