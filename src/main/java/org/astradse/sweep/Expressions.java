package org.astradse.sweep;

import java.util.Map;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlExpression;
import org.apache.commons.jexl3.MapContext;
import org.astradse.InputException;

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

    /**
     * An expression that could not be evaluated. {@link #specWide()}: it names a variable that does not exist, or a
     * field that exists on no design point (a typo such as {@code network.bandwith}) — not an index, which a network
     * of higher rank may have, nor arithmetic that fails on some values only.
     */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean specWide;

        Failure(String message, boolean specWide) {
            super(message, null, false, false);
            this.specWide = specWide;
        }

        boolean specWide() {
            return specWide;
        }
    }

    static Object evaluate(JexlExpression e, Map<String, Object> variables) {
        try {
            return e.evaluate(new MapContext(variables));
        } catch (JexlException.Variable ex) {
            throw new Failure("variable '" + ex.getVariable() + "' is undefined; expressions see network, system, run, cost, "
                    + "npus and workload", true);
        } catch (JexlException.Property ex) {
            String p = ex.getProperty();
            boolean index = p != null && p.chars().allMatch(Character::isDigit);
            throw new Failure(index ? "no element [" + p + "] here" : "undefined field '" + p + "'", !index);
        } catch (JexlException ex) {
            throw new Failure(message(ex), false);
        }
    }

    private static String message(JexlException ex) {
        String m = ex.getMessage();
        int at = m.indexOf(' '); // drop JEXL's "class.method:line@col:col " prefix
        return at > 0 && m.substring(0, at).contains("@") ? m.substring(at + 1) : m;
    }
}
