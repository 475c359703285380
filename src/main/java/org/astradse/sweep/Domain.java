package org.astradse.sweep;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The finite set of values one swept parameter (or one zipped group of parameters) takes, indexable without
 * materialising anything larger than the domain itself.
 */
public sealed interface Domain permits Domain.Values, Domain.Zipped, Domain.Continuous {
    long size();

    /** Values of the i-th element, by parameter path. */
    Map<String, Object> valuesAt(long i);

    /** The parameter paths this domain sets. */
    List<String> paths();

    /** Explicit values checked one by one before a study starts; a longer domain (a range): its first and last. */
    int CHECK_ALL_UP_TO = 2_000;

    /** The elements a study checks before its first point ({@link #CHECK_ALL_UP_TO}). */
    default long[] elementsToCheck() {
        long n = size();
        if (n <= CHECK_ALL_UP_TO) {
            long[] all = new long[(int) n];
            for (int i = 0; i < n; i++) all[i] = i;
            return all;
        }
        return new long[] {0, n - 1};
    }

    /** An explicit list of values for one parameter. */
    record Values(String path, List<Object> values) implements Domain {
        public Values {
            values = List.copyOf(values);
            if (values.isEmpty()) throw new IllegalArgumentException(path + ": a domain needs at least one value");
        }

        @Override
        public long size() {
            return values.size();
        }

        @Override
        public Map<String, Object> valuesAt(long i) {
            return Map.of(path, values.get((int) i));
        }

        @Override
        public List<String> paths() {
            return List.of(path);
        }
    }

    /** Parameters that vary together: element i sets every path to its i-th value. */
    record Zipped(List<String> paths, List<List<Object>> columns) implements Domain {
        public Zipped {
            paths = List.copyOf(paths);
            columns = columns.stream().map(List::copyOf).toList();
            if (paths.size() != columns.size() || paths.isEmpty())
                throw new IllegalArgumentException("a zipped group needs one value list per path");
            int n = columns.get(0).size();
            for (int k = 0; k < columns.size(); k++) {
                if (columns.get(k).size() != n)
                    throw new IllegalArgumentException("zipped group: " + paths.get(k) + " has " + columns.get(k).size()
                            + " values, " + paths.get(0) + " has " + n + "; they must vary together");
            }
            if (n == 0) throw new IllegalArgumentException("a zipped group needs at least one element");
        }

        @Override
        public long size() {
            return columns.get(0).size();
        }

        @Override
        public Map<String, Object> valuesAt(long i) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            for (int k = 0; k < paths.size(); k++) m.put(paths.get(k), columns.get(k).get((int) i));
            return m;
        }
    }

    /**
     * A continuous range [from, to] for the genetic search, which samples it on a lattice of {@link #LATTICE} steps;
     * a grid cannot enumerate it (give a step or factor for that). Lattice values are rounded to 6 significant digits,
     * so what is simulated is exactly what points.csv shows (neighbouring lattice points may round alike).
     */
    record Continuous(String path, double from, double to) implements Domain {
        public static final int LATTICE = 1 << 20;

        public Continuous {
            if (!(to > from)) throw new IllegalArgumentException("a continuous range needs to > from, found from " + fmt(from) + ", to " + fmt(to));
            // its values are simulated and written at 6 significant digits: a range inside one such step is one value
            if (significant(from, 6) == significant(to, 6))
                throw new IllegalArgumentException("a continuous range from " + fmt(from) + " to " + fmt(to) + " is one value at "
                        + "the 6 significant digits its values are written with; give a wider range, or the value itself");
        }

        @Override
        public long size() {
            return LATTICE + 1L;
        }

        /** Lattice point i of [from, to]: from + i·(to − from)/LATTICE (i = LATTICE gives exactly to), rounded. */
        @Override
        public Map<String, Object> valuesAt(long i) {
            double v = i == LATTICE ? to : from + i * ((to - from) / LATTICE);
            return Map.of(path, significant(v, 6));
        }

        @Override
        public List<String> paths() {
            return List.of(path);
        }

        /**
         * Its bounds and a value a third of the way (a fraction for most ranges): a continuous range on a key that
         * takes whole numbers only (a degree, an NPU count) is refused before the first point, not row by row.
         */
        @Override
        public long[] elementsToCheck() {
            return new long[] {0, LATTICE / 3, LATTICE};
        }
    }

    /** A range bound as the user wrote it (50, not 50.0). */
    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 9e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** {@code v} rounded to {@code digits} significant decimal digits (0, infinities and NaN as they are). */
    static double significant(double v, int digits) {
        if (v == 0 || !Double.isFinite(v)) return v;
        return new BigDecimal(v).round(new java.math.MathContext(digits)).doubleValue();
    }

    /**
     * A linear range start, start+step, … up to and including stop (within rounding), computed in decimal so that
     * 0.1 steps do not drift.
     */
    static Values linear(String path, double start, double stop, double step) {
        if (!(step > 0)) throw new IllegalArgumentException("a linear range needs step > 0, found step " + fmt(step));
        if (stop < start) throw new IllegalArgumentException("a range needs to >= from, found from " + fmt(start) + ", to " + fmt(stop));
        BigDecimal s = BigDecimal.valueOf(start);
        BigDecimal d = BigDecimal.valueOf(step);
        BigDecimal end = BigDecimal.valueOf(stop);
        // counted before any value is made: a step of 1e-300 used to fill memory for a minute before it was refused
        BigDecimal count = end.subtract(s).divide(d, java.math.MathContext.DECIMAL64).add(BigDecimal.ONE);
        if (count.compareTo(BigDecimal.valueOf(MAX_VALUES)) > 0)
            throw new IllegalArgumentException(tooMany(count.doubleValue()));
        List<Object> v = new ArrayList<>();
        for (BigDecimal x = s; x.compareTo(end) <= 0; x = x.add(d)) {
            v.add(x.stripTrailingZeros().scale() <= 0 ? (Object) x.longValueExact() : (Object) x.doubleValue());
            if (v.size() > MAX_VALUES) throw new IllegalArgumentException(tooMany(v.size()));
        }
        return new Values(path, v);
    }

    /** Most values one range may give (a grid of one such range alone is already a very long sweep). */
    static final int MAX_VALUES = 10_000_000;

    private static String tooMany(double count) {
        return String.format(java.util.Locale.ROOT, "gives %.3g values, more than %,d; give a larger step or factor", count, MAX_VALUES);
    }

    /** A geometric range start, start·factor, … up to and including stop. */
    static Values geometric(String path, double start, double stop, double factor) {
        if (!(factor > 1) || !(start > 0)) throw new IllegalArgumentException("a geometric range needs from > 0 and factor > 1, found from " + fmt(start)
                    + ", factor " + fmt(factor));
        if (stop < start) throw new IllegalArgumentException("a range needs to >= from, found from " + fmt(start) + ", to " + fmt(stop));
        double count = Math.floor(Math.log(stop / start) / Math.log(factor)) + 1;
        if (!(count <= MAX_VALUES)) throw new IllegalArgumentException(tooMany(count));
        List<Object> v = new ArrayList<>();
        double x = start;
        for (int i = 0; x <= stop * (1 + 1e-12); i++) {
            v.add(x == Math.rint(x) && Math.abs(x) < 9e15 ? (Object) (long) x : (Object) x);
            x = start * Math.pow(factor, i + 1);
        }
        return new Values(path, v);
    }
}
