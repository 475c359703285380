package org.astradse.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.astradse.network.InputException;
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

    @Option(names = "--out", paramLabel = "DIR", description = "results folder (default results/<spec name>-search/)")
    Path out;

    @Option(names = "--budget", paramLabel = "EVALUATIONS", description = "design points to simulate (default: 5% of an "
            + "enumerable space, at least 100; else 1000)")
    Long budget;

    @Option(names = "--population", defaultValue = "50", paramLabel = "P", description = "population size (default 50)")
    int population;

    @Option(names = "--generations", defaultValue = "10000", paramLabel = "G", description = "generation limit (default: "
            + "until the budget is spent)")
    int generations;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "random seed (default 1)")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: available cores)")
    Integer threads;

    @Option(names = "--resume", description = "continue an interrupted search (same spec and seed)")
    boolean resume;

    @Option(names = "--force", description = "start over even if the results folder holds results")
    boolean force;

    @Override
    public Integer call() {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) throw new InputException("--threads must be >= 1, found " + n);
        SweepSpec s = SweepSpec.parse(spec);
        s.checkBase();
        long b = budget != null ? budget : GeneticSearch.defaultBudget(s);
        Path dir = out != null ? out : Path.of("results", s.name() + "-search");
        GeneticSearch.Outcome o = GeneticSearch.run(s, dir, new GeneticSearch.Options(b, population, generations, seed, n, resume,
                force), Main.version(), (gen, evals, front, hv) -> System.err.printf(
                "generation %d: %,d evaluations, front %d, hypervolume %.6g%n", gen, evals, front, hv));
        System.err.printf("search %s (seed %d): %,d points evaluated (%,d ok, %,d infeasible, %,d failed) in %d generations, "
                        + "Pareto front %d, %.1f s on %d thread(s) -> %s%n", s.name(), seed, o.evaluated(), o.ok(), o.infeasible(),
                o.failed(), o.generations(), o.paretoSize(), o.seconds(), n, o.dir());
        return 0;
    }
}
