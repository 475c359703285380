package org.astradse.collective;

/**
 * Halving-doubling (SEMANTICS 5.3), n = 2^K. The partner at distance r is index+r if ⌊index/r⌋ is even, else
 * index−r. Steps run one after another: send step s (posting its receive), on that reception wait E (+P) and
 * send step s+1; after the last reception, E ends the phase.
 * RS: distances 1, 2, …, n/2 with sizes D/2, D/4, …, D/n; receptions 1..K−1 cost E + P(next outgoing size).
 * AG: distances n/2, …, 1 with sizes D, 2D, …; no P. AR: the RS steps, then the AG steps with sizes D/n … D/2.
 */
final class HalvingDoublingAlgorithm extends PhaseAlgorithm {

    private int[] partner;     // member index per step
    private long[] size;       // message bytes per step
    private long[] receiveCost; // delay after the step's reception
    private int[] peers;       // distinct partners
    private int[] arrivedFrom;  // per distinct partner
    private int[] consumedFrom; // per distinct partner
    private int[] peerSlot;     // per step: its partner's slot
    private int step;          // steps sent so far
    private int handled;       // receptions handled

    @Override
    void setUp() {
        int k = Integer.numberOfTrailingZeros(n);
        int steps = type == CollectiveType.ALL_REDUCE ? 2 * k : k;
        partner = new int[steps];
        size = new long[steps];
        receiveCost = new long[steps];
        int s = 0;
        if (type != CollectiveType.ALL_GATHER) { // RS steps (alone, or the first half of AR)
            for (int i = 1; i <= k; i++) {
                int r = 1 << (i - 1);
                partner[s] = partnerAt(r);
                size[s] = bytes >> i;
                receiveCost[s] = e() + (i < k ? p(bytes >> (i + 1)) : 0);
                s++;
            }
        }
        if (type != CollectiveType.REDUCE_SCATTER) { // AG steps
            long first = type == CollectiveType.ALL_GATHER ? bytes : bytes >> k;
            for (int i = 0; i < k; i++) {
                int r = n >> (i + 1);
                partner[s] = partnerAt(r);
                size[s] = first << i;
                receiveCost[s] = e();
                s++;
            }
        }
        peers = new int[k];
        peerSlot = new int[steps];
        int distinct = 0;
        for (int i = 0; i < steps; i++) {
            int slot = -1;
            for (int j = 0; j < distinct; j++) if (peers[j] == partner[i]) slot = j;
            if (slot < 0) {
                slot = distinct++;
                peers[slot] = partner[i];
            }
            peerSlot[i] = slot;
        }
        arrivedFrom = new int[distinct];
        consumedFrom = new int[distinct];
    }

    @Override
    int receiveSlots() {
        return peers.length; // all-reduce exchanges twice with each partner
    }

    @Override
    int receiveSlot(int peer) {
        for (int j = 0; j < peers.length; j++) if (peers[j] == peer) return j;
        return -1;
    }

    private int partnerAt(int r) {
        return ((index / r) & 1) == 0 ? index + r : index - r;
    }

    @Override
    void onTimer(long now, int token) {
        if (token == SEND) {
            send(now, partner[step], size[step]);
            posted(partner[step]); // the step's receive, posted with its send
            step++;
            tryHandle(now);
        } else {
            done(now);
        }
    }

    @Override
    void onArrival(long now, int peer) {
        for (int j = 0; j < peers.length; j++) {
            if (peers[j] == peer) {
                arrivedFrom[j]++;
                break;
            }
        }
        tryHandle(now);
    }

    private void tryHandle(long now) {
        if (handled < step) {
            int from = peerSlot[handled];
            if (arrivedFrom[from] > consumedFrom[from]) {
                consumedFrom[from]++;
                long delay = receiveCost[handled];
                handled++;
                after(now, delay, step < partner.length ? SEND : FINISH);
            }
        }
    }
}
