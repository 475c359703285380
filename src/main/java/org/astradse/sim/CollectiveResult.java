package org.astradse.sim;

import java.util.List;

/**
 * Outcome of one collective issued on every NPU at time 0.
 *
 * @param finishNs       latest finish over all NPUs, ns
 * @param perNpuFinishNs finish time per NPU id, ns
 * @param chunks         chunks the collective was cut into
 * @param symmetric      whether one representative NPU stood for all
 * @param warnings       defined-behaviour warnings
 */
public record CollectiveResult(long finishNs, long[] perNpuFinishNs, int chunks, boolean symmetric,
                               List<String> warnings) {
}
