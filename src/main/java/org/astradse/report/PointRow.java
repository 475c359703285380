package org.astradse.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One design point's row of points.csv / pareto.csv. Metrics are meaningful only for status {@code ok}.
 *
 * @param id          point id (its index in the sweep space)
 * @param status      ok, infeasible (impossible or violating a constraint) or failed (an internal error)
 * @param error       why it is not ok, one line
 * @param parameters  the swept and derived parameter values, formatted
 * @param npus        NPUs of the design point
 * @param endToEndNs  training time of the simulated passes, ns
 * @param computeNs   compute time, ns
 * @param exposedNs   exposed communication, ns
 * @param costUsd     network cost, $
 * @param metrics     further metric cells of the study's kind (a training study: throughput, MFU, memory, the time
 *                    breakdown), between the parameters and {@code npus}; empty cells when not ok
 */
public record PointRow(long id, String status, String error, List<String> parameters, long npus, long endToEndNs,
                       long computeNs, long exposedNs, double costUsd, List<String> metrics) implements java.io.Serializable {
    public PointRow(long id, String status, String error, List<String> parameters, long npus, long endToEndNs,
                    long computeNs, long exposedNs, double costUsd) {
        this(id, status, error, parameters, npus, endToEndNs, computeNs, exposedNs, costUsd, List.of());
    }

    public static final String OK = "ok";
    public static final String INFEASIBLE = "infeasible";
    public static final String FAILED = "failed";

    public static List<String> header(List<String> parameterColumns) {
        return header(parameterColumns, List.of());
    }

    /** The header with a study kind's further metric columns (before {@code npus}). */
    public static List<String> header(List<String> parameterColumns, List<String> metricColumns) {
        List<String> h = new ArrayList<>(List.of("point_id", "status", "error"));
        h.addAll(parameterColumns);
        h.addAll(metricColumns);
        h.addAll(List.of("npus", "end_to_end_ns", "compute_ns", "exposed_comm_ns", "network_cost_usd"));
        return h;
    }

    /** Where a row's parameter cells begin (after point_id, status and error). */
    public static final int FIRST_PARAMETER = 3;

    /** The {@code n} parameter cells of a row given as CSV cells. */
    public static List<String> parameters(List<String> cells, int n) {
        return cells.subList(FIRST_PARAMETER, FIRST_PARAMETER + n);
    }

    /** The status of a row given as CSV cells (as written by {@link #cells()}). */
    public static String status(List<String> cells) {
        return cells.get(1);
    }

    /** end_to_end_ns of an ok row given as CSV cells. */
    public static double endToEndNs(List<String> cells) {
        return Double.parseDouble(cells.get(cells.size() - 4));
    }

    /** network_cost_usd of an ok row given as CSV cells. */
    public static double costUsd(List<String> cells) {
        return Double.parseDouble(cells.get(cells.size() - 1));
    }

    public boolean ok() {
        return OK.equals(status);
    }

    /**
     * {@code String.format(Locale.ROOT, "%.2f", v)} without a Formatter per row: Java's %f rounds the shortest decimal
     * form of the double (the digits {@link Double#toString} gives) half-up, which is exactly this.
     */
    public static String twoDecimals(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return String.format(Locale.ROOT, "%.2f", v);
        java.math.BigDecimal d = new java.math.BigDecimal(Double.toString(v)).setScale(2, java.math.RoundingMode.HALF_UP);
        String t = d.toPlainString();
        return d.signum() == 0 && (1 / v) < 0 ? "-" + t : t; // %.2f keeps the sign of −0.0
    }

    /** The CSV cells, formatted deterministically (cost with 2 decimals, no thousands separators). */
    public List<String> cells() {
        List<String> c = new ArrayList<>();
        c.add(Long.toString(id));
        c.add(status);
        c.add(error == null ? "" : error.replace('\n', ' ').replace('\r', ' '));
        c.addAll(parameters);
        c.addAll(metrics);
        // the metrics close the row: endToEndNs(cells) and costUsd(cells) read them from the end
        if (ok()) {
            c.add(Long.toString(npus));
            c.add(Long.toString(endToEndNs));
            c.add(Long.toString(computeNs));
            c.add(Long.toString(exposedNs));
            c.add(twoDecimals(costUsd));
        } else {
            c.add(npus > 0 ? Long.toString(npus) : "");
            c.add("");
            c.add("");
            c.add("");
            c.add("");
        }
        return c;
    }
}
