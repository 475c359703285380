package org.astradse.sim;

import java.util.Map;

/**
 * One training iteration of an LLM configuration, as {@code train --json} reports it (a contract). Times in ns,
 * memory in bytes (of the worst pipeline stage). An infeasible configuration has {@code feasible = false}, a
 * {@code reason} naming the numbers, and whatever could still be computed: a layout that cannot run has no times
 * (NaN), one that does not fit the GPU's memory has its memory and the times it would take if it fit.
 *
 * @param iterationNs        one iteration, ns
 * @param computeNs          compute on the critical stage (GEMMs, attention, element-wise), ns
 * @param bubbleNs           pipeline idle time on that stage with instant point-to-point transfers, ns
 * @param tpNs               exposed tensor-parallel collectives, ns
 * @param cpNs               exposed context-parallel K/V exchange, ns
 * @param epNs               exposed expert-parallel all-to-all, ns
 * @param ppNs               what pipeline transfers add to the iteration, ns
 * @param dpNs               exposed data-parallel gradient reduce and parameter gather, ns
 * @param optimizerNs        the optimizer step, ns
 * @param memory             bytes per GPU: weights, gradients, optimizer, activations, other
 * @param modelFlopsPerIteration Megatron model FLOPs of one iteration, causal counting
 * @param modelFlopsNonCausal    the same with non-causal attention counting (r0.8.0, NeMo 24.07, Korthikanti)
 * @param stageComputeNs     compute of one iteration per pipeline stage (its TP/CP/EP/DP exposure excluded), ns
 */
public record TrainResult(boolean feasible, String reason, double iterationNs, double tokensPerSecondPerGpu,
                          double modelTflopsPerGpu, double mfu, double memoryPeakBytesPerGpu, Map<String, Double> memory,
                          double computeNs, double bubbleNs, double tpNs, double cpNs, double epNs, double ppNs, double dpNs,
                          double optimizerNs, double modelFlopsPerIteration, double modelFlopsNonCausal, int gpus, int dp,
                          int microBatches, double params, double activeParams, double[] stageComputeNs,
                          double moeHostWaitNs) {
    /** The parts of {@link #memory} (a contract: train --json's memoryBytes has each, null when not computed). */
    public static final java.util.List<String> MEMORY_PARTS = java.util.List.of("weights", "gradients", "optimizer", "activations", "other");


    public static TrainResult infeasible(String reason, int gpus, int dp, int microBatches, double params, double active,
                                         Map<String, Double> memory, double peak) {
        double nan = Double.NaN;
        return new TrainResult(false, reason, nan, nan, nan, nan, peak, memory, nan, nan, nan, nan, nan, nan, nan, nan, nan,
                nan, gpus, dp, microBatches, params, active, new double[0], nan);
    }
}
