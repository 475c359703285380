package org.astradse.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * pareto.svg beside the CSVs (XChart, vector export): every ok point in light grey, the Pareto front highlighted
 * and connected in cost order; network cost in $ on x, training time in ms (or s) on y; a log axis where values
 * span two decades or more; title and subtitle from the spec. Very large sweeps show an evenly spaced sample of
 * the ok points (said in the legend); the front is always complete.
 */
public final class ParetoPlot {
    /** Most background points drawn (keeps the SVG small enough to open). */
    static final int MAX_POINTS = 20_000;

    private ParetoPlot() {
    }

    public static void write(Path dir, String title, String subtitle) throws IOException {
        List<double[]> ok = read(dir.resolve("points.csv"));
        List<double[]> front = read(dir.resolve("pareto.csv"));
        double maxTimeNs = 0;
        for (double[] p : ok) maxTimeNs = Math.max(maxTimeNs, p[0]);
        boolean seconds = maxTimeNs >= 10e9;
        double scale = seconds ? 1e9 : 1e6;
        String timeUnit = seconds ? "s" : "ms";

        XYChart chart = new XYChartBuilder().width(900).height(600).title(title)
                .xAxisTitle("network cost ($)").yAxisTitle("training time (" + timeUnit + ")").build();
        Styler s = chart.getStyler();
        chart.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
        chart.getStyler().setXAxisDecimalPattern("$#,##0");
        chart.getStyler().setYAxisDecimalPattern(seconds ? "#,##0.###" : "#,##0.###");
        chart.getStyler().setMarkerSize(5);
        chart.getStyler().setAntiAlias(true);
        s.setChartTitleFont(s.getChartTitleFont().deriveFont(16f));

        int step = Math.max(1, (ok.size() + MAX_POINTS - 1) / MAX_POINTS);
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int i = 0; i < ok.size(); i += step) {
            x.add(ok.get(i)[1]);
            y.add(ok.get(i)[0] / scale);
        }
        List<Double> fx = new ArrayList<>();
        List<Double> fy = new ArrayList<>();
        for (double[] p : front) {
            fx.add(p[1]);
            fy.add(p[0] / scale);
        }
        if (x.isEmpty()) { // nothing ok: an empty but labelled chart
            x.add(0.0);
            y.add(0.0);
        }
        chart.getStyler().setXAxisLogarithmic(spansDecades(x));
        chart.getStyler().setYAxisLogarithmic(spansDecades(y));
        String label = step == 1 ? String.format("design points (%,d ok)", ok.size())
                : String.format("design points (every %d%s of %,d ok)", step, ordinal(step), ok.size());
        XYSeries all = chart.addSeries(label, x, y);
        all.setMarker(SeriesMarkers.CIRCLE);
        all.setMarkerColor(new Color(150, 150, 150, 110));
        if (!fx.isEmpty()) {
            XYSeries f = chart.addSeries(String.format("Pareto front (%d)", fx.size()), fx, fy);
            f.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            f.setMarker(SeriesMarkers.DIAMOND);
            f.setMarkerColor(new Color(200, 30, 30));
            f.setLineColor(new Color(200, 30, 30));
            f.setLineStyle(new BasicStroke(2f));
        }
        String full = subtitle == null || subtitle.isBlank() ? title : title + " — " + subtitle;
        chart.setTitle((full.length() <= 70 ? full : title) + ": training time vs network cost");
        Path out = dir.resolve("pareto");
        VectorGraphicsEncoder.saveVectorGraphic(chart, out.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    }

    private static String ordinal(int n) {
        int m100 = n % 100;
        if (m100 >= 11 && m100 <= 13) return "th";
        return switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
    }

    /** Whether the positive values span two decades or more (then a log axis reads better). */
    static boolean spansDecades(List<Double> v) {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (double d : v) {
            if (d > 0) {
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
        }
        return max > 0 && min > 0 && max / min >= 100;
    }

    /** (time ns, cost $) of the ok rows of a points or pareto CSV. */
    static List<double[]> read(Path csv) throws IOException {
        List<double[]> out = new ArrayList<>();
        if (!Files.exists(csv)) return out;
        try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            for (CSVRecord r : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(in)) {
                if (!PointRow.OK.equals(r.get("status"))) continue;
                out.add(new double[] {Double.parseDouble(r.get("end_to_end_ns")), Double.parseDouble(r.get("network_cost_usd"))});
            }
        }
        return out;
    }
}
