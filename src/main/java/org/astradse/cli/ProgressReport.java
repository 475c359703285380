package org.astradse.cli;

import java.io.PrintStream;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.astradse.sweep.SweepRunner;

/**
 * Progress of a sweep on stderr. On a terminal: a progress bar with rate, ETA and the counts by status. Otherwise
 * (nohup, cron, Slurm, CI logs): one plain line every {@code everySeconds} — done/total, ok / infeasible / failed,
 * rate, ETA — and no terminal control characters, so log files stay readable.
 */
final class ProgressReport {
    private ProgressReport() {
    }

    static SweepRunner.Progress forStderr(String task, double everySeconds) {
        return System.console() != null ? bar(task) : lines(task, System.err, everySeconds);
    }

    private static SweepRunner.Progress bar(String task) {
        return new SweepRunner.Progress() {
            private ProgressBar bar;

            @Override
            public void start(long total, long done) {
                bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUpdateIntervalMillis(250)
                        .setSpeedUnit(ChronoUnit.SECONDS).showSpeed().setUnit(" pts", 1)
                        .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
                bar.stepTo(done);
            }

            @Override
            public void step(long done, long ok, long infeasible, long failed) {
                bar.stepTo(done);
                if ((done & 63) == 0) bar.setExtraMessage(String.format(Locale.ROOT, "%,d ok %,d infeasible %,d failed", ok,
                        infeasible, failed));
            }

            @Override
            public void finish() {
                if (bar != null) bar.close();
            }
        };
    }

    /** Plain log lines, at most one per {@code everySeconds}; the first after that long, none for short runs. */
    static SweepRunner.Progress lines(String task, PrintStream out, double everySeconds) {
        return new SweepRunner.Progress() {
            private long total;
            private long first;
            private long startNanos;
            private long nextNanos;

            @Override
            public void start(long total, long done) {
                this.total = total;
                this.first = done;
                this.startNanos = System.nanoTime();
                this.nextNanos = startNanos + (long) (everySeconds * 1e9);
            }

            @Override
            public void step(long done, long ok, long infeasible, long failed) {
                long now = System.nanoTime();
                if (now < nextNanos) return;
                nextNanos = now + (long) (everySeconds * 1e9);
                double secs = (now - startNanos) / 1e9;
                double rate = (done - first) / Math.max(secs, 1e-9);
                long left = (long) ((total - done) / Math.max(rate, 1e-9));
                out.printf(Locale.ROOT, "%s: %,d/%,d points (%.1f %%), %,d ok, %,d infeasible, %,d failed; %,.0f points/s, "
                                + "ETA %d:%02d:%02d%n", task, done, total, 100.0 * done / total, ok, infeasible, failed, rate,
                        left / 3600, left / 60 % 60, left % 60);
                out.flush();
            }

            @Override
            public void finish() {
            }
        };
    }
}
