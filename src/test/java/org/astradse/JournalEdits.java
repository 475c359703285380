package org.astradse;

import java.util.ArrayList;
import java.util.List;

/** Hand edits of a results journal ({@code points.csv}) that the resume checks must catch. */
public final class JournalEdits {
    private JournalEdits() {
    }

    /**
     * The first {@code keep} lines of {@code lines} with line {@code line}'s first swept value (column 3, after id,
     * status and reason) given one more digit; its id and status stay, so only the resume check's value comparison
     * can notice. Returns the edited lines.
     */
    public static List<String> withFirstSweptValueEdited(List<String> lines, int keep, int line) {
        List<String> kept = new ArrayList<>(lines.subList(0, keep));
        List<String> cells = new ArrayList<>(List.of(kept.get(line).split(",", -1)));
        cells.set(3, cells.get(3) + "0");
        kept.set(line, String.join(",", cells));
        return kept;
    }

    /** Line {@code line}'s first swept value (column 3). */
    public static String firstSweptValue(List<String> lines, int line) {
        return lines.get(line).split(",", -1)[3];
    }
}
