package org.astradse.sim;

/**
 * The AnalyticalAstra 1.0 run options (SEMANTICS 2.6) that shape a simulation.
 *
 * @param numPasses      training iterations (MICRO: concurrent copies)
 * @param injectionScale multiplies the endpoint delay (integer result)
 * @param queuesPerDim   queues per logical dimension
 * @param rendezvous     rendezvous protocol: a control message before every data message
 */
public record RunOptions(int numPasses, double injectionScale, int queuesPerDim, boolean rendezvous) {
    public static final RunOptions DEFAULT = new RunOptions(1, 1.0, 1, false);
    /** The most training iterations one simulation runs. */
    public static final int MAX_PASSES = 10_000;
    /** The largest scale factor a run takes (comm-, compute-, injection-scale): beyond it times pass 2^63 ns. */
    public static final double MAX_SCALE = 1e6;

    public RunOptions {
        // beyond 10^4 passes a run's events no longer fit in memory (10^5 passes of the 64-NPU quickstart: out of heap)
        if (numPasses < 1 || numPasses > MAX_PASSES)
            throw new org.astradse.InputException("--num-passes must be from 1 to " + MAX_PASSES + ", found " + numPasses);
        if (!(injectionScale > 0) || !(injectionScale <= MAX_SCALE))
            throw new org.astradse.InputException("--injection-scale must be > 0 and at most " + (long) MAX_SCALE + ", found "
                    + injectionScale);
        if (queuesPerDim < 1) throw new org.astradse.InputException("--num-queues-per-dim must be >= 1, found " + queuesPerDim);
    }
}
