package org.astradse.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.astradse.report.ParetoFront.Point;
import org.junit.jupiter.api.Test;

/** The front is exactly the non-dominated points: none of them is dominated, every other point is. */
class ParetoFrontProperties {
    @Property(tries = 500)
    void frontIsNonDominatedAndComplete(@ForAll @Size(max = 60) List<@IntRange(min = 0, max = 12) Integer> times,
                                        @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 12) Integer> costs) {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < Math.min(times.size(), costs.size()); i++) points.add(new Point(i, times.get(i), costs.get(i)));
        List<Point> front = ParetoFront.of(points);
        Set<Long> onFront = new HashSet<>();
        for (Point f : front) {
            onFront.add(f.id());
            for (Point p : points) assertFalse(ParetoFront.dominates(p, f), p + " dominates front point " + f);
        }
        for (Point p : points) {
            if (!onFront.contains(p.id()))
                assertTrue(points.stream().anyMatch(q -> ParetoFront.dominates(q, p)), p + " is missing from the front");
        }
        for (int i = 1; i < front.size(); i++) assertTrue(front.get(i - 1).cost() <= front.get(i).cost(), "ordered by cost");
    }

    @Test
    void smallExample() {
        // (time, cost): a(5,1) b(3,2) c(4,2) d(3,3) e(1,5) f(1,5): c is beaten by b, d by b; e and f tie and stay
        List<Point> pts = List.of(new Point(0, 5, 1), new Point(1, 3, 2), new Point(2, 4, 2), new Point(3, 3, 3),
                new Point(4, 1, 5), new Point(5, 1, 5));
        assertEquals(List.of(0L, 1L, 4L, 5L), ParetoFront.of(pts).stream().map(Point::id).toList());
    }

    @Test
    void hypervolumeByHand() {
        // front (time, cost): (5,1) (3,2) (1,5); reference (6, 6):
        // [1,2) × (6−5) = 1, [2,5) × (6−3) = 9, [5,6) × (6−1) = 5 → 15; a dominated point (4,4) adds nothing
        List<Point> pts = List.of(new Point(0, 5, 1), new Point(1, 3, 2), new Point(2, 1, 5), new Point(3, 4, 4));
        assertEquals(15.0, ParetoFront.hypervolume(pts, 6, 6), 1e-12);
    }
}
