package org.astradse.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;

/**
 * What pareto.svg draws of points.csv, gathered row by row in file order — as a run writes its rows (so the plot does
 * not read a million-row file back when the run ends) or as {@link ParetoPlot} streams an existing file: the ok rows'
 * time and cost ranges, a reservoir sample of them (Algorithm R, seed 1: unbiased, free of grid aliasing, the same on
 * every run and after a resume, whose rows are counted in the same order), and each column's first distinct values
 * (the categories a colour-by column or the group key can take, in order of appearance).
 */
public final class PlotSample {
    /** Most dots drawn. */
    static final int MAX_POINTS = 20_000;
    /** Most categories given a colour of their own; the rest are "other". */
    static final int MAX_CATEGORIES = 12;

    final List<String> header;
    final List<String> groupBy;
    private final int[] groupColumns;
    final List<List<String>> rows = new ArrayList<>();
    private final Random rnd = new Random(1);
    long ok;
    double tMin = Double.MAX_VALUE;
    double tMax = 0;
    double cMin = Double.MAX_VALUE;
    double cMax = 0;
    private final List<LinkedHashSet<String>> firstValues = new ArrayList<>();
    final LinkedHashSet<String> firstGroups = new LinkedHashSet<>();

    public PlotSample(List<String> header, List<String> groupBy) {
        this.header = List.copyOf(header);
        this.groupBy = List.copyOf(groupBy);
        this.groupColumns = groupBy.stream().mapToInt(header::indexOf).toArray();
        for (int i = 0; i < header.size(); i++) firstValues.add(new LinkedHashSet<>());
    }

    /** A row of points.csv (its cells, in header order); rows that are not ok are not drawn. */
    public void offer(List<String> cells) {
        if (PointRow.OK.equals(PointRow.status(cells))) offerOk(cells, PointRow.endToEndNs(cells), PointRow.costUsd(cells));
    }

    /** An ok row whose time (ns) and cost ($) its writer has read already (PointRow's cells, read from the row's end). */
    public void offerOk(List<String> cells, double t, double c) {
        ok++;
        tMin = Math.min(tMin, t);
        tMax = Math.max(tMax, t);
        cMin = Math.min(cMin, c);
        cMax = Math.max(cMax, c);
        for (int i = 0; i < cells.size() && i < firstValues.size(); i++) {
            LinkedHashSet<String> f = firstValues.get(i);
            if (f.size() < MAX_CATEGORIES) f.add(cells.get(i));
        }
        if (groupColumns.length > 0 && firstGroups.size() < MAX_CATEGORIES) firstGroups.add(groupKey(cells));
        if (rows.size() < MAX_POINTS) {
            rows.add(cells);
        } else {
            long j = (long) (rnd.nextDouble() * ok);
            if (j < MAX_POINTS) rows.set((int) j, cells);
        }
    }

    /** The group-by columns' values of a row, joined ("" for a column the file does not have). */
    String groupKey(List<String> cells) {
        StringBuilder sb = new StringBuilder();
        for (int c : groupColumns) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(c >= 0 ? cells.get(c) : "");
        }
        return sb.toString();
    }

    /** The first distinct values of a column (at most {@link #MAX_CATEGORIES}), or one empty value for no column. */
    LinkedHashSet<String> firstValues(String column) {
        int i = column == null ? -1 : header.indexOf(column);
        if (i < 0) {
            LinkedHashSet<String> none = new LinkedHashSet<>();
            if (ok > 0) none.add("");
            return none;
        }
        return firstValues.get(i);
    }

    int column(String name) {
        return name == null ? -1 : header.indexOf(name);
    }
}
