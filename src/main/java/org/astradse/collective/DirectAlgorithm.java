package org.astradse.collective;

/**
 * Direct (SEMANTICS 5.2). Round 1: after E, one message to each other member (successor first, then the next,
 * …) in the same ns, a receive from each posted with it. Each reception costs E (+P for RS, and for the first
 * n−1 receptions of an AR). Sizes: D/n per peer, AG D. Closed forms: A2A E+T+E; RS E+T+E+P; AG E+T(D)+E;
 * AR E+T+E+P+T+E. The all-reduce's round 2 (D/n to every peer again) follows one of two rules
 * ({@link Semantics#directRoundTwoBySlots}):
 * <ul>
 *   <li>v1, as 1.0's {@code AllToAll} (a {@code Ring} with a window of n−1): every processed reception frees one
 *   send slot; round 2 begins at the first processed reception by which all n−1 round-1 messages have been
 *   received, and sends as many messages as slots are free, one more per later processed reception; its k-th
 *   message goes to member index+k with the receive from index−k posted with it. With peers at different
 *   distances the first round-2 messages may leave before the slowest round-1 reception is processed: on a
 *   4-member ring the phase is 3d + L(1) + L(2) + P, on gen_Ring8 (peers 1…4 hops away, the farthest
 *   L = 715) 3d + 2·L(4 hops) = 1460.</li>
 *   <li>v2: round 2 starts once every round-1 reception is processed, with all its receives posted then.</li>
 * </ul>
 * The phase ends when the last reception is processed.
 */
final class DirectAlgorithm extends PhaseAlgorithm {
    private static final int ROUND_ONE = 0;
    private static final int PROCESSED = 1;

    private long message;
    private boolean reduce;
    private boolean twoRounds;
    private boolean bySlots;
    private int[] posted;   // receives posted per member
    private int[] consumed; // receptions per member
    private int[] arrived;  // arrivals per member
    private int received;   // receptions so far (all members)
    private int processed;  // receptions processed
    private int freeSlots;  // v1: processed receptions not yet used for a round-2 send
    private int roundTwoSent;

    @Override
    void setUp() {
        message = type == CollectiveType.ALL_GATHER ? bytes : bytes / n;
        reduce = type == CollectiveType.ALL_REDUCE || type == CollectiveType.REDUCE_SCATTER;
        twoRounds = type == CollectiveType.ALL_REDUCE;
        bySlots = engine.semantics().directRoundTwoBySlots();
        posted = new int[n];
        consumed = new int[n];
        arrived = new int[n];
    }

    @Override
    int receiveSlots() {
        return n;
    }

    @Override
    int receiveSlot(int peer) {
        return peer;
    }

    @Override
    void start(long now) {
        after(now, e(), ROUND_ONE);
    }

    @Override
    void onTimer(long now, int token) {
        if (token == ROUND_ONE) {
            for (int j = 1; j < n; j++) sendTo(now, j, Math.floorMod(index - j, n));
            for (int j = 1; j < n; j++) tryConsume(now, Math.floorMod(index + j, n));
            return;
        }
        processed++;
        if (!twoRounds) {
            if (processed == n - 1) done(now);
        } else if (bySlots) {
            freeSlots++;
            if (received >= n - 1) {
                while (freeSlots > 0 && roundTwoSent < n - 1) {
                    freeSlots--;
                    roundTwoSent++;
                    int from = Math.floorMod(index - roundTwoSent, n);
                    sendTo(now, roundTwoSent, from);
                    tryConsume(now, from);
                }
            }
            if (processed == 2 * (n - 1)) done(now);
        } else if (processed == n - 1) { // v2: round 2 once every round-1 reception is processed
            for (int j = 1; j < n; j++) sendTo(now, j, Math.floorMod(index - j, n));
            for (int j = 1; j < n; j++) tryConsume(now, Math.floorMod(index + j, n));
        } else if (processed == 2 * (n - 1)) {
            done(now);
        }
    }

    /** Sends to member index+{@code offset} and posts the receive from member {@code from}. */
    private void sendTo(long now, int offset, int from) {
        send(now, index + offset, message);
        posted[from]++;
        posted(from);
    }

    @Override
    void onArrival(long now, int peer) {
        arrived[peer]++;
        tryConsume(now, peer);
    }

    private void tryConsume(long now, int peer) {
        if (consumed[peer] < posted[peer] && arrived[peer] > consumed[peer]) {
            consumed[peer]++;
            received++;
            // the first n−1 receptions carry data to reduce (an AR's round 1; every reception of an RS)
            long delay = e() + (reduce && received <= n - 1 ? p(message) : 0);
            after(now, delay, PROCESSED);
        }
    }
}
