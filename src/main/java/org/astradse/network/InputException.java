package org.astradse.network;

import java.nio.file.Path;

/**
 * A user mistake in an input: a bad file, field or combination. Carries where (file and field or line),
 * what was found and what was expected. The CLI prints {@link #getMessage()} and exits with status 2;
 * programming errors stay ordinary exceptions.
 */
public final class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InputException(String message) {
        super(message, null, false, false);
    }

    /** {@code file: field: message}. */
    public static InputException at(Path file, String where, String message) {
        StringBuilder sb = new StringBuilder();
        if (file != null) sb.append(file).append(": ");
        if (where != null && !where.isEmpty()) sb.append(where).append(": ");
        sb.append(message);
        return new InputException(sb.toString());
    }
}
