package org.astradse.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.astradse.InputException;
import org.astradse.report.PointRow;
import org.astradse.sweep.DesignSpace;
import org.astradse.sweep.Manifests;
import org.astradse.sweep.PointEngine;
import org.astradse.sweep.SweepSpec;

/**
 * Design points as Spark tasks. The driver plans the points as index ranges (never materialised), one range of
 * {@code taskSize} points per task, submitted in waves of a few tasks per core; each executor task parses the spec
 * once per JVM (checking it is the driver's), evaluates its range with the same {@link PointEngine.Job#evaluate} as
 * the local engine, and returns the rows; the driver hands them to the journal in point order while the next wave
 * runs. A task that fails (a lost executor) is retried by Spark; an impossible point is an infeasible row, as locally.
 */
public final class SparkEngine implements PointEngine {
    private final JavaSparkContext sc;
    private final int taskSize;

    /**
     * @param taskSize points per task, or 0: about an eighth of a core's share of the run, at most 2,000 (small tasks
     *                 balance, large ones amortise Spark's per-task cost; see BENCHMARKS.md)
     */
    public SparkEngine(JavaSparkContext sc, int taskSize) {
        this.sc = sc;
        this.taskSize = taskSize;
    }

    /** The cores Spark offers now (executors register after the context starts: read at each wave, not once). */
    @Override
    public int parallelism() {
        return Math.max(1, sc.defaultParallelism());
    }

    @Override
    public long run(Job job, long from, long total, org.astradse.exec.OrderedExecutor.Sink<PointRow> sink, BooleanSupplier stop, Runnable flush) {
        if (from >= total) return from;
        job.identity(); // computed once on the driver, shipped with the job
        long next = from;
        long done = from;
        JavaFutureAction<List<PointRow>> current = null;
        JavaFutureAction<List<PointRow>> following = null;
        try {
            long[] wave = wave(next, total);
            current = submit(job, next, wave[0], (int) wave[1]);
            next = wave[0];
            while (current != null) {
                following = null;
                if (next < total && !stop.getAsBoolean()) {
                    wave = wave(next, total);
                    following = submit(job, next, wave[0], (int) wave[1]);
                    next = wave[0];
                }
                List<PointRow> rows;
                try {
                    rows = current.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Spark", e);
                } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                    // SIGTERM / Ctrl-C: Spark's own shutdown hook stops the context while ours asks the run to stop —
                    // what is written stays, and the run is interrupted, not failed
                    if (stop.getAsBoolean() || sc.sc().isStopped()) return done;
                    Throwable c = e.getCause();
                    String m = c == null ? e.getMessage() : c.getMessage();
                    if (m != null && m.contains(InputException.class.getName()))
                        throw new InputException("a Spark task refused the spec: " + m.lines().findFirst().orElse(m));
                    throw new IllegalStateException("Spark job failed: " + m, c);
                }
                current = null;
                for (PointRow r : rows) sink.accept(done++, r);
                flush.run();
                if (stop.getAsBoolean()) break;
                current = following;
                following = null;
            }
            return done;
        } finally {
            if (current != null) current.cancel(true);
            if (following != null) following.cancel(true);
        }
    }

    /** The next wave from {@code next}: {end, points per task} — a few tasks per core Spark offers now. */
    private long[] wave(long next, long total) {
        int cores = parallelism();
        long n = total - next;
        int size = taskSize > 0 ? taskSize : (int) Math.max(1, Math.min(2000, n / (cores * 8L)));
        return new long[] {Math.min(total, next + (long) size * cores * 4), size};
    }

    private JavaFutureAction<List<PointRow>> submit(Job job, long a, long b, int size) {
        List<long[]> tasks = new ArrayList<>();
        for (long s = a; s < b; s += size) tasks.add(new long[] {s, Math.min(b, s + size)});
        return sc.parallelize(tasks, tasks.size()).flatMap(t -> Executor.rows(job, t[0], t[1]).iterator()).collectAsync();
    }

    /** What runs in a task: the executor's copy of the space, then the range's rows. */
    static final class Executor {
        private static final Map<String, DesignSpace> SPACES = new ConcurrentHashMap<>();

        private Executor() {
        }

        static List<PointRow> rows(Job job, long a, long b) {
            DesignSpace space = SPACES.computeIfAbsent(job.specFile() + "|" + job.identity(), k -> {
                SweepSpec spec = SweepSpec.parse(java.nio.file.Path.of(job.specFile()));
                String id = Manifests.specIdentity(spec);
                if (!id.equals(job.identity()))
                    throw new InputException(job.specFile() + ": the spec (or an input it names, or the build) on this executor "
                            + "differs from the driver's (identity " + id + " vs " + job.identity() + ")");
                return DesignSpace.of(spec);
            });
            List<PointRow> out = new ArrayList<>((int) (b - a));
            for (long j = a; j < b; j++) out.add(job.evaluate(space, j));
            return out;
        }
    }
}
