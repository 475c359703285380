package org.astradse.network;

/**
 * How the NPUs of one dimension map onto each other when every NPU provably behaves alike, so that one
 * representative (NPU 0) can stand for all: what its partners send it mirrors what it sends them.
 *
 * <ul>
 *   <li>TRANSLATION: index i ↦ i + g (mod n). Ring and direct algorithms are equivariant under it, and so
 *   are Ring, FullyConnected and Switch dimensions. The message 0 → j is the image of (−j) → 0.</li>
 *   <li>XOR: index i ↦ i ⊕ g. Halving-doubling (partner i ⊕ r) is equivariant under it; the message
 *   0 → j is the image of j → 0.</li>
 * </ul>
 */
public enum Symmetry {
    TRANSLATION, XOR;

    /** The index whose message to 0 is the image of 0's message to {@code index}. */
    public int mirror(int index, int n) {
        return this == TRANSLATION ? (n - index) % n : index;
    }
}
