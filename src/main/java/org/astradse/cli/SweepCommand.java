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

    @picocli.CommandLine.Option(names = "--shard", paramLabel = "I/N",
            description = "evaluate only shard I of N (the points whose id mod N is I; I = 0..N-1, e.g. $SLURM_ARRAY_TASK_ID or "
                    + "$JOB_COMPLETION_INDEX) into its own --out folder; join the shards with merge")
    String shard;

    @Override
    public Integer call() {
        int n = results.threads();
        SweepSpec s = SweepSpec.parse(spec);
        Path dir = results.dir(s.name());
        SweepRunner.Outcome o;
        SweepRunner.Shard sh = shard == null ? null : parseShard(shard);
        try (StopOnSignal stop = new StopOnSignal()) {
            o = SweepRunner.run(s, dir, n, results.resume, results.force, Main.version(),
                    ProgressReport.forStderr("sweep " + s.name() + (sh == null ? "" : " shard " + sh), results.logEverySeconds()),
                    stop::requested, sh);
            if (o.interrupted()) {
                System.err.printf("sweep %s interrupted after %,d of %,d points (%,d ok); the manifest says interrupted. "
                                + "Continue with: astradse sweep %s --out %s --resume%n", s.name(), o.evaluated(), o.points(), o.ok(),
                        spec, dir);
                return 130;
            }
        }
        System.err.printf("sweep %s" + (sh == null ? "" : " shard " + sh) + ": %,d points (%,d ok, %,d infeasible, %,d failed), Pareto front %d; %,d evaluated in %.1f s "
                        + "on %d thread(s) (%,.0f points/s) -> %s%n", s.name(), o.points(), o.ok(), o.infeasible(), o.failed(),
                o.paretoSize(), o.evaluated(), o.seconds(), o.threads(), o.evaluated() / Math.max(o.seconds(), 1e-9), o.dir());
        // a shard may hold no ok point while the sweep has many: merge judges the whole
        if (sh == null)
            SweepRunner.requireOk("sweep " + s.name(), o.ok(), o.infeasible(), o.failed(), o.dir(),
                    o.commonestReason() == null ? null : java.util.Map.entry(o.commonestReason(), o.commonestCount()));
        return 0;
    }

    static SweepRunner.Shard parseShard(String text) {
        String[] p = text.split("/");
        try {
            if (p.length == 2) return new SweepRunner.Shard(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
        } catch (NumberFormatException e) {
            // below
        }
        throw new org.astradse.InputException("--shard: expected I/N (e.g. 3/16, 0 <= I < N), found '" + text + "'");
    }
}
