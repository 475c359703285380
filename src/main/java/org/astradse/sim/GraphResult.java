package org.astradse.sim;

import java.util.List;

/**
 * The outcome of a Chakra ET run: per NPU the figures ASTRA-sim 2.0 prints (SEMANTICS-ET 2.9).
 *
 * @param perNpu    one report per NPU, by rank
 * @param symmetric whether one rank stood for all (identical graphs on a symmetric network)
 * @param warnings  what the reference accepts silently (names the nodes)
 */
public record GraphResult(List<Npu> perNpu, boolean symmetric, List<String> warnings) {

    /** The latest finish over NPUs, ns. */
    public long finishNs() {
        long max = 0;
        for (Npu n : perNpu) max = Math.max(max, n.finishNs());
        return max;
    }

    /**
     * One NPU's report. Times in ns. {@code exposedCommNs} is finish − GPU compute ticks as an unsigned 64-bit number
     * (it wraps below 0 in replay-only mode, as in the reference); print it with {@link Long#toUnsignedString}.
     *
     * @param finishNs       N: when the NPU's last node completed
     * @param exposedCommNs  M = N − tics_gpu_ops (unsigned)
     * @param wallTimeNs     W: latest completion over issued nodes
     * @param gpuTimeNs      union of GPU compute intervals (−1: no such node)
     * @param cpuTimeNs      union of CPU op intervals (−1: none)
     * @param commTimeNs     union of collective, send, receive and broadcast intervals (−1: none)
     * @param remoteMemTimeNs union of memory access intervals (−1: none)
     * @param invalidTimeNs  union of INVALID node intervals (−1: none)
     * @param overlapNs      GPU + Comm − W (the reference prints it only when positive)
     * @param roofline       roofline statistics, or null when roofline is off
     */
    public record Npu(long finishNs, long exposedCommNs, long wallTimeNs, long gpuTimeNs, long cpuTimeNs, long commTimeNs,
                      long remoteMemTimeNs, long invalidTimeNs, long overlapNs, Roofline roofline) {
    }

    /** Percentages and mean intensity over compute nodes, weighted by duration (denominator 1 + Σd). */
    public record Roofline(double computeBoundPct, double computeUtilPct, double memUtilPct, double opIntensity) {
    }

    /**
     * {@code v} with three decimals as C's printf prints it: the double's exact binary value rounded half-even (Java's
     * {@code %.3f} rounds the shortest decimal form half-up, which differs on ties).
     */
    public static String fixed3(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return Double.toString(v);
        return new java.math.BigDecimal(v).setScale(3, java.math.RoundingMode.HALF_EVEN).toPlainString();
    }
}
