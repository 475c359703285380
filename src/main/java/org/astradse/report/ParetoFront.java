package org.astradse.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The non-dominated set of design points when minimising (time, cost): a point is dominated when another is no
 * worse in both and strictly better in one. Points equal in both are all kept. The front is ordered by cost,
 * then time, then id, so it is deterministic.
 */
public final class ParetoFront {
    private ParetoFront() {
    }

    /** One evaluated design point. */
    public record Point(long id, double time, double cost) {
    }

    /** Whether {@code a} dominates {@code b}. */
    public static boolean dominates(Point a, Point b) {
        return a.time() <= b.time() && a.cost() <= b.cost() && (a.time() < b.time() || a.cost() < b.cost());
    }

    /** The non-dominated points of {@code points}, in O(n log n). */
    public static List<Point> of(List<Point> points) {
        List<Point> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingDouble(Point::cost).thenComparingDouble(Point::time).thenComparingLong(Point::id));
        List<Point> front = new ArrayList<>();
        double bestTimeAtLowerCost = Double.POSITIVE_INFINITY;
        int i = 0;
        while (i < sorted.size()) {
            double cost = sorted.get(i).cost();
            double groupBest = sorted.get(i).time(); // the group of equal cost is sorted by time
            int j = i;
            while (j < sorted.size() && sorted.get(j).cost() == cost) {
                Point p = sorted.get(j);
                if (p.time() == groupBest && groupBest < bestTimeAtLowerCost) front.add(p);
                j++;
            }
            bestTimeAtLowerCost = Math.min(bestTimeAtLowerCost, groupBest);
            i = j;
        }
        return front;
    }

    /**
     * Area dominated by the points' front and bounded by the reference point (refTime, refCost), both minimised.
     * Points outside the reference box do not count.
     */
    public static double hypervolume(List<Point> points, double refTime, double refCost) {
        List<Point> front = of(points.stream().filter(p -> p.time() < refTime && p.cost() < refCost).toList());
        double area = 0;
        for (int i = 0; i < front.size(); i++) {
            double nextCost = i + 1 < front.size() ? front.get(i + 1).cost() : refCost;
            area += (nextCost - front.get(i).cost()) * (refTime - front.get(i).time());
        }
        return area;
    }
}
