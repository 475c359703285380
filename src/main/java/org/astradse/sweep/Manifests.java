package org.astradse.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.astradse.InputException;
import org.astradse.report.PointsFile;

/** The parts of manifest.json that sweeps and searches share, and its atomic write. */
public final class Manifests {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Manifests() {
    }

    /** Tool, version, status, mode, the spec as written and as resolved. */
    public static ObjectNode base(SweepSpec spec, String version, String status, String mode) {
        ObjectNode m = JSON.createObjectNode();
        m.put("tool", "astradse");
        m.put("version", version);
        m.put("build", buildId());
        m.put("status", status);
        m.put("mode", mode);
        m.put("name", spec.name());
        m.put("description", spec.description());
        Path cwd = Path.of("").toAbsolutePath();
        Path specAbs = spec.file().toAbsolutePath().normalize();
        m.put("specFile", specAbs.startsWith(cwd) ? cwd.relativize(specAbs).toString() : spec.file().getFileName().toString());
        m.set("spec", spec.raw());
        ObjectNode resolved = m.putObject("resolved");
        // relative to the spec's folder, as the spec writes them: a manifest names no machine's absolute paths
        Path specDir = spec.file().toAbsolutePath().getParent();
        if (spec.isTrain()) {
            // a training study: its base configuration with the files it names read in, and every profile it uses
            resolved.set("train", spec.train());
            resolved.set("run", spec.run());
            resolved.set("cost", spec.cost());
            resolved.set("profiles", TrainProfiles.of(spec));
            return m;
        }
        resolved.putPOJO("workloads", spec.workloads().stream().map(w -> relative(specDir, w)).toList());
        resolved.set("network", spec.network());
        resolved.put("networkFormat", spec.networkV1() ? "astra-sim 1.0 json" : "astra-sim 2.0");
        resolved.set("system", spec.system());
        resolved.put("systemFormat", spec.systemV1() ? "astra-sim 1.0 txt" : "astra-sim 2.0 json");
        resolved.set("run", spec.run());
        resolved.set("cost", spec.cost());
        if (spec.isCluster()) resolved.set("profiles", TrainProfiles.of(spec)); // the GPU and fabrics, every figure
        return m;
    }

    private static String relative(Path base, Path p) {
        try {
            return base == null ? p.getFileName().toString() : base.relativize(p.toAbsolutePath()).toString().replace('\\', '/');
        } catch (IllegalArgumentException e) {
            return p.getFileName().toString();
        }
    }

    /** Row counts of the points file. */
    public static ObjectNode counts(ObjectNode m, PointsFile file) {
        ObjectNode counts = m.putObject("counts");
        counts.put("written", file.rows());
        counts.put("ok", file.ok());
        counts.put("infeasible", file.infeasible());
        counts.put("failed", file.failed());
        counts.put("pareto", file.frontSize());
        return counts;
    }

    /** Start, end (when complete), threads and wall time. */
    public static ObjectNode timing(ObjectNode m, Instant startedAt, boolean complete, int threads, double seconds) {
        ObjectNode timing = m.putObject("timing");
        timing.put("startedAt", startedAt.toString());
        if (complete) timing.put("finishedAt", Instant.now().toString());
        timing.put("threads", threads);
        timing.put("wallSeconds", Math.round(seconds * 1000) / 1000.0);
        return timing;
    }

    /**
     * Identifies the model's code: SHA-256 (first 16 hex digits) over the names and bytes of the {@code org.astradse}
     * classes in the jar or class folder this runs from. A rebuilt model has another id, so {@code --resume} never
     * appends its rows to an older model's ({@code 0.1.0-SNAPSHOT} alone would not tell them apart).
     */
    public static String buildId() {
        return BuildId.ID;
    }

    private static final class BuildId {
        static final String ID = compute();

        /** The Spark entry point runs the same model: it is not part of the model's identity (a run resumes across engines). */
        private static boolean engineOnly(String classFile) {
            return classFile.startsWith("org/astradse/spark/");
        }

        private static String compute() {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                Path where = Path.of(Manifests.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                java.util.TreeMap<String, byte[]> classes = new java.util.TreeMap<>();
                if (Files.isDirectory(where)) {
                    Path root = where.resolve("org/astradse");
                    try (var files = Files.walk(root)) {
                        for (Path f : (Iterable<Path>) files.filter(x -> x.toString().endsWith(".class"))::iterator) {
                            String name = where.relativize(f).toString().replace('\\', '/');
                            if (!engineOnly(name)) classes.put(name, Files.readAllBytes(f));
                        }
                    }
                } else {
                    try (var jar = new java.util.jar.JarFile(where.toFile())) {
                        for (var e : java.util.Collections.list(jar.entries())) {
                            if (e.getName().startsWith("org/astradse/") && e.getName().endsWith(".class") && !engineOnly(e.getName()))
                                classes.put(e.getName(), jar.getInputStream(e).readAllBytes());
                        }
                    }
                }
                for (var e : classes.entrySet()) {
                    md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                    md.update(e.getValue());
                }
                return HexFormat.of().formatHex(md.digest()).substring(0, 16);
            } catch (Exception e) {
                return "unknown";
            }
        }
    }

    private static void digest(MessageDigest md, Path file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int k; (k = in.read(buf)) > 0; ) md.update(buf, 0, k);
        }
    }

    /**
     * The spec's own identity (its text and resolved inputs, this build): what a Spark executor checks its parse of
     * the spec against before it evaluates anything (a spec edited while a study runs must not mix into it).
     */
    public static String specIdentity(SweepSpec spec) {
        return hash(spec, "", "");
    }

    /**
     * Identifies a run: the spec, its resolved inputs (workload contents included), the tool version and build, and the
     * run options that change the results (e.g. a search's seed and budget; not the thread count).
     */
    public static String hash(SweepSpec spec, String version, String resultOptions) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(JSON.writeValueAsBytes(spec.raw()));
            md.update(JSON.writeValueAsBytes(spec.network()));
            md.update(JSON.writeValueAsBytes(spec.system()));
            if (spec.isCluster()) md.update(JSON.writeValueAsBytes(TrainProfiles.of(spec))); // its profiles' figures
            if (spec.isTrain()) {
                md.update(JSON.writeValueAsBytes(spec.train()));
                // every GPU, fabric and model profile the base or a swept value names, with all its figures (the ones
                // the manifest lists): an edited profile file, or a bundled profile of another build, is another run
                md.update(JSON.writeValueAsBytes(TrainProfiles.of(spec)));
            }
            for (Path w : spec.workloads()) {
                SweepSpec.ChakraWorkload et = spec.chakra().get(w);
                if (et == null) {
                    md.update(Files.readAllBytes(w));
                    continue;
                }
                // a trace set: every rank file that exists, streamed (a set may be larger than memory), and its options
                for (int r = 0; Files.isRegularFile(Path.of(et.prefix() + "." + r + ".et")); r++)
                    digest(md, Path.of(et.prefix() + "." + r + ".et"));
                if (et.memory() != null) digest(md, et.memory());
                if (et.commGroups() != null) digest(md, et.commGroups());
            }
            md.update(version.getBytes(StandardCharsets.UTF_8));
            md.update(buildId().getBytes(StandardCharsets.UTF_8));
            md.update(resultOptions.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Opens points.csv for a run identified by {@code hash}. Without --force it refuses to overwrite an unfinished
     * or different run (a finished identical run is simply redone) and to resume a different run; with --resume it
     * appends after the rows already there.
     */
    public static PointsFile open(Path dir, List<String> header, List<String> groupBy, String hash, boolean resume,
                                  boolean force) throws IOException {
        return open(dir, header, groupBy, hash, resume, force, 0, 1);
    }

    /** {@link #open} for a shard whose row k is point {@code firstId + k·idStride}. */
    public static PointsFile open(Path dir, List<String> header, List<String> groupBy, String hash, boolean resume,
                                  boolean force, long firstId, long idStride) throws IOException {
        return open(dir, header, groupBy, hash, resume, force, firstId, idStride, true);
    }

    /** {@link #open}; {@code countExisting} false leaves a resumed file's rows to be counted as they are replayed. */
    public static PointsFile open(Path dir, List<String> header, List<String> groupBy, String hash, boolean resume,
                                  boolean force, long firstId, long idStride, boolean countExisting) throws IOException {
        return open(dir, header, groupBy, hash, resume, force, firstId, idStride, countExisting, null);
    }

    /** {@link #open}; a resumed file's rows are also checked by {@code check} (see {@link PointsFile.RowCheck}). */
    public static PointsFile open(Path dir, List<String> header, List<String> groupBy, String hash, boolean resume,
                                  boolean force, long firstId, long idStride, boolean countExisting,
                                  PointsFile.RowCheck check) throws IOException {
        Path manifest = dir.resolve("manifest.json");
        JsonNode previous;
        try {
            previous = Files.exists(manifest) ? JSON.readTree(manifest.toFile()) : null;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            if (!force) throw new InputException(manifest + " is not valid JSON; use another --out, or --force to start over");
            previous = null;
        }
        if (resume && !force && previous == null && !PointsFile.hasNoRows(dir))
            throw new InputException(dir + " holds rows but no manifest.json: no run of this tool to resume (its identity "
                    + "cannot be checked); use another --out, or --force to start over");
        boolean sameRun = previous != null && hash.equals(previous.path("specHash").asText());
        boolean complete = previous != null && "complete".equals(previous.path("status").asText());
        // a finished run without one ok point exited non-zero saying why (SweepRunner.requireOk): its rows hold no result
        // to protect from the corrected rerun, as a header-only points.csv (a start that failed before its first row)
        // (a shard without an ok point is a valid part of its sweep: merge needs it)
        boolean noOk = complete && !previous.has("shard") && previous.path("counts").path("ok").asLong(-1) == 0;
        if (noOk && !resume && !sameRun && !force && !PointsFile.hasNoRows(dir))
            System.err.println("warning: " + dir + " held a finished run without an ok point; its rows are replaced");
        if (!PointsFile.hasNoRows(dir) && !force && !(noOk && !resume)) {
            if (resume && previous != null && !sameRun)
                throw new InputException(dir + " holds results of a different spec, inputs, options or tool version; use "
                        + "another --out, or --force to start over");
            if (!resume && !(complete && sameRun))
                // say which: --resume continues only the same run
                throw new InputException(previous == null
                        ? dir + " holds rows but no manifest.json (not a run of this tool, or its manifest is gone); use "
                                + "another --out, or --force to replace them"
                        : !sameRun
                        ? dir + " holds the results of a different run (another spec, inputs, options, seed or tool version"
                                + (complete ? ", finished" : "") + "); use another --out, or --force to replace them"
                        : dir + " holds an unfinished run of this spec; use --resume to continue it or --force to start over");
        }
        try {
            if (resume && !force) return PointsFile.resume(dir, header, groupBy, firstId, idStride, countExisting, check);
            // a fresh start: the previous run's front and plot must not sit beside the new rows
            for (String stale : List.of("pareto.csv", "pareto.svg")) Files.deleteIfExists(dir.resolve(stale));
            return PointsFile.create(dir, header, groupBy, firstId, idStride);
        } catch (IllegalStateException e) {
            throw new InputException(e.getMessage());
        }
    }

    /** Writes via a temporary file and an atomic move, so a kill never leaves half a manifest. */
    public static void write(Path manifest, ObjectNode m) throws IOException {
        Path tmp = manifest.resolveSibling("manifest.json.tmp");
        JSON.writeValue(tmp.toFile(), m);
        Files.move(tmp, manifest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
