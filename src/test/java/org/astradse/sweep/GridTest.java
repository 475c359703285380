package org.astradse.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GridTest {
    @Test
    void countsAreProductsAndZippedGroupsCountOnce() {
        // topology shape zipped with its per-dimension sizes (3 shapes) × 4 bandwidths × 2 algorithms = 24 points
        Domain shape = new Domain.Zipped(List.of("network.topology", "network.npus_count"),
                List.of(List.of("[Ring]", "[Ring, Ring]", "[Ring, Switch]"), List.of("[64]", "[8, 8]", "[16, 4]")));
        Domain bw = Domain.geometric("network.bandwidth[0]", 25, 200, 2);
        Domain algo = new Domain.Values("system.all-reduce-implementation", List.of("ring", "direct"));
        Grid g = new Grid(List.of(shape, bw, algo));
        assertEquals(24, g.size());
        assertEquals(List.of(25L, 50L, 100L, 200L), ((Domain.Values) bw).values());
        Set<Map<String, Object>> seen = new HashSet<>();
        for (long i = 0; i < g.size(); i++) seen.add(g.point(i));
        assertEquals(24, seen.size(), "every point distinct");
        // mixed radix, last domain fastest: point 5 = shape 0, bandwidth index 2, algorithm 1
        assertEquals(Map.of("network.topology", "[Ring]", "network.npus_count", "[64]", "network.bandwidth[0]", 100L,
                "system.all-reduce-implementation", "direct"), g.point(5));
        // zipped values stay together
        assertEquals("[16, 4]", g.point(23).get("network.npus_count"));
        assertEquals("[Ring, Switch]", g.point(23).get("network.topology"));
    }

    @Test
    void linearRangesIncludeStopWithoutDrift() {
        assertEquals(List.of(0.1, 0.2, 0.3), Domain.linear("x", 0.1, 0.3, 0.1).values());
        assertEquals(List.of(100L, 150L, 200L), Domain.linear("x", 100, 200, 50).values());
    }

    @Test
    void badDomainsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Domain.Zipped(List.of("a", "b"), List.of(List.of(1, 2), List.of(1))));
        assertThrows(IllegalArgumentException.class, () -> Domain.linear("x", 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Domain.Values("x", List.of()));
    }

    @Test
    void hugeGridsAreNotMaterialised() {
        Grid g = new Grid(List.of(Domain.linear("x", 1, 100_000, 1), Domain.linear("y", 1, 100_000, 1),
                Domain.linear("z", 1, 100_000, 1))); // 10^15 points, only the three 10^5-value domains in memory
        assertEquals(1_000_000_000_000_000L, g.size());
        assertEquals(Map.of("x", 100_000L, "y", 100_000L, "z", 100_000L), g.point(g.size() - 1));
        // id 10^5 + 2 = (x index 0, y index 1, z index 2) in mixed radix, z fastest
        assertEquals(Map.of("x", 1L, "y", 2L, "z", 3L), g.point(100_000L + 2));
    }
}
