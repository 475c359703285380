package org.astradse.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.astradse.search.GeneticSearch;
import org.astradse.sweep.SweepSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code search}: NSGA-II over a sweep spec's space; the same output files as {@code sweep}. A contract. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Multi-objective genetic search (NSGA-II) over SPEC.yaml's space: time vs network cost. Writes "
                + "points.csv (every evaluated point), pareto.csv and manifest.json.")
final class SearchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SPEC.yaml", description = "the sweep spec (continuous ranges allowed)")
    Path spec;

    @picocli.CommandLine.Mixin
    ResultsOptions results;


    @Option(names = "--budget", paramLabel = "EVALUATIONS", description = "design points to simulate (default: 5%% of an "
            + "enumerable space, at least 100 and at most 100,000; else 1000)")
    Long budget;

    @Option(names = "--population", defaultValue = "50", paramLabel = "P", description = "population size (default 50)")
    int population;

    @Option(names = "--generations", defaultValue = "10000", paramLabel = "G", description = "generation limit, refinement "
            + "rounds included (default 10000)")
    int generations;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "random seed (default 1)")
    long seed;




    @Override
    public Integer call() {
        int n = results.threads();
        SweepSpec s = SweepSpec.parse(spec);
        long b = budget != null ? budget : GeneticSearch.defaultBudget(s);
        Path dir = results.dir(s.name() + "-search");
        GeneticSearch.Outcome o;
        try (StopOnSignal stop = new StopOnSignal()) {
            o = GeneticSearch.run(s, dir, new GeneticSearch.Options(b, population, generations, seed, n,
                    results.resume, results.force), Main.version(), (gen, evals, front, hv) -> System.err.printf(
                    "generation %d: %,d evaluations, front %d, hypervolume %.6g%n", gen, evals, front, hv), stop::requested);
            if (o.interrupted()) {
                System.err.printf("search %s interrupted after %,d evaluations; the manifest says interrupted. Continue with: "
                        + "astradse search %s --out %s --seed %d --budget %d --population %d --generations %d --resume%n", s.name(),
                        o.evaluated(), spec, dir, seed, b, population, generations);
                return 130;
            }
        }
        System.err.printf("search %s (seed %d): %,d points evaluated (%,d ok, %,d infeasible, %,d failed) in %d generations, "
                        + "Pareto front %d, %.1f s on %d thread(s) -> %s%n", s.name(), seed, o.evaluated(), o.ok(), o.infeasible(),
                o.failed(), o.generations(), o.paretoSize(), o.seconds(), n, o.dir());
        org.astradse.sweep.SweepRunner.requireOk("search " + s.name(), o.ok(), o.infeasible(), o.failed(), o.dir(),
                o.commonestReason());
        return 0;
    }
}
