package org.astradse.collective;

/**
 * NVLS all-reduce on a Switch dimension (NVLink SHARP: the NVSwitch reduces and multicasts), a model beyond the
 * reference, chosen by the {@code nvls} token. Each NPU's data enters the switch once and comes back reduced once, so a
 * link carries D per direction instead of a ring's 2(n−1)/n·D, and the NPUs do no reduction (no P). Rule: after E, every
 * member's contribution goes through the switch to every other member as one message of D (on the contention-free
 * models a message costs T(D) = ⌊2·lat + D/bw⌋ over a Switch dimension, whatever the number of receivers, which is what
 * a multicast costs); the phase ends E after the last contribution has arrived. So with all members starting together
 * the phase takes 2E + T(D), and a late member delays everyone's end, as a real reduction must.
 * Refused with the congestion-aware model (n−1 unicast messages would contend where a multicast does not).
 */
final class NvlsAlgorithm extends PhaseAlgorithm {
    private int arrived;
    private boolean sent;

    @Override
    void setUp() {
        if (!engine.contentionFree())
            throw new org.astradse.InputException("nvls is modelled on the congestion-unaware networks only; use "
                    + "--congestion unaware (or ring / direct on this dimension)");
    }

    @Override
    void onTimer(long now, int token) {
        if (token == SEND) {
            for (int i = 1; i < n; i++) send(now, index + i, bytes);
            sent = true;
            maybeFinish(now);
        } else {
            done(now);
        }
    }

    @Override
    void onArrival(long now, int peer) {
        arrived++;
        maybeFinish(now);
    }

    private void maybeFinish(long now) {
        if (sent && arrived == n - 1) {
            arrived++; // once
            after(now, e(), FINISH);
        }
    }
}
