package org.astradse.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

/** The cost cell's formatter is String.format's "%.2f", without a Formatter per row. */
class PointRowFormatProperties {
    @Property(tries = 20000)
    void sameAsFormatter(@ForAll @DoubleRange(min = -1e9, max = 1e12) double v) {
        assertEquals(String.format(Locale.ROOT, "%.2f", v), PointRow.twoDecimals(v));
    }

    @Property(tries = 20000)
    void sameOnCentBoundaries(@ForAll @DoubleRange(min = 0, max = 1e7) double v) {
        double tie = Math.floor(v * 100) / 100 + 0.005; // half-cent ties and their neighbours
        for (double x : new double[] {tie, Math.nextUp(tie), Math.nextDown(tie)})
            assertEquals(String.format(Locale.ROOT, "%.2f", x), PointRow.twoDecimals(x), Double.toString(x));
    }

    @Test
    void edgeValues() {
        for (double x : new double[] {0.0, -0.0, 0.005, 0.015, 0.025, 1.005, 2.675, 105600.0, 1e-9, -1e-9, 123456789.125,
                Double.MIN_VALUE, 1e15 + 0.125})
            assertEquals(String.format(Locale.ROOT, "%.2f", x), PointRow.twoDecimals(x), Double.toString(x));
    }
}
