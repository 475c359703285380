package org.astradse.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.astradse.sweep.SweepRunner;
import org.astradse.sweep.SweepSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pareto.svg draws the front's points in cost order; the exported notebook is valid nbformat 4. */
class ParetoPlotAndNotebookTest {
    static final Path SMALL = Path.of("src/test/resources/sweeps/small.yaml");
    static final Pattern FRONT = Pattern.compile("<path class=\"front\" d=\"([^\"]*)\"");
    static final Pattern POINT = Pattern.compile("[ML]([0-9.]+) ([0-9.]+)");

    @Test
    void svgHoldsEachFrontInCostOrderWithRealText(@TempDir Path dir) throws Exception {
        // small.yaml has two workloads: one front each (grouped by workload), drawn in the first panel
        SweepRunner.run(SweepSpec.parse(SMALL), dir, 2, false, true, "test", SweepRunner.Progress.NONE);
        List<String> pareto = Files.readAllLines(dir.resolve("pareto.csv"));
        String svg = Files.readString(dir.resolve("pareto.svg"));
        Matcher m = FRONT.matcher(svg);
        List<List<double[]>> fronts = new ArrayList<>();
        while (m.find()) {
            List<double[]> pts = new ArrayList<>();
            Matcher p = POINT.matcher(m.group(1));
            while (p.find()) pts.add(new double[] {Double.parseDouble(p.group(1)), Double.parseDouble(p.group(2))});
            fronts.add(pts);
        }
        int panels = svg.contains("zoom on the front") ? 2 : 1;
        assertEquals(2 * panels, fronts.size(), "one line per workload's front and panel");
        assertEquals(pareto.size() - 1, fronts.get(0).size() + fronts.get(1).size(), "every pareto.csv row is drawn");
        for (List<double[]> f : fronts) {
            // cost (x) never decreases and time never increases (y, downwards, never decreases)
            for (int i = 1; i < f.size(); i++) {
                assertTrue(f.get(i)[0] >= f.get(i - 1)[0] - 1e-6, "x in cost order at " + i);
                assertTrue(f.get(i)[1] >= f.get(i - 1)[1] - 1e-6, "y in time order at " + i);
            }
        }
        assertTrue(svg.contains("<text") && svg.contains("network cost ($)"), "labels are text, not outlines");
        assertTrue(svg.contains("colour: workload"), "dots coloured by the group");
    }

    @Test
    void largeSweepsAreSampledAndStaySmall(@TempDir Path dir) throws Exception {
        // 50,000 synthetic ok rows on a lattice: a reservoir of 20,000 is drawn, the file stays a few hundred KB
        StringBuilder sb = new StringBuilder("point_id,status,error,npus,end_to_end_ns,compute_ns,exposed_comm_ns,network_cost_usd\n");
        for (int i = 0; i < 50_000; i++) sb.append(i).append(",ok,,64,").append(1_000_000 + (i % 250) * 1000).append(",0,0,")
                .append(1000 + (i / 250) * 10).append(".00\n");
        Files.writeString(dir.resolve("points.csv"), sb);
        Files.writeString(dir.resolve("pareto.csv"), "point_id,status,error,npus,end_to_end_ns,compute_ns,exposed_comm_ns,"
                + "network_cost_usd\n0,ok,,64,1000000,0,0,1000.00\n");
        ParetoPlot.write(dir, "synthetic", "");
        String svg = Files.readString(dir.resolve("pareto.svg"));
        assertTrue(svg.contains("20,000 of 50,000 ok points") && svg.contains("(a random sample"), svg.substring(0, 2000));
        // a dot is "Mxxx.x yyy.yh0" (≤ 15 bytes): 20,000 dots ≤ 300 KB, plus axes, legend and the front
        assertTrue(svg.length() < 400_000, "size " + svg.length());
    }

    @Test
    void thePlotGatheredWhileWritingIsThePlotOfTheFile(@TempDir Path dir) throws Exception {
        // a run gathers the plot's sample as it writes its rows; streaming its points.csv again must draw the same bytes
        // (the same reservoir, categories and ranges), grouped (small.yaml: by workload) and coloured by a column
        SweepSpec spec = SweepSpec.parse(SMALL);
        SweepRunner.run(spec, dir, 2, false, true, "test", SweepRunner.Progress.NONE);
        byte[] gathered = Files.readAllBytes(dir.resolve("pareto.svg"));
        ParetoPlot.write(dir, new ParetoPlot.Options(spec.name(), spec.description(), spec.groupBy(), spec.colourBy()));
        org.junit.jupiter.api.Assertions.assertArrayEquals(gathered, Files.readAllBytes(dir.resolve("pareto.svg")));
        // past the reservoir's 20,000: 50,000 rows offered one by one give the streamed file's picture
        List<String> header = List.of("point_id", "status", "error", "network.topology", "npus", "end_to_end_ns", "compute_ns",
                "exposed_comm_ns", "network_cost_usd");
        PointsFile f = PointsFile.create(dir, header, List.of());
        for (int i = 0; i < 50_000; i++)
            f.appendCells(List.of("" + i, "ok", "", i % 3 == 0 ? "Ring" : "Switch", "64", "" + (1_000_000 + (i % 250) * 1000), "0", "0",
                    (1000 + (i / 250) * 10) + ".00"));
        f.writePareto();
        f.close();
        ParetoPlot.Options o = new ParetoPlot.Options("synthetic", "", List.of(), "network.topology");
        ParetoPlot.write(dir, o, f.plotSample());
        byte[] fromRows = Files.readAllBytes(dir.resolve("pareto.svg"));
        ParetoPlot.write(dir, o);
        org.junit.jupiter.api.Assertions.assertArrayEquals(fromRows, Files.readAllBytes(dir.resolve("pareto.svg")));
        assertTrue(new String(fromRows).contains("20,000 of 50,000 ok points"));
    }

    @Test
    void notebookIsValidNbformat4WithRelativeData(@TempDir Path dir) throws Exception {
        Path results = dir.resolve("results");
        SweepRunner.run(SweepSpec.parse(SMALL), results, 2, false, true, "test", SweepRunner.Progress.NONE);
        Path nb = NotebookExport.export(results, dir.resolve("export"));
        assertEquals(dir.resolve("export").resolve("small").resolve("small.ipynb"), nb);
        for (String f : List.of("points.csv", "pareto.csv", "manifest.json")) assertTrue(Files.exists(nb.resolveSibling(f)), f);
        JsonNode o = new ObjectMapper().readTree(nb.toFile());
        assertEquals(4, o.get("nbformat").asInt());
        assertTrue(o.has("nbformat_minor") && o.get("nbformat_minor").isInt(), "nbformat_minor is required");
        assertEquals("python3", o.at("/metadata/kernelspec/name").asText());
        int code = 0;
        for (JsonNode c : o.get("cells")) {
            String type = c.get("cell_type").asText();
            assertTrue(type.equals("markdown") || type.equals("code"), type);
            assertTrue(c.get("source").isArray() && c.has("metadata"));
            if (type.equals("code")) {
                code++;
                assertTrue(c.get("outputs").isArray() && c.has("execution_count"));
                assertTrue(!c.get("source").toString().contains(dir.toString()), "no absolute paths in code cells");
            }
        }
        assertTrue(code >= 3);
        assertTrue(o.get("cells").toString().contains("pd.read_csv(\\\"points.csv\\\")"), "relative CSV paths");
    }
}
