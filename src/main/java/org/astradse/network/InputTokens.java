package org.astradse.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.astradse.InputException;

/**
 * The ASTRA-sim 1.0 text formats (system txt, workload txt) as a stream of whitespace-separated tokens, each with
 * its line for error messages. Reading a missing file, a directory or an unreadable file is a user error naming it.
 */
public final class InputTokens {
    /** One token and the line it is on. */
    public record Token(String text, int line) {
    }

    private final Path file;
    private final List<Token> tokens;
    private int pos;

    private InputTokens(Path file, List<Token> tokens) {
        this.file = file;
        this.tokens = tokens;
    }

    public static InputTokens read(Path file) {
        if (!Files.exists(file)) throw InputException.at(file, null, "file not found");
        if (Files.isDirectory(file)) throw InputException.at(file, null, "is a directory; expected a file");
        List<Token> tokens = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(file);
            // a byte-order mark (editors on Windows write one) is not part of the first token, as YAML and JSON readers skip it
            if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) lines.set(0, lines.get(0).substring(1));
            for (int i = 0; i < lines.size(); i++) {
                for (String t : lines.get(i).trim().split("\\s+")) if (!t.isEmpty()) tokens.add(new Token(t, i + 1));
            }
        } catch (java.nio.charset.MalformedInputException e) {
            throw InputException.at(file, null, "is not UTF-8 text (a binary file, or text in another encoding); expected an ASTRA-sim text file");
        } catch (IOException e) {
            throw InputException.at(file, null, "cannot be read: " + e.getMessage());
        }
        return new InputTokens(file, tokens);
    }

    public Path file() {
        return file;
    }

    public boolean isEmpty() {
        return tokens.isEmpty();
    }

    public boolean hasNext() {
        return pos < tokens.size();
    }

    /** The next token; at the end of the file a user error saying what was expected. */
    public Token next(String what) {
        if (pos >= tokens.size()) throw InputException.at(file, "end of file", "expected " + what + ", found nothing more");
        return tokens.get(pos++);
    }

    /** The next token as an integer ≥ min; otherwise a user error naming the line, what was expected and found. */
    public long number(String what, long min) {
        Token t = next(what);
        try {
            long v = Long.parseLong(t.text());
            if (v < min) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw InputException.at(file, "line " + t.line(), "expected " + what + " (an integer >= " + min + "), found '"
                    + t.text() + "'");
        }
    }

    /** The token after the last one read, without consuming it (null at the end). */
    public Token peek() {
        return pos < tokens.size() ? tokens.get(pos) : null;
    }
}
