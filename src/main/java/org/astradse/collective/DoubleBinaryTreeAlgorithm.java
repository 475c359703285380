package org.astradse.collective;

/**
 * Double binary tree all-reduce (SEMANTICS 5.4), n = 2^h. Chunks alternate between tree A (top = position
 * n−1 above a perfect in-order tree over 0..n−2) and tree B (top = 0 above a perfect tree over 1..n−1). In an
 * in-order tree a node at height j (leaves 0) has children at ± 2^(j−1). The full D moves on every edge.
 * <ul>
 *   <li>Leaf: E → send to the parent (receive from it posted) → on its message, E → done.</li>
 *   <li>Inner: receives from both children posted at the start; each reception E + P(D); when both are
 *   processed, send to the parent; on the parent's message E + P(D) → send to the lower child, then the
 *   higher, in the same ns → done.</li>
 *   <li>Top: on the child's message, E + P(D) → send it back → done.</li>
 * </ul>
 */
final class DoubleBinaryTreeAlgorithm extends PhaseAlgorithm {
    private static final int LEAF_SEND = 0;
    private static final int LEAF_DONE = 1;
    private static final int CHILD_PROCESSED = 2;
    private static final int PARENT_PROCESSED = 3;
    private static final int TOP_PROCESSED = 4;

    private enum Role { LEAF, INNER, TOP }

    private Role role;
    private int parent = -1;
    private int left = -1;
    private int right = -1;
    private boolean started;
    private boolean parentPosted;
    private int childrenConsumed;
    private int childrenProcessed;
    private boolean leftTaken;
    private boolean rightTaken;
    private boolean parentTaken;
    private int fromParent;
    private int fromLeft;   // the top's only child counts here
    private int fromRight;

    @Override
    void setUp() {
        boolean treeA = (engine.chunkIndex(stream) & 1) == 0;
        int top = treeA ? n - 1 : 0;
        int shift = treeA ? 0 : 1; // tree positions 0..n−2 map to member index pos + shift
        if (index == top) {
            role = Role.TOP;
            left = (n / 2 - 1) + shift; // the root of the perfect tree is its only child
            return;
        }
        int pos = index - shift;
        int height = Integer.numberOfTrailingZeros(pos + 1);
        int rootHeight = Integer.numberOfTrailingZeros(n) - 1;
        if (height == rootHeight) {
            parent = top;
        } else {
            int up = pos + (1 << height);
            int parentPos = Integer.numberOfTrailingZeros(up + 1) == height + 1 ? up : pos - (1 << height);
            parent = parentPos + shift;
        }
        if (height == 0) {
            role = Role.LEAF;
        } else {
            role = Role.INNER;
            left = pos - (1 << (height - 1)) + shift;
            right = pos + (1 << (height - 1)) + shift;
        }
    }

    @Override
    void start(long now) {
        started = true;
        switch (role) {
            case LEAF -> after(now, e(), LEAF_SEND);
            default -> tryConsume(now);
        }
    }

    @Override
    void onTimer(long now, int token) {
        switch (token) {
            case LEAF_SEND -> {
                send(now, parent, bytes);
                parentPosted = true;
                tryConsume(now);
            }
            case LEAF_DONE -> done(now);
            case CHILD_PROCESSED -> {
                childrenProcessed++;
                if (childrenProcessed == 2) {
                    send(now, parent, bytes);
                    parentPosted = true;
                    tryConsume(now);
                }
            }
            case PARENT_PROCESSED -> {
                send(now, left, bytes);
                send(now, right, bytes);
                done(now);
            }
            case TOP_PROCESSED -> {
                send(now, left, bytes);
                done(now);
            }
            default -> throw new IllegalStateException("token " + token);
        }
    }

    @Override
    void onArrival(long now, int peer) {
        if (peer == parent) fromParent++;
        else if (peer == left) fromLeft++;
        else if (peer == right) fromRight++;
        else throw new IllegalStateException("message from a non-neighbour " + peer);
        tryConsume(now);
    }

    private void tryConsume(long now) {
        if (!started) return;
        long reduce = e() + p(bytes);
        switch (role) {
            case LEAF -> {
                if (parentPosted && !parentTaken && fromParent > 0) {
                    parentTaken = true;
                    after(now, e(), LEAF_DONE);
                }
            }
            case TOP -> {
                if (childrenConsumed == 0 && fromLeft > 0) {
                    childrenConsumed = 1;
                    after(now, reduce, TOP_PROCESSED);
                }
            }
            case INNER -> {
                if (!leftTaken && fromLeft > 0) {
                    leftTaken = true;
                    after(now, reduce, CHILD_PROCESSED);
                }
                if (!rightTaken && fromRight > 0) {
                    rightTaken = true;
                    after(now, reduce, CHILD_PROCESSED);
                }
                if (parentPosted && !parentTaken && fromParent > 0) {
                    parentTaken = true;
                    after(now, reduce, PARENT_PROCESSED);
                }
            }
        }
    }
}
