package org.astradse.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.astradse.report.ParetoFront;
import org.astradse.sweep.SweepRunner;
import org.astradse.sweep.SweepSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneticSearchTest {
    static final Path SMALL = Path.of("src/test/resources/sweeps/small.yaml");

    static GeneticSearch.Outcome search(Path spec, Path out, long budget, long seed, int threads, boolean resume) {
        return GeneticSearch.run(SweepSpec.parse(spec), out, new GeneticSearch.Options(budget, 12, 1000, seed, threads, resume,
                !resume), "test", (g, e, f, h) -> { });
    }

    @Test
    void sameSeedSameFilesWhateverTheThreadCount(@TempDir Path dir) throws Exception {
        GeneticSearch.Outcome one = search(SMALL, dir.resolve("one"), 60, 7, 1, false);
        search(SMALL, dir.resolve("two"), 60, 7, 2, false);
        assertEquals(60, one.evaluated(), "the budget counts evaluated points");
        for (String f : List.of("points.csv", "pareto.csv"))
            assertArrayEquals(Files.readAllBytes(dir.resolve("one").resolve(f)), Files.readAllBytes(dir.resolve("two").resolve(f)), f);
        // every evaluated point is distinct (never simulated twice)
        List<String> rows = Files.readAllLines(dir.resolve("one").resolve("points.csv"));
        List<String> params = new ArrayList<>();
        for (String r : rows.subList(1, rows.size())) params.add(r.substring(r.indexOf(',', r.indexOf(',') + 1)));
        assertEquals(params.size(), params.stream().distinct().count());
    }

    @Test
    void resumeReplaysToTheSameFiles(@TempDir Path dir) throws Exception {
        search(SMALL, dir.resolve("full"), 60, 3, 2, false);
        Path cut = dir.resolve("cut");
        search(SMALL, cut, 60, 3, 2, false);
        List<String> lines = Files.readAllLines(cut.resolve("points.csv"));
        Files.write(cut.resolve("points.csv"), lines.subList(0, 26)); // header + 25 rows survive the crash
        Files.delete(cut.resolve("pareto.csv"));
        search(SMALL, cut, 60, 3, 2, true);
        for (String f : List.of("points.csv", "pareto.csv"))
            assertArrayEquals(Files.readAllBytes(dir.resolve("full").resolve(f)), Files.readAllBytes(cut.resolve(f)), f);
    }

    @Test
    void resumeRefusesAnotherSeed(@TempDir Path dir) throws Exception {
        search(SMALL, dir, 30, 3, 2, false);
        List<String> lines = Files.readAllLines(dir.resolve("points.csv"));
        Files.write(dir.resolve("points.csv"), lines.subList(0, 11));
        // the rows were found with seed 3: replaying seed 4 would give them to other genotypes
        org.junit.jupiter.api.Assertions.assertThrows(org.astradse.InputException.class,
                () -> search(SMALL, dir, 30, 4, 2, true));
        org.junit.jupiter.api.Assertions.assertThrows(org.astradse.InputException.class,
                () -> search(SMALL, dir, 40, 3, 2, true)); // another budget is another run too
        assertEquals(30, search(SMALL, dir, 30, 3, 2, true).evaluated());
    }

    /**
     * Acceptance: on sweeps/bandwidth-search.yaml (24,000 grid points) a budget of 5 % (1,200 evaluations) reaches at
     * least 95 % of the exhaustive front's hypervolume (reference: 1.1 × the grid's worst ok time and cost), seeds 1–3.
     */
    @Test
    void fivePercentBudgetReachesNinetyFivePercentOfTheHypervolume(@TempDir Path dir) throws Exception {
        Path spec = Path.of("sweeps/bandwidth-search.yaml");
        SweepRunner.run(SweepSpec.parse(spec), dir.resolve("grid"), 2, false, true, "test", SweepRunner.Progress.NONE);
        List<ParetoFront.Point> grid = okPoints(dir.resolve("grid").resolve("points.csv"));
        assertEquals(24_000, grid.size());
        double refTime = 1.1 * grid.stream().mapToDouble(ParetoFront.Point::time).max().orElseThrow();
        double refCost = 1.1 * grid.stream().mapToDouble(ParetoFront.Point::cost).max().orElseThrow();
        double exhaustive = ParetoFront.hypervolume(grid, refTime, refCost);
        for (long seed = 1; seed <= 3; seed++) {
            Path out = dir.resolve("seed" + seed);
            GeneticSearch.run(SweepSpec.parse(spec), out, new GeneticSearch.Options(1200, 50, 10_000, seed, 2, false, true), "test",
                    (g, e, f, h) -> { });
            List<ParetoFront.Point> found = okPoints(out.resolve("points.csv"));
            assertEquals(1200, found.size());
            double ratio = ParetoFront.hypervolume(found, refTime, refCost) / exhaustive;
            assertTrue(ratio >= 0.95, "seed " + seed + ": " + ratio);
        }
    }

    static List<ParetoFront.Point> okPoints(Path csv) throws Exception {
        List<ParetoFront.Point> pts = new ArrayList<>();
        try (var in = Files.newBufferedReader(csv)) {
            for (CSVRecord r : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(in)) {
                if (r.get("status").equals("ok"))
                    pts.add(new ParetoFront.Point(Long.parseLong(r.get("point_id")), Double.parseDouble(r.get("end_to_end_ns")),
                            Double.parseDouble(r.get("network_cost_usd"))));
            }
        }
        return pts;
    }
}
