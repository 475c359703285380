package org.astradse.collective;

/**
 * One implementation token of a system file, e.g. {@code ring}, {@code direct8}, {@code oneHalvingDoubling}.
 *
 * @param kind   the algorithm
 * @param global true for the {@code one*} variants: one logical dimension over all NPUs
 * @param window direct only: messages in flight ({@code directN}); 0 = all peers
 */
public record AlgorithmToken(AlgorithmKind kind, boolean global, int window) {

    /** Parses a token; null if it is not one of the reference's names. */
    public static AlgorithmToken parse(String token) {
        if (token == null) return null;
        String t = token.trim();
        boolean global = false;
        if (t.startsWith("one") && t.length() > 3) {
            global = true;
            t = Character.toLowerCase(t.charAt(3)) + t.substring(4);
        }
        switch (t) {
            case "ring":
                return new AlgorithmToken(AlgorithmKind.RING, global, 0);
            case "halvingDoubling":
                return new AlgorithmToken(AlgorithmKind.HALVING_DOUBLING, global, 0);
            case "doubleBinaryTree":
                return global ? null : new AlgorithmToken(AlgorithmKind.DOUBLE_BINARY_TREE, false, 0);
            case "nvls":
                return global ? null : new AlgorithmToken(AlgorithmKind.NVLS, false, 0);
            default:
                break;
        }
        if (t.startsWith("direct")) {
            String rest = t.substring("direct".length());
            if (rest.isEmpty()) return new AlgorithmToken(AlgorithmKind.DIRECT, global, 0);
            try {
                int w = Integer.parseInt(rest);
                return w > 0 ? new AlgorithmToken(AlgorithmKind.DIRECT, global, w) : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        String base = switch (kind) {
            case RING -> "ring";
            case DIRECT -> window > 0 ? "direct" + window : "direct";
            case HALVING_DOUBLING -> "halvingDoubling";
            case DOUBLE_BINARY_TREE -> "doubleBinaryTree";
            case NVLS -> "nvls";
        };
        return global ? "one" + Character.toUpperCase(base.charAt(0)) + base.substring(1) : base;
    }

    public static final String NAMES = "ring, direct, directN, halvingDoubling, doubleBinaryTree, nvls, oneRing, oneDirect, "
            + "oneDirectN, oneHalvingDoubling";
}
