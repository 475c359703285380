package org.astradse.sweep;

import java.util.Map;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlExpression;
import org.apache.commons.jexl3.MapContext;
import org.astradse.network.InputException;

/**
 * Derived values and constraints, written in Apache Commons JEXL over the design point's configuration:
 * {@code network.bandwidth[0] + network.bandwidth[1] <= 500}, {@code system['all-reduce-implementation'][0]},
 * {@code npus == 64}. One engine, thread-safe; expressions are compiled once.
 */
final class Expressions {
    private static final JexlEngine JEXL = new JexlBuilder().strict(true).silent(false).safe(false).cache(256).create();

    private Expressions() {
    }

    static JexlExpression compile(String source, String where) {
        try {
            return JEXL.createExpression(source);
        } catch (JexlException e) {
            throw new InputException(where + ": cannot parse expression '" + source + "': " + e.getMessage());
        }
    }

    static Object evaluate(JexlExpression e, Map<String, Object> variables) {
        try {
            return e.evaluate(new MapContext(variables));
        } catch (JexlException ex) {
            throw new InputException("expression '" + e.getSourceText() + "' failed: " + ex.getMessage());
        }
    }
}
