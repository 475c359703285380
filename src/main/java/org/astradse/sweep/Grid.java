package org.astradse.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Cartesian product of domains, never materialised: point i is decoded in mixed radix, the last domain
 * varying fastest, so point ids are stable and a sweep can be resumed or split by id.
 */
public final class Grid {
    private final List<Domain> domains;
    private final long size;
    private final boolean beyondLong;

    public Grid(List<Domain> domains) {
        this.domains = List.copyOf(domains);
        long s = 1;
        boolean over = false;
        for (Domain d : this.domains) {
            if (d.size() == 0) {
                s = 0;
                over = false;
                break;
            }
            if (!over && s > Long.MAX_VALUE / d.size()) over = true;
            else if (!over) s *= d.size();
        }
        this.beyondLong = over;
        this.size = over ? Long.MAX_VALUE : s;
    }

    /**
     * Number of points (the product of the domain sizes); {@link Long#MAX_VALUE} for a product beyond it (a space only a
     * search can explore: every id below it still decodes to its point).
     */
    public long size() {
        return size;
    }

    /** Whether the product of the domain sizes exceeds 2^63 − 1 (no grid sweep can enumerate it). */
    public boolean beyondLong() {
        return beyondLong;
    }

    /** Every swept parameter path, in domain order. */
    public List<String> paths() {
        List<String> p = new ArrayList<>();
        for (Domain d : domains) p.addAll(d.paths());
        return p;
    }

    /** The element of each domain that point {@code id} (0 ≤ id < size) takes: its mixed-radix digits. */
    public long[] digits(long id) {
        if (id < 0 || id >= size) throw new IndexOutOfBoundsException("point " + id + " of " + size);
        long[] digit = new long[domains.size()];
        long rest = id;
        for (int k = domains.size() - 1; k >= 0; k--) {
            long n = domains.get(k).size();
            digit[k] = rest % n;
            rest /= n;
        }
        return digit;
    }

    /** The parameter values of point {@code id} (0 ≤ id < size), in domain order. */
    public Map<String, Object> point(long id) {
        long[] digit = digits(id);
        Map<String, Object> out = new LinkedHashMap<>();
        for (int k = 0; k < domains.size(); k++) out.putAll(domains.get(k).valuesAt(digit[k]));
        return out;
    }
}
