package org.astradse.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.astradse.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Grid sweeps end to end: expansion, constraints, determinism across thread counts, resume after a crash. */
class SweepTest {
    static final Path SMALL = Path.of("src/test/resources/sweeps/small.yaml");

    static SweepRunner.Outcome run(Path out, int threads, boolean resume) {
        return SweepRunner.run(SweepSpec.parse(SMALL), out, threads, resume, false, "test", SweepRunner.Progress.NONE);
    }

    @Test
    void gridExpansionCountsZippedGroupsAndConstraints() throws Exception {
        SweepSpec spec = SweepSpec.parse(SMALL);
        SweepSpace space = new SweepSpace(spec);
        // 2 workloads × 3 zipped shapes × 4 bandwidths (50..200 step 50) × 2 × 3 algorithms = 144
        assertEquals(144, space.size());
        assertEquals(List.of("point_id", "status", "error", "workload", "network.topology", "network.npus_count",
                "network.bandwidth[0]", "network.bandwidth[1]", "system.all-reduce-implementation", "network.latency[1]", "npus",
                "end_to_end_ns", "compute_ns", "exposed_comm_ns", "network_cost_usd"), space.header());
        // constraint bw0 + bw1 <= 200 over bw0 ∈ {50, 100, 150, 200}, bw1 ∈ {25, 50}: only bw0 = 200 fails
        // (225, 250), so 6 of the 8 pairs pass; npus == 16 holds for every shape → 144 · 6/8 = 108 feasible
        long feasible = 0;
        for (long i = 0; i < space.size(); i++) {
            var row = space.evaluate(i);
            if (!row.status().equals("infeasible")) feasible++;
            else assertTrue(row.error().contains("constraint"), row.error());
        }
        assertEquals(108, feasible);
    }

    @Test
    void derivedValuesAreWrittenAndShown() {
        SweepSpace space = new SweepSpace(SweepSpec.parse(SMALL));
        // point 0: shape [Ring, Switch] → latency[1] derived as 700; the [Ring, Ring] shape (ids 24..47) gives 350
        var a = space.evaluate(0);
        var b = space.evaluate(24);
        assertEquals("ok", a.status(), a.error());
        assertEquals("700", a.parameters().get(6));
        assertEquals("Ring_Ring", b.parameters().get(1));
        assertEquals("350", b.parameters().get(6));
        // cost, hand-derived: 16 NPUs; dim 0 Ring 4 @ 50 GB/s InterNode ($4): 16·50·4 = 3,200;
        // dim 1 Switch 4 @ 25 GB/s InterPod (7.8 + 18 + 31.6 = 57.4): 16·25·57.4 = 22,960 → 26,160
        assertEquals(26_160.0, a.costUsd(), 1e-6);
    }

    @Test
    void sameFilesWhateverTheThreadCount(@TempDir Path dir) throws Exception {
        run(dir.resolve("one"), 1, false);
        run(dir.resolve("two"), 2, false);
        run(dir.resolve("four"), 4, false);
        for (String f : List.of("points.csv", "pareto.csv")) {
            byte[] one = Files.readAllBytes(dir.resolve("one").resolve(f));
            assertArrayEquals(one, Files.readAllBytes(dir.resolve("two").resolve(f)), f);
            assertArrayEquals(one, Files.readAllBytes(dir.resolve("four").resolve(f)), f);
        }
        assertEquals(145, Files.readAllLines(dir.resolve("one").resolve("points.csv")).size());
    }

    @Test
    void resumeAfterACrashGivesTheSameFiles(@TempDir Path dir) throws Exception {
        Path full = dir.resolve("full");
        run(full, 2, false);
        Path crashed = dir.resolve("crashed");
        run(crashed, 2, false);
        // simulate a kill -9 in the middle of writing row 60: keep 60 rows and half of the next line
        Path points = crashed.resolve("points.csv");
        List<String> lines = Files.readAllLines(points);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i <= 60; i++) sb.append(lines.get(i)).append('\n');
        sb.append(lines.get(61), 0, lines.get(61).length() / 2);
        Files.writeString(points, sb.toString());
        Files.delete(crashed.resolve("pareto.csv"));
        // a plain re-run refuses to overwrite an unfinished sweep
        var manifest = crashed.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"complete\"", "\"running\""));
        assertThrows(InputException.class, () -> run(crashed, 2, false));
        SweepRunner.Outcome o = run(crashed, 2, true);
        assertEquals(144 - 60, o.evaluated());
        for (String f : List.of("points.csv", "pareto.csv"))
            assertArrayEquals(Files.readAllBytes(full.resolve(f)), Files.readAllBytes(crashed.resolve(f)), f);
    }

    @Test
    void paretoRowsAreOneFrontPerWorkloadOrderedByCost(@TempDir Path dir) throws Exception {
        run(dir, 2, false);
        List<String> pareto = Files.readAllLines(dir.resolve("pareto.csv"));
        assertTrue(pareto.size() > 2);
        // small.yaml has two workloads: pareto.csv is the gen_data2_ar front, then the gen_data2_nocomm one
        List<String> order = new java.util.ArrayList<>();
        java.util.Map<String, double[]> last = new java.util.HashMap<>();
        for (String line : pareto.subList(1, pareto.size())) {
            String[] c = line.split(",");
            String workload = c[3];
            if (!order.contains(workload)) order.add(workload);
            assertEquals(workload, order.get(order.size() - 1), "a group's rows are together");
            double cost = Double.parseDouble(c[c.length - 1]);
            double time = Double.parseDouble(c[c.length - 4]);
            double[] prev = last.getOrDefault(workload, new double[] {-1, Double.MAX_VALUE});
            // along a front cost goes up and time strictly down; points equal in both are all kept
            assertTrue(cost > prev[0] && time < prev[1] || cost == prev[0] && time == prev[1], line);
            last.put(workload, new double[] {cost, time});
        }
        assertEquals(List.of("gen_data2_ar.txt", "gen_data2_nocomm.txt"), order);
    }

    @Test
    void badSpecsAreExplained(@TempDir Path dir) throws Exception {
        String spec = Files.readString(SMALL).replace("../../../../", Path.of("").toAbsolutePath() + "/");
        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, spec.replace("network.bandwidth[1]: [25, 50]", "network.bandwith[1]: [25, 50]"));
        InputException e = assertThrows(InputException.class, () -> new SweepSpace(SweepSpec.parse(typo)));
        assertTrue(e.getMessage().contains("bandwith"), e.getMessage());
        Path zip = dir.resolve("zip.yaml");
        Files.writeString(zip, spec.replace("network.npus_count: [[4, 4], [8, 2], [4, 4]]", "network.npus_count: [[4, 4], [8, 2]]"));
        e = assertThrows(InputException.class, () -> SweepSpec.parse(zip));
        assertTrue(e.getMessage().contains("zip-shape"), e.getMessage());
        Path expr = dir.resolve("expr.yaml");
        Files.writeString(expr, spec.replace("npus == 16", "npus === 16"));
        e = assertThrows(InputException.class, () -> new SweepSpace(SweepSpec.parse(expr)));
        assertTrue(e.getMessage().contains("constraints"), e.getMessage());
    }
}
