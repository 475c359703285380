package org.astradse.collective;

/**
 * Direct (SEMANTICS 5.2). Round 1: after E, one message to each other member (successor first, then the next,
 * …) in the same ns, receives from all posted. Each reception costs E (+P for RS/AR). AR round 2 starts once
 * all round-1 receptions are processed: D/n to every peer, receives posted then; each costs E; the phase ends
 * after the last. Sizes: D/n per peer, AG D. Closed forms: A2A E+T+E; RS E+T+E+P; AG E+T(D)+E;
 * AR E+T+E+P+T+E. Under v1 ({@link Semantics#directEagerRoundTwo}) the k-th processed round-1 reception sends
 * the k-th round-2 message at once (peers in the same order); the results differ only when peers are at
 * different distances.
 */
final class DirectAlgorithm extends PhaseAlgorithm {
    private static final int ROUND_ONE = 0;
    private static final int PROCESSED = 1;
    private static final int PROCESSED_TWO = 2;

    private long message;
    private boolean reduce;
    private int rounds;
    private int postedRound;
    private int[] consumed;
    private int[] arrived;
    private long[] inFlightUntil; // all-reduce: round 1 and round 2 both send to every peer
    private int processed;
    private boolean eager;
    private int roundTwoSent;

    @Override
    void setUp() {
        message = type == CollectiveType.ALL_GATHER ? bytes : bytes / n;
        reduce = type == CollectiveType.ALL_REDUCE || type == CollectiveType.REDUCE_SCATTER;
        rounds = type == CollectiveType.ALL_REDUCE ? 2 : 1;
        consumed = new int[n];
        arrived = new int[n];
        eager = rounds == 2 && engine.semantics().directEagerRoundTwo();
        if (rounds == 2 && tracksDuplicates()) inFlightUntil = new long[n];
    }

    @Override
    void start(long now) {
        after(now, e(), ROUND_ONE);
    }

    @Override
    void onTimer(long now, int token) {
        if (token == ROUND_ONE) {
            postRound(now);
        } else if (eager) {
            processed++;
            if (token == PROCESSED) { // a round-1 reception: its round-2 message leaves now
                roundTwoSent++;
                sendPeer(now, index + roundTwoSent);
                if (roundTwoSent == 1) {
                    postedRound = 2;
                    for (int j = 1; j < n; j++) tryConsume(now, Math.floorMod(index + j, n));
                }
            }
            if (processed == 2 * (n - 1)) done(now);
        } else {
            processed++;
            if (processed == n - 1) {
                if (postedRound < rounds) {
                    processed = 0;
                    postRound(now);
                } else {
                    done(now);
                }
            }
        }
    }

    private void postRound(long now) {
        postedRound++;
        for (int j = 1; j < n; j++) sendPeer(now, index + j);
        for (int j = 1; j < n; j++) tryConsume(now, Math.floorMod(index + j, n));
    }

    private void sendPeer(long now, int peer) {
        sendOnce(now, peer, message, inFlightUntil, Math.floorMod(peer, n));
    }

    @Override
    void onArrival(long now, int peer) {
        arrived[peer]++;
        tryConsume(now, peer);
    }

    private void tryConsume(long now, int peer) {
        if (consumed[peer] < postedRound && arrived[peer] > consumed[peer]) {
            consumed[peer]++;
            boolean first = consumed[peer] == 1;
            long delay = e() + (reduce && first ? p(message) : 0);
            after(now, delay, first ? PROCESSED : PROCESSED_TWO);
        }
    }
}
