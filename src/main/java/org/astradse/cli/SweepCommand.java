package org.astradse.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.astradse.sweep.SweepRunner;
import org.astradse.sweep.SweepSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sweep}: every point of a spec's grid, in parallel; points.csv, pareto.csv, manifest.json. A contract. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Run a grid sweep: every design point of SPEC.yaml; writes points.csv, pareto.csv, pareto.svg and "
                + "manifest.json.")
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
        SweepRunner.Outcome o;
        try (StopOnSignal stop = new StopOnSignal()) {
            o = SweepRunner.run(s, dir, n, results.resume, results.force, Main.version(),
                    ProgressReport.forStderr("sweep " + s.name(), results.logEverySeconds()), stop::requested);
            if (o.interrupted()) {
                System.err.printf("sweep %s interrupted after %,d of %,d points (%,d ok); the manifest says interrupted. "
                                + "Continue with: astradse sweep %s --out %s --resume%n", s.name(), o.evaluated(), o.points(), o.ok(),
                        spec, dir);
                return 130;
            }
        }
        System.err.printf("sweep %s: %,d points (%,d ok, %,d infeasible, %,d failed), Pareto front %d; %,d evaluated in %.1f s "
                        + "on %d thread(s) (%,.0f points/s) -> %s%n", s.name(), o.points(), o.ok(), o.infeasible(), o.failed(),
                o.paretoSize(), o.evaluated(), o.seconds(), o.threads(), o.evaluated() / Math.max(o.seconds(), 1e-9), o.dir());
        SweepRunner.requireOk("sweep " + s.name(), o.ok(), o.infeasible(), o.failed(), o.dir(),
                o.commonestReason() == null ? null : java.util.Map.entry(o.commonestReason(), o.commonestCount()));
        return 0;
    }
}
