package org.astradse;

import java.nio.file.Path;

/**
 * A user mistake in an input: a bad file, field, option or combination — the application's one user-error type.
 * Carries where (file and field or line), what was found and what was expected. The CLI prints
 * {@link #getMessage()} on one line and exits with status 2; programming errors stay ordinary exceptions.
 *
 * <p>An error about one key of a configuration tree also records that key ({@link #field()}), so a sweep can tell
 * a swept value that is wrong in itself (a spec mistake, refused before the first point) from one that is wrong
 * only together with other values (an infeasible design point).
 */
public final class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final java.util.List<String> together;

    public InputException(String message) {
        this(message, null);
    }

    private InputException(String message, String field) {
        this(message, field, java.util.List.of());
    }

    private InputException(String message, String field, java.util.List<String> together) {
        super(message, null, false, false);
        this.field = field;
        this.together = together;
    }

    /**
     * An error in how the values of several keys go together (a bandwidth above what the fabric named beside it
     * gives): a swept value is a spec mistake only when its domain sets all of {@code keys} (one zipped group), an
     * infeasible design point otherwise.
     */
    public static InputException together(Path file, String where, String message, String... keys) {
        return new InputException(compose(file, where, message), null, java.util.List.of(keys));
    }

    /** The keys an error of several keys ({@link #together}) is about; empty for any other error. */
    public java.util.List<String> together() {
        return together;
    }

    /**
     * Whether this is an error of several keys ({@link #together}) all of which {@code keys} holds — what one swept
     * domain setting {@code keys} gets wrong by itself; false for any other error.
     */
    public boolean togetherWithin(java.util.Collection<String> keys) {
        if (together.isEmpty()) return false;
        // a key with an index (cluster.fabric[1]) is also held by its whole vector (cluster.fabric)
        for (String k : together) if (!keys.contains(k) && !keys.contains(k.replaceFirst("\\[\\d+]$", ""))) return false;
        return true;
    }

    /**
     * A value of key {@code where} that is not what {@code expected} says: "missing; expected …" when the key is absent
     * or null, "expected …, found VALUE" otherwise.
     */
    public static InputException expected(Path file, String where, String expected, com.fasterxml.jackson.databind.JsonNode v) {
        return v == null || v.isNull() ? at(file, where, "missing; " + expected) : at(file, where, expected + ", found " + v);
    }

    /**
     * Why an output folder (a results folder, an export) cannot be created or written, in words: what {@code dir} is
     * when it exists but is no folder, else the file system's reason (the JDK's messages often only repeat the path).
     */
    public static String folderProblem(Path dir, java.io.IOException e) {
        String expected = "; expected a folder (or a path to create)";
        if (java.nio.file.Files.isRegularFile(dir)) return "it is a file" + expected;
        if (java.nio.file.Files.exists(dir) && !java.nio.file.Files.isDirectory(dir))
            return "it is a device or special file, not a folder" + expected;
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied at " + e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException)
            return "cannot create " + e.getMessage() + " (its parent is missing, or this file system does not allow it there)" + expected;
        if (e instanceof java.nio.file.NotDirectoryException) return "a part of the path is a file, not a folder" + expected;
        if (e instanceof java.nio.file.FileAlreadyExistsException) return e.getMessage() + " exists and is not a folder" + expected;
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null)
            return f.getReason() + (f.getFile() != null && !f.getFile().equals(dir.toString()) ? " at " + f.getFile() : "");
        String m = e.getMessage();
        // the JDK's message is often only the path again
        if (m == null || m.equals(dir.toString()))
            return "cannot create or write it (" + e.getClass().getSimpleName().replaceAll("Exception$", "") + ")" + expected;
        return m;
    }

    /** {@code file: where: message}; {@code where} is a key ({@code bandwidth[2]}), a line, or both. */
    public static InputException at(Path file, String where, String message) {
        return new InputException(compose(file, where, message), keyOf(where));
    }

    /**
     * An error in how several keys fit together (their lengths, one per dimension): named at {@code where}, but
     * attributed to no single key.
     */
    public static InputException shape(Path file, String where, String message) {
        return new InputException(compose(file, where, message), null);
    }

    /** The configuration key the mistake is in (without index or line), or null. */
    public String field() {
        return field;
    }

    private static String compose(Path file, String where, String message) {
        StringBuilder sb = new StringBuilder();
        if (file != null) sb.append(file).append(": ");
        if (where != null && !where.isEmpty()) sb.append(where).append(": ");
        sb.append(message);
        return sb.toString();
    }

    /** {@code bandwidth[2]} → bandwidth; {@code line 4, endpoint-delay} → endpoint-delay; {@code line 4} → null. */
    private static String keyOf(String where) {
        if (where == null || where.isEmpty()) return null;
        String last = where.substring(where.lastIndexOf(',') + 1).trim();
        if (last.startsWith("line ") || last.contains(" ")) return null;
        int bracket = last.indexOf('[');
        return bracket >= 0 ? last.substring(0, bracket) : last;
    }
}
