package org.astradse.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
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
        m.put("status", status);
        m.put("mode", mode);
        m.put("name", spec.name());
        m.put("description", spec.description());
        m.put("specFile", spec.file().toString());
        m.set("spec", spec.raw());
        ObjectNode resolved = m.putObject("resolved");
        resolved.putPOJO("workloads", spec.workloads().stream().map(Path::toString).toList());
        resolved.set("network", spec.network());
        resolved.put("networkFormat", spec.networkV1() ? "astra-sim 1.0 json" : "astra-sim 2.0");
        resolved.set("system", spec.system());
        resolved.put("systemFormat", spec.systemV1() ? "astra-sim 1.0 txt" : "astra-sim 2.0 json");
        resolved.set("run", spec.run());
        resolved.set("cost", spec.cost());
        return m;
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

    /** Writes via a temporary file and an atomic move, so a kill never leaves half a manifest. */
    public static void write(Path manifest, ObjectNode m) throws IOException {
        Path tmp = manifest.resolveSibling("manifest.json.tmp");
        JSON.writeValue(tmp.toFile(), m);
        Files.move(tmp, manifest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
