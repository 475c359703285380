package org.astradse.collective;

/**
 * Ring (SEMANTICS 5.1): sends go to the ring successor (predecessor when anticlockwise), receives come from
 * the other neighbour. After E, send #1, posting receive #1; reception k produces, after E (+P(m) if
 * reduced), send #k+1 with receive #k+1 posted; after the last reception one more E (+P for RS) ends the
 * phase. AR: 2(n−1) messages of D/n, the first n−1 receptions reduced; RS: n−1 of D/n, all reduced;
 * AG: n−1 of D, none; A2A: n(n−1)/2 of D/n, none.
 * Closed forms: AR = E + (n−1)(T+E+P) + (n−1)(T+E); RS = E + (n−1)(T+E+P); AG = E + (n−1)(T(D)+E).
 */
final class RingAlgorithm extends PhaseAlgorithm {

    private long message;
    private int totalSends;
    private int reducedReceptions;
    private int from;
    private int sent;
    private int handled;
    private int arrived; // from the neighbour we receive from

    @Override
    void setUp() {
        switch (type) {
            case ALL_REDUCE -> {
                message = bytes / n;
                totalSends = 2 * (n - 1);
                reducedReceptions = n - 1;
            }
            case REDUCE_SCATTER -> {
                message = bytes / n;
                totalSends = n - 1;
                reducedReceptions = n - 1;
            }
            case ALL_GATHER -> {
                message = bytes;
                totalSends = n - 1;
            }
            case ALL_TO_ALL -> {
                message = bytes / n;
                totalSends = n * (n - 1) / 2;
            }
        }
        from = Math.floorMod(index - direction, n);
    }

    @Override
    int receiveSlots() {
        return 1;
    }

    @Override
    int receiveSlot(int peer) {
        return peer == from ? 0 : -1;
    }

    @Override
    void onTimer(long now, int token) {
        if (token == SEND) {
            send(now, index + direction, message);
            posted(from); // receive #sent is posted with the send, as the reference's ring does
            sent++;
            tryHandle(now);
        } else {
            done(now);
        }
    }

    @Override
    void onArrival(long now, int peer) {
        arrived++;
        tryHandle(now);
    }

    private void tryHandle(long now) {
        if (handled < sent && arrived > handled) {
            handled++;
            long delay = e() + (handled <= reducedReceptions ? p(message) : 0);
            after(now, delay, sent < totalSends ? SEND : FINISH);
        }
    }
}
