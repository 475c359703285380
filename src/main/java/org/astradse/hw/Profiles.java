package org.astradse.hw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.astradse.InputException;
import org.astradse.network.NetworkConfig;

/** One kind of bundled hardware profile: YAML resources by name under a folder, or a user's file with the same fields. */
public final class Profiles<T> {
    private final Class<?> anchor;
    private final String kind;
    private final String folder;
    private final List<String> names;
    private final BiFunction<JsonNode, Path, T> parser;
    private final Map<String, T> bundled = new ConcurrentHashMap<>();
    // while a run holds a pin, a profile file is what it was when the run first read it (for its identity)
    private final Map<Path, T> pinned = new ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicInteger PINS = new java.util.concurrent.atomic.AtomicInteger();
    private static final java.util.Queue<Profiles<?>> ALL = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** A run's hold on the profile files it read ({@link #pin}); closing it releases them. */
    public interface Pin extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Holds every profile file at the content a run first reads (when it computes its identity) until the run ends:
     * a file edited during an overnight sweep — for the next run — must not change this run's later rows under the
     * identity and manifest of the old figures. Between runs an edited file is read again (it is another run).
     */
    public static Pin pin() {
        PINS.incrementAndGet();
        return () -> {
            if (PINS.decrementAndGet() == 0) for (Profiles<?> p : ALL) p.pinned.clear();
        };
    }

    public Profiles(String kind, String folder, List<String> names, BiFunction<JsonNode, Path, T> parser) {
        this(kind, Profiles.class, folder, names, parser);
    }

    /** Profiles whose bundled files are resources under {@code folder}, relative to {@code anchor}'s package. */
    public Profiles(String kind, Class<?> anchor, String folder, List<String> names, BiFunction<JsonNode, Path, T> parser) {
        this.anchor = anchor;
        this.kind = kind;
        this.folder = folder;
        this.names = names;
        this.parser = parser;
        ALL.add(this);
    }

    public T named(String nameOrFile) {
        return named(nameOrFile, null);
    }

    /** Whether a name that is not a profile's was meant as a file (a path or a YAML/JSON name). */
    private static boolean looksLikeFile(String s) {
        return s.contains("/") || s.contains(java.io.File.separator) || s.matches("(?i).*\\.(ya?ml|json)");
    }

    /** A bundled profile, or a profile file named relative to {@code base} (the folder of the file naming it). */
    public T named(String nameOrFile, Path base) {
        if (names.contains(nameOrFile)) return bundled.computeIfAbsent(nameOrFile, this::load);
        Path file = Path.of(nameOrFile);
        if (base != null && !file.isAbsolute()) file = base.resolve(file);
        Path abs = file.toAbsolutePath().normalize();
        if (PINS.get() > 0) { // a run's design points name the same files: what the run read first, without a file check
            T held = pinned.get(abs);
            if (held != null) return held;
        }
        if (!Files.isRegularFile(file))
            throw new InputException("unknown " + kind + " '" + nameOrFile + "'; expected one of " + names + " or a " + kind
                    + " profile file" + (Files.isDirectory(file) ? " (" + file + " is a folder)"
                    : looksLikeFile(nameOrFile) ? " (no file " + file + ")" : ""));
        // a profile file is read once per content: a study names it at every design point (keyed by its path, size and
        // modification time, so an edited file is read again)
        if (PINS.get() > 0) {
            T now = read(file, abs);
            T was = pinned.putIfAbsent(abs, now);
            return was != null ? was : now;
        }
        return read(file, abs);
    }

    /** A profile file's content, read once per (path, size, modification time). */
    private T read(Path file, Path abs) {
        String key;
        try {
            key = abs + "|" + Files.size(abs) + "|" + Files.getLastModifiedTime(abs).toMillis();
        } catch (IOException e) {
            key = null;
        }
        if (key == null) return parser.apply(NetworkConfig.readTree(file, org.astradse.Keys.yaml()), file);
        Path f = file;
        return files.computeIfAbsent(key, k -> parser.apply(NetworkConfig.readTree(f, org.astradse.Keys.yaml()), f));
    }

    private final Map<String, T> files = new ConcurrentHashMap<>();

    /** A bundled profile's file as written (its tree), or null when {@code name} is not bundled. */
    public JsonNode bundledTree(String name) {
        if (!names.contains(name)) return null;
        try (InputStream in = anchor.getResourceAsStream(folder + "/" + name + ".yaml")) {
            if (in == null) throw new IllegalStateException("bundled " + kind + " profile missing: " + name);
            return org.astradse.Keys.yaml().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private T load(String name) {
        return parser.apply(bundledTree(name), null);
    }
}
