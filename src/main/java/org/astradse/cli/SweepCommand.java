package org.astradse.cli;

import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.astradse.sweep.SweepRunner;
import org.astradse.sweep.SweepSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sweep}: every point of a spec's grid, in parallel; points.csv, pareto.csv, manifest.json. A contract. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Run a grid sweep: every design point of SPEC.yaml; writes points.csv, pareto.csv and manifest.json.")
final class SweepCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SPEC.yaml", description = "the sweep spec")
    Path spec;

    @picocli.CommandLine.Mixin
    ResultsOptions results;

    @Override
    public Integer call() {
        int n = results.threads();
        SweepSpec s = SweepSpec.parse(spec);
        Path dir = results.dir(s.name());
        SweepRunner.Outcome o = SweepRunner.run(s, dir, n, results.resume, results.force, Main.version(), progress());
        System.err.printf("sweep %s: %,d points (%,d ok, %,d infeasible, %,d failed), Pareto front %d; %,d evaluated in %.1f s "
                        + "on %d thread(s) (%,.0f points/s) -> %s%n", s.name(), o.points(), o.ok(), o.infeasible(), o.failed(),
                o.paretoSize(), o.evaluated(), o.seconds(), o.threads(), o.evaluated() / Math.max(o.seconds(), 1e-9), o.dir());
        SweepRunner.requireOk("sweep " + s.name(), o.ok(), o.infeasible(), o.failed(), o.dir(),
                o.commonestReason() == null ? null : java.util.Map.entry(o.commonestReason(), o.commonestCount()));
        return 0;
    }

    /** A progress bar with rate and ETA on a terminal; nothing otherwise (the summary line is printed anyway). */
    static SweepRunner.Progress progress() {
        if (System.console() == null) return SweepRunner.Progress.NONE;
        return new SweepRunner.Progress() {
            private ProgressBar bar;

            @Override
            public void start(long total, long done) {
                bar = new ProgressBarBuilder().setTaskName("sweep").setInitialMax(total).setUpdateIntervalMillis(250)
                        .setSpeedUnit(ChronoUnit.SECONDS).showSpeed().setUnit(" pts", 1)
                        .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
                bar.stepTo(done);
            }

            @Override
            public void step(long done) {
                bar.stepTo(done);
            }

            @Override
            public void finish() {
                if (bar != null) bar.close();
            }
        };
    }
}
