package org.astradse.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenetics.GaussianMutator;
import io.jenetics.Genotype;
import io.jenetics.IntegerChromosome;
import io.jenetics.IntegerGene;
import io.jenetics.Mutator;
import io.jenetics.Phenotype;
import io.jenetics.UniformCrossover;
import io.jenetics.engine.Engine;
import io.jenetics.engine.Evaluator;
import io.jenetics.engine.EvolutionResult;
import io.jenetics.ext.moea.NSGA2Selector;
import io.jenetics.ext.moea.UFTournamentSelector;
import io.jenetics.ext.moea.Vec;
import io.jenetics.util.ISeq;
import io.jenetics.util.RandomRegistry;
import io.jenetics.util.Seq;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.astradse.InputException;
import org.astradse.sweep.PointEngine;
import org.astradse.report.FolderLock;
import org.astradse.report.ParetoFront;
import org.astradse.report.PointRow;
import org.astradse.report.PointsFile;
import org.astradse.sweep.Domain;
import org.astradse.sweep.DesignSpace;
import org.astradse.sweep.Grid;
import org.astradse.sweep.SweepSpec;

/**
 * Multi-objective genetic search over a sweep spec's space (Jenetics 7.2, NSGA-II selection from jenetics.ext),
 * minimising training time and network cost.
 *
 * <ul>
 *   <li>Encoding: one integer gene per swept domain — the index of its value (lists, ranges, zipped groups), or
 *   for a continuous range its point on a lattice of 2^20 steps — so discrete parameters stay discrete.</li>
 *   <li>Objectives are maximised as (−time, −cost) for Jenetics' Vec. Constraints: <b>penalty</b> — a point that
 *   violates one (or is otherwise infeasible) gets the worst fitness, so selection drops it.</li>
 *   <li>Every distinct design point is simulated once; {@code budget} counts those evaluations. Candidates of a
 *   generation are evaluated in parallel on the ordered executor, in population order, so points.csv (every
 *   evaluated point, in evaluation order) is the same for a seed whatever the thread count. All random choices
 *   happen on the calling thread from one seeded generator.</li>
 *   <li>Resume replays the seeded evolution, reading the points already in points.csv instead of simulating them.</li>
 * </ul>
 */
public final class GeneticSearch {
    private GeneticSearch() {
    }

    public record Options(long budget, int population, int generations, long seed, int threads, boolean resume, boolean force) {
    }

    public record Outcome(Path dir, long evaluated, long ok, long infeasible, long failed, int paretoSize, int generations,
                          double hypervolume, double seconds, java.util.Map.Entry<String, Long> commonestReason,
                          boolean interrupted) {
    }

    /** Per-generation progress: evaluations so far, front size, hypervolume (reference: 1.1 × worst ok so far). */
    public interface Listener {
        void generation(long generation, long evaluations, int frontSize, double hypervolume);
    }

    private static final Vec<double[]> PENALTY = Vec.of(-Double.MAX_VALUE, -Double.MAX_VALUE);

    /** The largest default budget: an overnight on two cores for the slower studies (a larger one is asked for). */
    static final long MAX_DEFAULT_BUDGET = 100_000;

    /**
     * Default budget: 5 % of an enumerable space, at least 100 and at most {@link #MAX_DEFAULT_BUDGET} (5 % of a
     * billion-point space is days of evaluations: --budget says so when meant), else 1,000.
     */
    public static long defaultBudget(SweepSpec spec) {
        Grid g = spec.enumerable() ? new Grid(spec.domains()) : null; // not a DesignSpace: its checks run once, in run
        return g == null ? 1000 : Math.min(MAX_DEFAULT_BUDGET, Math.max(100, g.size() / 20));
    }

    public static Outcome run(SweepSpec spec, Path dir, Options o, String version, Listener listener) {
        return run(spec, dir, o, version, listener, () -> false);
    }

    /**
     * Runs the search into {@code dir}, held exclusively for the run ({@link FolderLock}). When {@code stop} turns true
     * the points in flight are written and the manifest says {@code interrupted}; {@code --resume} replays from there.
     */
    public static Outcome run(SweepSpec spec, Path dir, Options o, String version, Listener listener,
                              java.util.function.BooleanSupplier stop) {
        try (org.astradse.hw.Profiles.Pin pin = org.astradse.hw.Profiles.pin()) { // profile files as the identity read them
            return pinned(spec, dir, o, version, listener, stop);
        }
    }

    private static Outcome pinned(SweepSpec spec, Path dir, Options o, String version, Listener listener,
                                  java.util.function.BooleanSupplier stop) {
        if (o.budget() < 1) throw new InputException("--budget must be >= 1 evaluations, found " + o.budget());
        // NSGA-II's non-dominated sorting holds a dominance relation per pair of individuals: memory grows as P²
        // (measured on this build's default heap of 6 GB: 20,000 runs, 50,000 and more run out of memory)
        if (o.population() < 2 || o.population() > MAX_POPULATION)
            throw new InputException("--population must be from 2 to " + String.format(java.util.Locale.ROOT, "%,d", MAX_POPULATION)
                    + " (NSGA-II's sorting needs memory for every pair of individuals), found " + o.population());
        if (o.generations() < 1) throw new InputException("--generations must be >= 1, found " + o.generations());
        if (o.threads() < 1) throw new InputException("--threads must be >= 1, found " + o.threads());
        DesignSpace space = DesignSpace.of(spec);
        List<Domain> domains = space.domains();
        if (domains.isEmpty()) throw new InputException(spec.file() + ": sweep: nothing to search (no swept parameter)");
        long started = System.nanoTime();
        Instant startedAt = Instant.now();
        try (FolderLock lock = FolderLock.acquire(dir)) {
            Path manifest = dir.resolve("manifest.json");
            // the budget is not part of the identity: a run is a prefix of the same run with a larger budget, so
            // --resume with a larger budget extends a finished search (the generation limit changes the sequence)
            String hash = org.astradse.sweep.Manifests.hash(spec, version, "search seed=" + o.seed() + " population="
                    + o.population() + " generations=" + o.generations() + " refine=after-each-generation");
            // a resumed file's rows are counted as the replay reaches them: each generation's front is the original's
            PointsFile file = org.astradse.sweep.Manifests.open(dir, space.header(), spec.groupBy(), hash, o.resume(), o.force(),
                    0, 1, false);
            // read after open: a resumed points.csv has had its torn last line cut
            List<List<String>> previous = o.resume() && !o.force() ? PointsFile.readRows(dir) : List.of();
            if (previous.size() > o.budget()) {
                // the replay would stop short of the rows held, and the folder's files would no longer be one search's:
                // a resumed search extends its budget, it cannot shrink it
                file.close();
                throw new InputException(String.format(java.util.Locale.ROOT, "--budget %,d: %s already holds %,d evaluated "
                        + "points of this search; --resume extends a search's budget, it cannot shrink it (use --budget %d or "
                        + "more, or a new --out)", o.budget(), dir, previous.size(), previous.size()));
            }
            ObjectNode running = org.astradse.sweep.Manifests.base(spec, version, "running", "search");
            running.put("specHash", hash);
            org.astradse.sweep.Manifests.write(manifest, running);
            State state = new State(space, file, previous, o, stop, PointEngine.Factory.create(o.threads()));
            List<IntegerChromosome> chromosomes = new ArrayList<>();
            for (Domain d : domains) {
                long n = d.size();
                if (n > Integer.MAX_VALUE) throw new InputException("a swept domain with more than 2^31 values");
                chromosomes.add(IntegerChromosome.of(0, (int) n)); // genes in [0, n): Jenetics ranges exclude the upper bound
            }
            Genotype<IntegerGene> prototype = Genotype.of(chromosomes);
            Engine<IntegerGene, Vec<double[]>> engine = new Engine.Builder<>(state, prototype)
                    .populationSize(o.population())
                    .offspringSelector(UFTournamentSelector.ofVec())
                    .survivorsSelector(NSGA2Selector.ofVec())
                    .alterers(new UniformCrossover<>(0.7, 0.5), new Mutator<>(1.0 / domains.size()), new GaussianMutator<>(0.2))
                    .executor(Runnable::run)
                    .maximizing()
                    .build();
            List<ObjectNode> log = new ArrayList<>();
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            int[] generations = {0};
            long spaceSize = space.grid() != null ? space.grid().size() : Long.MAX_VALUE; // saturated beyond 2^63
            state.phaseBudget = o.budget();
            int refineBatch = Math.max(1, o.population() / 2);
            try (file) {
                // after each generation, a round of refinement around the front (see State.refine); what is evaluated
                // never depends on the budget, only where it stops, so a run is a prefix of one with a larger budget
                RandomRegistry.using(new Random(o.seed()), r -> engine.stream()
                        .limit(res -> state.evaluated < o.budget() && !state.stopped && state.evaluated < spaceSize
                                && state.idleGenerations < IDLE_LIMIT)
                        .limit(o.generations())
                        .forEach((EvolutionResult<IntegerGene, Vec<double[]>> res) -> {
                            generations[0]++;
                            if (!state.stopped && state.evaluated < o.budget()) state.refine(domains, refineBatch);
                            log.add(logGeneration(json, res.generation(), state, file, listener));
                        }));
                // the evolution stopped finding new points: refine on while budget is left — rounds count against
                // --generations as the evolution's generations do
                long rounds = 0;
                while (!state.stopped && state.evaluated < o.budget() && generations[0] + rounds < o.generations()
                        && state.refine(domains, refineBatch)) {
                    rounds++;
                    log.add(logGeneration(json, generations[0] + rounds, state, file, listener));
                }
                generations[0] += (int) rounds;
                // rows of the resumed file the replay did not reach (the evolution ended before them: a generation
                // limit below the rows held): still the folder's rows
                for (long id = file.rows(); id < previous.size(); id++) file.countReplayed(previous.get((int) id));
                if (!state.stopped) file.writePareto();
            }
            if (!state.stopped)
                org.astradse.report.ParetoPlot.write(dir, new org.astradse.report.ParetoPlot.Options(spec.name()
                        + " (genetic search, seed " + o.seed() + ")", spec.description(), spec.groupBy(), spec.colourBy()),
                        file.plotSample());
            double seconds = (System.nanoTime() - started) / 1e9;
            ObjectNode m = org.astradse.sweep.Manifests.base(spec, version, state.stopped ? "interrupted" : "complete", "search");
            m.put("specHash", hash);
            ObjectNode so = m.putObject("search");
            so.put("algorithm", "NSGA-II (Jenetics 7.2: UFTournamentSelector offspring, NSGA2Selector survivors)");
            so.put("encoding", "one integer gene per swept domain (value index; continuous ranges on a 2^20 lattice)");
            so.put("constraints", "penalty: infeasible points get the worst fitness");
            so.put("seed", o.seed());
            so.put("budget", o.budget());
            so.put("population", o.population());
            so.put("generationsRun", generations[0]);
            ArrayNode gens = so.putArray("generations");
            log.forEach(gens::add);
            org.astradse.sweep.Manifests.counts(m, file);
            org.astradse.sweep.Manifests.timing(m, startedAt, true, o.threads(), seconds);
            m.put("interrupted", state.stopped);
            org.astradse.sweep.Manifests.write(manifest, m);
            return new Outcome(dir, file.rows(), file.ok(), file.infeasible(), file.failed(), file.frontSize(), generations[0],
                    state.hypervolume(), seconds, file.commonestReason(), state.stopped);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new InputException("cannot write the results in " + dir + ": " + e.getMessage());
        }
    }

    /** Largest population: far above NSGA-II's usual 50–1,000, below what its P² sorting can hold. */
    static final int MAX_POPULATION = 10_000;

    /** Generations in a row without a new design point after which the space counts as exhausted. */
    static final int IDLE_LIMIT = 100;

    private static ObjectNode logGeneration(ObjectMapper json, long generation, State state, PointsFile file, Listener listener) {
        double hv = state.hypervolume();
        ObjectNode g = json.createObjectNode();
        g.put("generation", generation);
        g.put("evaluations", state.evaluated);
        g.put("front", file.frontSize());
        g.put("hypervolume", hv);
        listener.generation(generation, state.evaluated, file.frontSize(), hv);
        return g;
    }

    /** The evaluator: a cache of evaluated design points, the budget, and the points file. */
    private static final class State implements Evaluator<IntegerGene, Vec<double[]>> {
        private final DesignSpace space;
        private final PointsFile file;
        private final List<List<String>> previous;
        private final Options options;
        private final java.util.function.BooleanSupplier stop;
        private final PointEngine engine;
        private final Map<List<Long>, Vec<double[]>> cache = new java.util.LinkedHashMap<>();
        long evaluated;
        long phaseBudget;
        int idleGenerations;
        boolean stopped;
        private double refTime = Double.NaN; // the hypervolume's reference, fixed by the first ok points
        private double refCost = Double.NaN;

        State(DesignSpace space, PointsFile file, List<List<String>> previous, Options options,
              java.util.function.BooleanSupplier stop, PointEngine engine) {
            this.engine = engine;
            this.space = space;
            this.file = file;
            this.previous = previous;
            this.options = options;
            this.stop = stop;
        }

        @Override
        public ISeq<Phenotype<IntegerGene, Vec<double[]>>> eval(Seq<Phenotype<IntegerGene, Vec<double[]>>> population) {
            // new distinct points of this generation, in population order, within the budget
            List<List<Long>> fresh = new ArrayList<>();
            Map<List<Long>, Boolean> inBatch = new HashMap<>();
            for (Phenotype<IntegerGene, Vec<double[]>> p : population) {
                if (p.isEvaluated()) continue;
                List<Long> key = key(p.genotype());
                if (cache.containsKey(key) || inBatch.containsKey(key)) continue;
                if (evaluated + fresh.size() >= phaseBudget) continue;
                inBatch.put(key, true);
                fresh.add(key);
            }
            idleGenerations = fresh.isEmpty() ? idleGenerations + 1 : 0;
            evaluate(fresh);
            List<Phenotype<IntegerGene, Vec<double[]>>> out = new ArrayList<>();
            for (Phenotype<IntegerGene, Vec<double[]>> p : population) {
                if (p.isEvaluated()) {
                    out.add(p);
                } else {
                    Vec<double[]> f = cache.get(key(p.genotype()));
                    out.add(p.withFitness(f != null ? f : PENALTY)); // over budget: not simulated
                }
            }
            return ISeq.of(out);
        }

        /**
         * One round of refinement: the grid neighbours (one step in one gene, down then up) of the points of the current
         * front, in cost order, that were not evaluated yet — at most {@code limit}, and as many as the budget allows. The evolution finds
         * the front's region; its exact points are usually a step or two away on the grid. False when nothing is left.
         */
        boolean refine(List<Domain> domains, int limit) {
            List<List<Long>> keys = new ArrayList<>();
            List<ParetoFront.Point> ok = new ArrayList<>();
            for (Map.Entry<List<Long>, Vec<double[]>> e : cache.entrySet()) {
                Vec<double[]> f = e.getValue();
                if (f == PENALTY) continue;
                ok.add(new ParetoFront.Point(keys.size(), -f.data()[0], -f.data()[1]));
                keys.add(e.getKey());
            }
            // round robin along the front: the first neighbour of each front point, then the second, … so the whole
            // front is refined, not only its cheap end
            List<ParetoFront.Point> front = ParetoFront.of(ok);
            List<List<Long>> fresh = new ArrayList<>();
            java.util.Set<List<Long>> seen = new java.util.HashSet<>();
            int genes = domains.size();
            for (int j = 0; j < 2 * genes && fresh.size() < limit; j++) {
                int k = j / 2;
                long size = domains.get(k).size();
                long step = size > 64 ? Math.max(1, size / 64) : 1;
                long delta = j % 2 == 0 ? -step : step;
                for (ParetoFront.Point p : front) {
                    if (fresh.size() >= limit || evaluated + fresh.size() >= phaseBudget) break;
                    List<Long> key = keys.get((int) p.id());
                    long v = key.get(k) + delta;
                    if (v < 0 || v >= size) continue;
                    List<Long> n = new ArrayList<>(key);
                    n.set(k, v);
                    if (cache.containsKey(n) || !seen.add(n)) continue;
                    fresh.add(n);
                }
            }
            if (fresh.isEmpty()) return false;
            evaluate(fresh);
            return true;
        }

        /** Simulates these new points (ids in order) and caches their fitness. */
        private void evaluate(List<List<Long>> fresh) {
            long first = evaluated;
            // a resumed search: the points already in points.csv (a leading run of the batch) are replayed here, checked
            // against the journal; the engine evaluates only the rest
            int journaled = (int) Math.max(0, Math.min(fresh.size(), previous.size() - first));
            for (int i = 0; i < journaled; i++) {
                long id = first + i;
                List<String> cells = previous.get((int) id);
                String wrong = space.journalMismatch(fresh.get(i).stream().mapToLong(Long::longValue).toArray(), cells);
                if (wrong != null)
                    throw new InputException("points.csv row " + id + " is not the point this search evaluates there: it has "
                            + wrong + "; the folder holds another run; use another --out, or --force to start over");
                cache.put(fresh.get(i), fitness(cells));
                file.countReplayed(cells);
            }
            List<long[]> points = new ArrayList<>(fresh.size() - journaled);
            for (int i = journaled; i < fresh.size(); i++) points.add(fresh.get(i).stream().mapToLong(Long::longValue).toArray());
            long from = first + journaled;
            PointEngine.Job job = PointEngine.Job.points(space, from, points);
            long reached = engine.run(job, 0, points.size(), (j, row) -> {
                List<Long> key = fresh.get(journaled + (int) j);
                try {
                    file.append(row);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                cache.put(key, fitness(row.cells())); // from the written cells, exactly as a resumed run reads them
            }, stop, file::flushUnchecked);
            long end = from + reached;
            if (end < first + fresh.size()) stopped = true; // the rest of this batch stays unevaluated
            evaluated += end - first;
        }

        private static Vec<double[]> fitness(List<String> cells) {
            if (!PointRow.OK.equals(PointRow.status(cells))) return PENALTY;
            return Vec.of(-PointRow.endToEndNs(cells), -PointRow.costUsd(cells));
        }

        private static List<Long> key(Genotype<IntegerGene> g) {
            Long[] k = new Long[g.length()];
            for (int i = 0; i < g.length(); i++) k[i] = (long) g.get(i).get(0).intValue();
            return Arrays.asList(k);
        }

        /**
         * Hypervolume of the ok points so far. Its reference point is fixed the first time there are ok points, at 1.1 ×
         * their worst time and cost, so the figure never goes down from one generation to the next.
         */
        double hypervolume() {
            List<ParetoFront.Point> pts = file.front();
            if (pts.isEmpty()) return 0;
            if (Double.isNaN(refTime)) {
                double worstTime = 0;
                double worstCost = 0;
                for (ParetoFront.Point p : pts) {
                    worstTime = Math.max(worstTime, p.time());
                    worstCost = Math.max(worstCost, p.cost());
                }
                refTime = 1.1 * worstTime;
                refCost = 1.1 * worstCost;
            }
            return ParetoFront.hypervolume(pts, refTime, refCost);
        }
    }
}
