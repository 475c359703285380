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
    static final Pattern FRONT_MARKER = Pattern.compile("<path d=\"M([0-9.]+),([0-9.]+) L[^\"]*Z\" style=\"fill:rgb\\(200,30,30\\);");

    @Test
    void svgHoldsTheFrontInCostOrder(@TempDir Path dir) throws Exception {
        SweepRunner.run(SweepSpec.parse(SMALL), dir, 2, false, true, "test", SweepRunner.Progress.NONE);
        List<String> pareto = Files.readAllLines(dir.resolve("pareto.csv"));
        int front = pareto.size() - 1;
        String svg = Files.readString(dir.resolve("pareto.svg"));
        Matcher m = FRONT_MARKER.matcher(svg);
        List<double[]> markers = new ArrayList<>();
        while (m.find()) markers.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
        assertEquals(front + 1, markers.size(), "one diamond per front point, plus the legend's");
        // in pareto.csv order: cost (x) never decreases and time never increases (y, downwards, never decreases)
        for (int i = 1; i < front; i++) {
            assertTrue(markers.get(i)[0] >= markers.get(i - 1)[0] - 1e-6, "x in cost order at " + i);
            assertTrue(markers.get(i)[1] >= markers.get(i - 1)[1] - 1e-6, "y in time order at " + i);
        }
        assertTrue(svg.contains("<svg"), "an SVG document");
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
