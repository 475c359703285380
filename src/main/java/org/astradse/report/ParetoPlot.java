package org.astradse.report;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * pareto.svg beside the CSVs: network cost in $ on x, training time in ms (or s) on y, every ok point as a dot
 * coloured by one categorical parameter (or by group when the spec groups fronts), each front connected in cost
 * order in its group's colour; log axes where values span two decades or more; the legend right of the data; a
 * second panel zoomed on the fronts when they occupy a small part of the time range.
 *
 * <p>SVG written directly, with text as {@code <text>} (selectable, small: a few hundred KB at most; charting
 * libraries draw glyph outlines). points.csv is streamed: the dots are a reservoir sample (Algorithm R, fixed seed:
 * unbiased and free of grid aliasing, the same picture on every run), said in the legend when the sweep is larger.
 */
public final class ParetoPlot {
    private static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf",
            "#bcbd22", "#7f7f7f", "#d62728", "#aec7e8", "#98df8a"};
    private static final int W = 980;
    private static final int PLOT_LEFT = 90;
    private static final int PLOT_RIGHT = 720; // the legend lives right of it
    static {
        assert PALETTE.length >= PlotSample.MAX_CATEGORIES : "a colour per category";
    }

    private ParetoPlot() {
    }

    /** What to draw: the title, and the columns that colour the dots and split the fronts. */
    public record Options(String title, String subtitle, List<String> groupBy, String colourBy) {
    }

    public static void write(Path dir, String title, String subtitle) throws IOException {
        write(dir, new Options(title, subtitle, List.of(), null));
    }

    /** A dot's category beyond the palette (no CSV cell holds a NUL, so no swept value is taken for it). */
    private static final String OTHER = "\u0000other";

    private record Dot(double time, double cost, String category) {
    }

    /** Draws {@code dir}'s pareto.svg, streaming its points.csv (a folder written before, or by another run). */
    public static void write(Path dir, Options o) throws IOException {
        write(dir, o, null);
    }

    /**
     * Draws {@code dir}'s pareto.svg from {@code gathered} — the sample a run gathered as it wrote points.csv — or, when
     * null (or gathered for other groups), from points.csv streamed again: the same picture either way.
     */
    public static void write(Path dir, Options o, PlotSample gathered) throws IOException {
        // ---- read: points.csv's sample (gathered, or streamed now); the fronts from pareto.csv (small) ----
        PlotSample s = gathered != null && gathered.groupBy.equals(o.groupBy()) ? gathered : null;
        Path points = dir.resolve("points.csv");
        if (s == null && Files.exists(points)) {
            try (Reader in = Files.newBufferedReader(points, StandardCharsets.UTF_8)) {
                var parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(in);
                s = new PlotSample(parser.getHeaderNames(), o.groupBy());
                for (CSVRecord r : parser) s.offer(r.toList());
            }
        }
        if (s == null) s = new PlotSample(List.of(), o.groupBy());
        boolean byGroup = !o.groupBy().isEmpty();
        String colourColumn = byGroup || s.column(o.colourBy()) < 0 ? null : o.colourBy();
        Map<String, Integer> categories = new LinkedHashMap<>();
        for (String c : byGroup ? s.firstGroups : s.firstValues(colourColumn)) categories.put(c, categories.size());
        int colour = s.column(colourColumn);
        List<Dot> sample = new ArrayList<>(s.rows.size());
        for (List<String> r : s.rows) {
            String cat = byGroup ? s.groupKey(r) : colour < 0 ? "" : r.get(colour);
            sample.add(new Dot(PointRow.endToEndNs(r), PointRow.costUsd(r), categories.containsKey(cat) ? cat : OTHER));
        }
        long ok = s.ok;
        double tMin = s.tMin;
        double tMax = s.tMax;
        double cMin = s.cMin;
        double cMax = s.cMax;
        Map<String, List<double[]>> fronts = new LinkedHashMap<>();
        Path pareto = dir.resolve("pareto.csv");
        if (Files.exists(pareto)) {
            try (Reader in = Files.newBufferedReader(pareto, StandardCharsets.UTF_8)) {
                var parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(in);
                PlotSample columns = new PlotSample(parser.getHeaderNames(), o.groupBy()); // its group key, one rule
                for (CSVRecord r : parser) {
                    List<String> cells = r.toList();
                    if (!PointRow.OK.equals(PointRow.status(cells))) continue;
                    String g = byGroup ? columns.groupKey(cells) : "";
                    fronts.computeIfAbsent(g, k -> new ArrayList<>()).add(new double[] {PointRow.endToEndNs(cells),
                            PointRow.costUsd(cells)});
                }
            }
        }
        boolean seconds = tMax >= 10e9;
        double unit = seconds ? 1e9 : 1e6;
        String timeUnit = seconds ? "s" : "ms";

        // ---- layout: one panel, or two when the fronts span a small part of the time range ----
        double fMin = Double.MAX_VALUE;
        double fMax = 0;
        double fcMin = Double.MAX_VALUE;
        double fcMax = 0;
        for (List<double[]> f : fronts.values()) {
            for (double[] p : f) {
                fMin = Math.min(fMin, p[0]);
                fMax = Math.max(fMax, p[0]);
                fcMin = Math.min(fcMin, p[1]);
                fcMax = Math.max(fcMax, p[1]);
            }
        }
        boolean zoom = ok > 0 && !fronts.isEmpty() && (fMax - fMin) < 0.2 * (tMax - tMin);
        int panelH = 440;
        int zoomH = 300;
        int top = 70;
        int height = top + panelH + (zoom ? zoomH + 70 : 0) + 60;
        StringBuilder svg = new StringBuilder(1 << 16);
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\">\n", W, height, W, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, height));
        // title: the spec's name, its description on a second line, each cut to fit
        svg.append(text(W / 2.0, 28, 17, "middle", "bold", fit(o.title() + ": training time vs network cost", 95)));
        if (o.subtitle() != null && !o.subtitle().isBlank()) svg.append(text(W / 2.0, 50, 13, "middle", "normal", fit(o.subtitle(), 120)));

        Axis x = Axis.of(ok > 0 ? cMin : 1, ok > 0 ? cMax : 10, PLOT_LEFT, PLOT_RIGHT, false);
        Axis y = Axis.of(ok > 0 ? tMin / unit : 1, ok > 0 ? tMax / unit : 10, top + panelH, top, true);
        panel(svg, x, y, sample, fronts, categories, unit, "network cost ($)", "training time (" + timeUnit + ")");
        if (zoom) {
            int zTop = top + panelH + 70;
            double pad = Math.max((fMax - fMin) * 0.15, fMin * 0.002);
            double cpad = Math.max((fcMax - fcMin) * 0.05, fcMin * 0.01);
            Axis zx = Axis.of(Math.max(fcMin - cpad, cMin * 0.999), fcMax + cpad, PLOT_LEFT, PLOT_RIGHT, false);
            Axis zy = Axis.of((fMin - pad) / unit, (fMax + pad) / unit, zTop + zoomH, zTop, true);
            svg.append(text(PLOT_LEFT, zTop - 12, 13, "start", "bold", "zoom on the front" + (fronts.size() > 1 ? "s" : "")));
            List<Dot> inside = new ArrayList<>();
            for (Dot d : sample) if (zx.contains(d.cost()) && zy.contains(d.time() / unit)) inside.add(d);
            panel(svg, zx, zy, inside, fronts, categories, unit, "network cost ($)", "training time (" + timeUnit + ")");
        }
        // legend, right of the data
        int ly = top + 10;
        String what = ok > sample.size() ? String.format(Locale.ROOT, "%,d of %,d ok points", sample.size(), ok)
                : String.format(Locale.ROOT, "%,d ok design points", ok);
        svg.append(text(PLOT_RIGHT + 20, ly, 12, "start", "bold", "legend"));
        ly += 20;
        svg.append(text(PLOT_RIGHT + 20, ly, 11, "start", "normal", fit(what, 40)));
        ly += 18;
        if (ok > sample.size()) {
            svg.append(text(PLOT_RIGHT + 20, ly, 11, "start", "normal", "(a random sample, seed 1)"));
            ly += 18;
        }
        String label = byGroup ? String.join(", ", o.groupBy()) : colourColumn;
        if (label != null && categories.size() > 1) {
            svg.append(text(PLOT_RIGHT + 20, ly, 11, "start", "normal", fit("colour: " + label, 40)));
            ly += 18;
            for (Map.Entry<String, Integer> c : categories.entrySet()) {
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"%s\"/>", PLOT_RIGHT + 26, ly - 4,
                        PALETTE[c.getValue()]));
                svg.append(text(PLOT_RIGHT + 36, ly, 11, "start", "normal", fit(c.getKey().isEmpty() ? "(empty)" : c.getKey(), 36)));
                ly += 16;
            }
            // values beyond the palette's are grey: say so (76 of 100 dots of a 50-value parameter had no entry)
            if (sample.stream().anyMatch(d -> d.category().equals(OTHER))) {
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"#cccccc\"/>", PLOT_RIGHT + 26, ly - 4));
                svg.append(text(PLOT_RIGHT + 36, ly, 11, "start", "normal", "other values"));
                ly += 16;
            }
            ly += 6;
        } else {
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"#9a9a9a\"/>", PLOT_RIGHT + 26, ly - 4));
            svg.append(text(PLOT_RIGHT + 36, ly, 11, "start", "normal", "design point"));
            ly += 22;
        }
        int frontPoints = 0;
        for (List<double[]> f : fronts.values()) frontPoints += f.size();
        svg.append(String.format(Locale.ROOT, "<path d=\"M%d %dh24\" stroke=\"%s\" stroke-width=\"2\"/>", PLOT_RIGHT + 20, ly - 4,
                fronts.size() > 1 ? "#444444" : "#c81e1e"));
        svg.append(text(PLOT_RIGHT + 50, ly, 11, "start", "normal", "Pareto front" + (fronts.size() > 1 ? "s, one per group ("
                + fronts.size() + ", " : " (") + frontPoints + " points)"));
        svg.append("\n</svg>\n");
        Path tmp = dir.resolve("pareto.svg.tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(svg.toString());
        }
        Files.move(tmp, dir.resolve("pareto.svg"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** One panel: grid, ticks, dots by colour, fronts as lines with diamonds (class "front", in cost order). */
    private static void panel(StringBuilder svg, Axis x, Axis y, List<Dot> dots, Map<String, List<double[]>> fronts,
                              Map<String, Integer> categories, double unit, String xTitle, String yTitle) {
        double x0 = x.screenLow();
        double x1 = x.screenHigh();
        double yb = y.screenLow();
        double yt = y.screenHigh();
        svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#444\"/>\n",
                x0, yt, x1 - x0, yb - yt));
        for (double v : x.ticks()) {
            double sx = x.screen(v);
            svg.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1fV%.1f\" stroke=\"#e4e4e4\"/>", sx, yb, yt));
            svg.append(text(sx, yb + 16, 11, "middle", "normal", money(v)));
        }
        for (double v : y.ticks()) {
            double sy = y.screen(v);
            svg.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1fH%.1f\" stroke=\"#e4e4e4\"/>", x0, sy, x1));
            svg.append(text(x0 - 6, sy + 4, 11, "end", "normal", number(v)));
        }
        svg.append(text((x0 + x1) / 2, yb + 36, 12, "middle", "normal", xTitle + (x.log() ? ", log scale" : "")));
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 %.1f %.1f)\">%s</text>\n", x0 - 62, (yb + yt) / 2, x0 - 62, (yb + yt) / 2,
                esc(yTitle + (y.log() ? ", log scale" : ""))));
        // dots: one path per colour, each dot a zero-length round-capped segment (about 14 bytes a dot)
        Map<String, StringBuilder> byColour = new LinkedHashMap<>();
        for (Dot d : dots) {
            Integer c = categories.get(d.category());
            String colour = categories.size() <= 1 ? "#9a9a9a" : c == null ? "#cccccc" : PALETTE[c];
            byColour.computeIfAbsent(colour, k -> new StringBuilder()).append(String.format(Locale.ROOT, "M%.1f %.1fh0",
                    x.screen(d.cost()), y.screen(d.time() / unit)));
        }
        for (Map.Entry<String, StringBuilder> e : byColour.entrySet()) {
            svg.append("<path class=\"dots\" d=\"").append(e.getValue()).append("\" stroke=\"").append(e.getKey())
                    .append("\" stroke-opacity=\"0.55\" stroke-width=\"4.5\" stroke-linecap=\"round\" fill=\"none\"/>\n");
        }
        // fronts: in their group's colour when grouped, red otherwise
        for (Map.Entry<String, List<double[]>> f : fronts.entrySet()) {
            Integer c = categories.get(f.getKey());
            String colour = fronts.size() > 1 && c != null ? PALETTE[c] : "#c81e1e";
            StringBuilder line = new StringBuilder();
            StringBuilder marks = new StringBuilder();
            for (double[] p : f.getValue()) {
                double sx = x.screen(p[1]);
                double sy = y.screen(p[0] / unit);
                line.append(line.length() == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f %.1f", sx, sy));
                marks.append(String.format(Locale.ROOT, "M%.1f %.1fl4 4-4 4-4-4z", sx, sy - 4));
            }
            svg.append("<path class=\"front\" d=\"").append(line).append("\" stroke=\"").append(colour)
                    .append("\" stroke-width=\"2\" fill=\"none\"/>\n");
            svg.append("<path class=\"front-points\" d=\"").append(marks).append("\" fill=\"").append(colour).append("\"/>\n");
        }
    }

    /** An axis from data [lo, hi] to screen [s0, s1]; logarithmic when the data span two decades or more. */
    record Axis(double lo, double hi, double s0, double s1, boolean log) {
        static Axis of(double lo, double hi, double s0, double s1, boolean timeAxis) {
            if (!(hi > lo)) {
                double m = lo == 0 ? 1 : Math.abs(lo) * 0.05;
                lo -= m;
                hi += m;
            }
            boolean log = lo > 0 && hi / lo >= 100;
            if (log) return new Axis(lo / 1.15, hi * 1.15, s0, s1, true);
            double pad = (hi - lo) * 0.05;
            double l = lo - pad;
            if (lo >= 0 && l < 0) l = 0;
            return new Axis(l, hi + pad, s0, s1, false);
        }

        double screenLow() {
            return s0;
        }

        double screenHigh() {
            return s1;
        }

        boolean contains(double v) {
            return v >= lo && v <= hi;
        }

        double screen(double v) {
            double f = log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
            return s0 + f * (s1 - s0);
        }

        /** Round values: 1-2-5 steps, or decades (with 2 and 5 when few decades) on a log axis. */
        List<Double> ticks() {
            List<Double> t = new ArrayList<>();
            if (log) {
                int d0 = (int) Math.floor(Math.log10(lo));
                int d1 = (int) Math.ceil(Math.log10(hi));
                double[] steps = d1 - d0 <= 3 ? new double[] {1, 2, 5} : new double[] {1};
                for (int d = d0; d <= d1; d++) for (double s : steps) {
                    double v = s * Math.pow(10, d);
                    if (v >= lo && v <= hi) t.add(v);
                }
                return t;
            }
            double raw = (hi - lo) / 6;
            double mag = Math.pow(10, Math.floor(Math.log10(raw)));
            double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
            for (double v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) t.add(Math.abs(v) < step * 1e-9 ? 0 : v);
            return t;
        }
    }

    /** $ with thousands separators; k / M for large amounts so labels stay short. */
    static String money(double v) {
        double a = Math.abs(v);
        if (a >= 1e7) return String.format(Locale.ROOT, "$%,.1fM", v / 1e6).replace(".0M", "M");
        if (a >= 1e5) return String.format(Locale.ROOT, "$%,.0fk", v / 1e3);
        return String.format(Locale.ROOT, "$%,.0f", v);
    }

    static String number(double v) {
        double a = Math.abs(v);
        if (a >= 100 || v == Math.rint(v)) return String.format(Locale.ROOT, "%,.0f", v);
        if (a >= 1) return trim(String.format(Locale.ROOT, "%.2f", v));
        return trim(String.format(Locale.ROOT, "%.4f", v));
    }

    private static String trim(String s) {
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    private static String fit(String s, int chars) {
        return s.length() <= chars ? s : s.substring(0, chars - 1) + "…";
    }

    private static String text(double x, double y, int size, String anchor, String weight, String s) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\"%s>%s</text>\n", x, y,
                size, anchor, weight.equals("bold") ? " font-weight=\"bold\"" : "", esc(s));
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
