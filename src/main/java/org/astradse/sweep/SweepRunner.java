package org.astradse.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import org.astradse.exec.OrderedExecutor;
import org.astradse.InputException;
import org.astradse.report.PointRow;
import org.astradse.report.PointsFile;

/**
 * Runs a grid sweep: evaluates every design point on the executor, streams points.csv in point-id order (it is
 * also the journal a resumed sweep continues from), then writes pareto.csv and manifest.json.
 */
public final class SweepRunner {
    private SweepRunner() {
    }

    /** Progress callbacks (a terminal progress bar, or nothing). */
    public interface Progress {
        void start(long total, long done);

        void step(long done);

        void finish();

        Progress NONE = new Progress() {
            @Override
            public void start(long total, long done) {
            }

            @Override
            public void step(long done) {
            }

            @Override
            public void finish() {
            }
        };
    }

    /** What a run did. */
    public record Outcome(Path dir, long points, long ok, long infeasible, long failed, int paretoSize, long evaluated,
                          double seconds, int threads, String commonestReason, long commonestCount) {
    }

    /**
     * A run that ended without any ok point answers nothing: a user error that says why (the commonest reason a
     * point is not ok) and where the rows are.
     */
    public static void requireOk(String what, long ok, long infeasible, long failed, Path dir,
                                 java.util.Map.Entry<String, Long> commonest) {
        if (ok > 0) return;
        String why = commonest == null ? "" : "; the commonest reason (" + commonest.getValue() + " of them): "
                + commonest.getKey();
        throw new InputException("no design point is ok (" + infeasible + " infeasible, " + failed + " failed) in " + what
                + why + "; the rows are in " + dir.resolve("points.csv"));
    }

    public static Outcome run(SweepSpec spec, Path dir, int threads, boolean resume, boolean force, String toolVersion,
                              Progress progress) {
        SweepSpace space = new SweepSpace(spec);
        String hash = Manifests.hash(spec, toolVersion, "sweep");
        Path manifest = dir.resolve("manifest.json");
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        try {
            long started = System.nanoTime();
            Instant startedAt = Instant.now();
            PointsFile file = Manifests.open(dir, space.header(), hash, resume, force);
            long from = file.rows();
            writeManifest(json, manifest, spec, hash, toolVersion, "running", file, space.size(), from, 0, threads, startedAt);
            progress.start(space.size(), from);
            try (file) {
                OrderedExecutor.run(from, space.size(), threads, 1024, space::evaluate, (id, row) -> {
                    try {
                        file.append(row);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    progress.step(id + 1);
                });
                file.writePareto();
            } finally {
                progress.finish();
            }
            org.astradse.report.ParetoPlot.write(dir, spec.name(), spec.description());
            double seconds = (System.nanoTime() - started) / 1e9;
            writeManifest(json, manifest, spec, hash, toolVersion, "complete", file, space.size(), from, seconds, threads, startedAt);
            var common = file.commonestReason();
            return new Outcome(dir, space.size(), file.ok(), file.infeasible(), file.failed(), file.frontSize(),
                    space.size() - from, seconds, threads, common == null ? null : common.getKey(),
                    common == null ? 0 : common.getValue());
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new InputException("cannot write the results in " + dir + ": " + e.getMessage());
        }
    }

    private static void writeManifest(ObjectMapper json, Path manifest, SweepSpec spec, String hash, String version, String status,
                                      PointsFile file, long total, long resumedFrom, double seconds, int threads,
                                      Instant startedAt) throws IOException {
        ObjectNode m = Manifests.base(spec, version, status, "sweep");
        m.put("specHash", hash);
        Manifests.counts(m, file).put("points", total);
        ObjectNode timing = Manifests.timing(m, startedAt, "complete".equals(status), threads, seconds);
        timing.put("resumedFromPoint", resumedFrom);
        long ran = total - resumedFrom;
        timing.put("pointsPerSecond", seconds > 0 ? Math.round(ran / seconds * 10) / 10.0 : 0);
        Manifests.write(manifest, m);
    }
}
