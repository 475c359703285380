package org.astradse.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.astradse.InputException;
import org.astradse.report.FolderLock;
import org.astradse.report.PointRow;
import org.astradse.report.PointsFile;

/**
 * Runs a grid sweep: evaluates every design point on the executor, streams points.csv in point-id order (it is
 * also the journal a resumed sweep continues from), then writes pareto.csv and manifest.json.
 */
public final class SweepRunner {
    private SweepRunner() {
    }

    /** Progress callbacks (a terminal progress bar, log lines, or nothing). */
    public interface Progress {
        void start(long total, long done);

        /** {@code done} points of the run so far, with the counts by status. */
        void step(long done, long ok, long infeasible, long failed);

        void finish();

        Progress NONE = new Progress() {
            @Override
            public void start(long total, long done) {
            }

            @Override
            public void step(long done, long ok, long infeasible, long failed) {
            }

            @Override
            public void finish() {
            }
        };
    }

    /** What a run did. */
    public record Outcome(Path dir, long points, long ok, long infeasible, long failed, int paretoSize, long evaluated,
                          double seconds, int threads, String commonestReason, long commonestCount, boolean interrupted) {
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
        return run(spec, dir, threads, resume, force, toolVersion, progress, () -> false);
    }

    /**
     * Runs the sweep into {@code dir}, which it holds exclusively ({@link FolderLock}) from before it looks at what is
     * there until the manifest is final. When {@code stop} turns true (SIGTERM, Ctrl-C) the points in flight are
     * finished and written, and the manifest says {@code interrupted}: {@code --resume} continues from there.
     */
    public static Outcome run(SweepSpec spec, Path dir, int threads, boolean resume, boolean force, String toolVersion,
                              Progress progress, BooleanSupplier stop) {
        return run(spec, dir, threads, resume, force, toolVersion, progress, stop, null);
    }

    /**
     * Shard {@code index} of {@code count} of a sweep (an array job's task): the points whose id ≡ index (mod count), a
     * deterministic partition that spreads every region of the grid over all shards. {@code merge} joins the shards'
     * folders into the files one run would write.
     */
    public record Shard(int index, int count) {
        public Shard {
            if (count < 1 || index < 0 || index >= count)
                throw new InputException("--shard: expected I/N with 0 <= I < N, found " + index + "/" + count);
        }

        /** Points of a sweep of {@code total} in this shard. */
        public long size(long total) {
            return index < total ? (total - index + count - 1) / count : 0;
        }

        @Override
        public String toString() {
            return index + "/" + count;
        }
    }

    /** A grid above this many points is warned about before its first point. */
    static final long HUGE_GRID = 100_000_000L;

    /** How long {@code points} take at 10^5 and at 10^3 points/s, in words. */
    static String span(long points) {
        return duration(points / 1e5) + " to " + duration(points / 1e3);
    }

    private static String duration(double s) {
        if (s < 3600) return String.format(java.util.Locale.ROOT, "%.0f minutes", s / 60);
        if (s < 2 * 86400) return String.format(java.util.Locale.ROOT, "%.0f hours", s / 3600);
        return String.format(java.util.Locale.ROOT, "%,.0f days", s / 86400);
    }

    /** Runs the whole sweep ({@code shard} null) or one shard of it into {@code dir}; see {@link #run}. */
    public static Outcome run(SweepSpec spec, Path dir, int threads, boolean resume, boolean force, String toolVersion,
                              Progress progress, BooleanSupplier stop, Shard shard) {
        return run(spec, dir, PointEngine.Factory.create(threads), resume, force, toolVersion, progress, stop, shard);
    }

    /** {@link #run} on an engine (local threads, or Spark): the same files whatever it is. */
    public static Outcome run(SweepSpec spec, Path dir, PointEngine engine, boolean resume, boolean force, String toolVersion,
                              Progress progress, BooleanSupplier stop, Shard shard) {
        try (org.astradse.hw.Profiles.Pin pin = org.astradse.hw.Profiles.pin()) { // profile files as the identity read them
            return pinned(spec, dir, engine, resume, force, toolVersion, progress, stop, shard);
        }
    }

    private static Outcome pinned(SweepSpec spec, Path dir, PointEngine engine, boolean resume, boolean force, String toolVersion,
                                  Progress progress, BooleanSupplier stop, Shard shard) {
        int threads = engine.parallelism();
        DesignSpace space = DesignSpace.of(spec);
        long all = space.size();
        long total = shard == null ? all : shard.size(all);
        if (total > HUGE_GRID)
            // said before the run, not after a night: a grid this large is days of evaluations and a points.csv of
            // hundreds of GB (a row per point); search explores it with a budget
            System.err.printf(java.util.Locale.ROOT, "warning: %s: the grid has %,d points%s: at 10^5–10^3 points/s that is "
                    + "%s, and points.csv grows by a row per point (about %,.0f GB at ~%d bytes a row); `search` explores a "
                    + "space this large with a budget%n", spec.file(), total, shard == null ? "" : " in shard " + shard, span(total),
                    total * 8.0 * space.header().size() / 1e9,
                    8 * space.header().size());
        long firstId = shard == null ? 0 : shard.index();
        long stride = shard == null ? 1 : shard.count();
        String sweepHash = Manifests.hash(spec, toolVersion, "sweep");
        String hash = shard == null ? sweepHash : sweepHash + "/shard " + shard; // a shard folder resumes only as itself
        Path manifest = dir.resolve("manifest.json");
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        try (FolderLock lock = FolderLock.acquire(dir)) {
            long started = System.nanoTime();
            Instant startedAt = Instant.now();
            // a kept row must be the one this run writes for its id: its swept values are recomputed from the id (a
            // hand-edited value would otherwise enter the front and the resumed run's results unnoticed)
            Grid grid = space.grid();
            PointsFile file = Manifests.open(dir, space.header(), spec.groupBy(), hash, resume, force, firstId, stride, true,
                    (id, cells) -> {
                        String wrong = space.journalMismatch(grid.digits(id), cells);
                        return wrong == null ? null : "point " + id + " has " + wrong;
                    });
            long from = file.rows();
            writeManifest(json, manifest, spec, hash, toolVersion, "running", file, all, from, 0, threads, startedAt, shard,
                    sweepHash);
            progress.start(total, from);
            long end;
            try (file) {
                PointEngine.Job job = PointEngine.Job.grid(space, firstId, stride);
                end = engine.run(job, from, total, (id, row) -> {
                    try {
                        file.append(row);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    progress.step(id + 1, file.ok(), file.infeasible(), file.failed());
                }, stop, file::flushUnchecked);
                if (end == total) file.writePareto();
            } finally {
                progress.finish();
            }
            boolean complete = end == total;
            if (complete && shard == null) org.astradse.report.ParetoPlot.write(dir, plotOptions(spec), file.plotSample());
            double seconds = (System.nanoTime() - started) / 1e9;
            writeManifest(json, manifest, spec, hash, toolVersion, complete ? "complete" : "interrupted", file, all, from,
                    seconds, threads, startedAt, shard, sweepHash);
            var common = file.commonestReason();
            return new Outcome(dir, total, file.ok(), file.infeasible(), file.failed(), file.frontSize(), end - from, seconds,
                    threads, common == null ? null : common.getKey(), common == null ? 0 : common.getValue(), !complete);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new InputException("cannot write the results in " + dir + ": " + e.getMessage());
        }
    }

    /** The plot's options for a spec (also what a merge of its shards needs). */
    public static org.astradse.report.ParetoPlot.Options plotOptions(SweepSpec spec) {
        return new org.astradse.report.ParetoPlot.Options(spec.name(), spec.description(), spec.groupBy(), spec.colourBy());
    }

    private static void writeManifest(ObjectMapper json, Path manifest, SweepSpec spec, String hash, String version, String status,
                                      PointsFile file, long total, long resumedFrom, double seconds, int threads,
                                      Instant startedAt, Shard shard, String sweepHash) throws IOException {
        ObjectNode m = Manifests.base(spec, version, status, "sweep");
        if (shard != null) {
            // what merge needs to check the shards belong together and to write the single run's files
            ObjectNode sh = m.putObject("shard");
            sh.put("index", shard.index());
            sh.put("count", shard.count());
            sh.put("sweepHash", sweepHash);
            sh.put("points", shard.size(total));
            sh.putPOJO("groupBy", spec.groupBy());
            sh.put("colourBy", spec.colourBy());
        }
        m.put("specHash", hash);
        Manifests.counts(m, file).put("points", total);
        ObjectNode timing = Manifests.timing(m, startedAt, !"running".equals(status), threads, seconds);
        timing.put("resumedFromPoint", resumedFrom);
        long ran = file.rows() - resumedFrom;
        timing.put("pointsPerSecond", seconds > 0 ? Math.round(ran / seconds * 10) / 10.0 : 0);
        Manifests.write(manifest, m);
    }
}
