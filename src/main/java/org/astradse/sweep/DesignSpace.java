package org.astradse.sweep;

import java.util.List;
import org.astradse.report.PointRow;

/**
 * What the sweep and search engines need of a study: its domains, its size, its CSV header and one design point's
 * evaluation (never throwing for a bad point: it becomes an infeasible or failed row). Two kinds: ASTRA-sim studies
 * ({@link SweepSpace}) and LLM training studies ({@link TrainSpace}); the engines, files and fronts are shared.
 */
public interface DesignSpace {
    /** The study a spec describes. */
    static DesignSpace of(SweepSpec spec) {
        return spec.isTrain() ? new TrainSpace(spec) : new SweepSpace(spec);
    }

    SweepSpec spec();

    /** A study's size: its grid's (one message for both kinds when a continuous range makes it no grid). */
    static long size(SweepSpec spec, Grid grid) {
        if (grid == null) {
            String key = spec.domains().stream().filter(d -> d instanceof Domain.Continuous).map(d -> "sweep." + d.paths().get(0))
                    .findFirst().orElse("sweep");
            throw org.astradse.InputException.at(spec.file(), key, "a continuous range (from/to without step or factor); a "
                    + "grid sweep needs a step or factor — or use `search`");
        }
        if (grid.beyondLong()) {
            StringBuilder sizes = new StringBuilder();
            for (Domain d : spec.domains()) sizes.append(sizes.length() == 0 ? "" : " × ").append(String.format(java.util.Locale.ROOT, "%,d", d.size()));
            throw org.astradse.InputException.at(spec.file(), "sweep", "the grid has 2^63 points or more (" + sizes
                    + "); no grid sweep can enumerate it — narrow the ranges, or use `search`");
        }
        return grid.size();
    }

    /** The lazy grid of an enumerable space, or null (a continuous range: search only). */
    Grid grid();

    /** Points of the grid; the space must be {@link SweepSpec#enumerable()}. */
    default long size() {
        return size(spec(), grid());
    }

    List<String> header();

    /** The swept domains, in order (the search encodes one gene per domain). */
    default List<Domain> domains() {
        return spec().domains();
    }

    /** Evaluates grid point {@code id}; never throws for a bad point (it becomes an infeasible or failed row). */
    default PointRow evaluate(long id) {
        return evaluate(id, grid().digits(id));
    }

    PointRow evaluate(long id, long[] index);

    /** The swept parameters' cells of a point (a resumed sweep or search checks its journal against them). */
    List<String> sweptCells(long[] index);

    /**
     * Why a journal row (points.csv cells) is not this study's point {@code index} — its swept values differ (a hand
     * edit, another run's file) — or null. The one check a resumed sweep and a resumed search's replay share.
     */
    default String journalMismatch(long[] index, List<String> cells) {
        List<String> expected = sweptCells(index);
        List<String> found = PointRow.parameters(cells, expected.size());
        return found.equals(expected) ? null : "the swept values " + found + " where this run has " + expected;
    }
}
