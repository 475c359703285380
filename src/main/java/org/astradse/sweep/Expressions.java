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
    private static final JexlEngine JEXL = new JexlBuilder().strict(true).silent(false).safe(false).cache(256)
            .arithmetic(new Arithmetic()).create();

    /**
     * JEXL's arithmetic with one change: dividing two integers that do not divide evenly gives the real quotient
     * ({@code 100 / 3} is 33.3333…, as a user writing a bandwidth split expects), not JEXL's truncated integer (33);
     * an exact division stays an integer ({@code npus / 8}), a division by zero stays an error.
     */
    static final class Arithmetic extends org.apache.commons.jexl3.JexlArithmetic {
        Arithmetic() {
            super(true);
        }

        @Override
        public Object divide(Object left, Object right) {
            if (integral(left) && integral(right)) {
                long r = ((Number) right).longValue();
                long l = ((Number) left).longValue();
                if (r != 0 && l % r != 0) return (double) l / r;
            }
            return super.divide(left, right);
        }

        private static boolean integral(Object o) {
            return o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte;
        }
    }

    private Expressions() {
    }

    static JexlExpression compile(String source, String where) {
        try {
            return JEXL.createExpression(source);
        } catch (JexlException e) {
            throw new InputException(where + ": cannot parse expression '" + source + "': " + message(e));
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
        Map<String, Object> strict = new java.util.HashMap<>();
        for (Map.Entry<String, Object> v : variables.entrySet()) strict.put(v.getKey(), strict(v.getValue()));
        try {
            return e.evaluate(new MapContext(strict));
        } catch (JexlException ex) {
            for (Throwable c = ex; c != null; c = c.getCause())
                if (c instanceof MissingKey k) throw new Failure("undefined field '" + k.key + "'", true);
            throw translate(ex, variables);
        }
    }

    private static Failure translate(JexlException ex, Map<String, Object> variables) {
        try {
            throw ex;
        } catch (JexlException.Variable v) {
            return new Failure("variable '" + v.getVariable() + "' is undefined; expressions see "
                    + String.join(", ", new java.util.TreeSet<>(variables.keySet())), true);
        } catch (JexlException.Property pe) {
            String p = pe.getProperty();
            boolean index = p != null && p.chars().allMatch(Character::isDigit);
            return new Failure(index ? "no element [" + p + "] here" : "undefined field '" + p + "'", !index);
        } catch (JexlException other) {
            return new Failure(message(other), false);
        }
    }

    /** A configuration section's field that is not there (a typo such as {@code parallel.tpp}), named by its key. */
    private static final class MissingKey extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Object key;

        MissingKey(Object key) {
            super(null, null, false, false);
            this.key = key;
        }
    }

    /**
     * A configuration section as expressions see it: reading a key it does not have is an error (JEXL reads a missing
     * map key as null, which would turn a typo into a failing comparison on every point instead of a spec mistake).
     */
    private static Object strict(Object v) {
        if (!(v instanceof Map<?, ?> m)) return v;
        Map<Object, Object> out = new java.util.LinkedHashMap<>() {
            private static final long serialVersionUID = 1L;

            @Override
            public Object get(Object key) {
                if (!containsKey(key)) throw new MissingKey(key);
                return super.get(key);
            }
        };
        for (Map.Entry<?, ?> e : m.entrySet()) out.put(e.getKey(), strict(e.getValue()));
        return out;
    }

    /**
     * The first constraint a design point violates, or null — one rule for both kinds of study. {@code eval} evaluates
     * an expression on the point (and decides what a failure means); with {@code strict} (the first point, checked
     * before a study starts) every constraint is evaluated, so one that is not true or false stops the study.
     */
    static String violated(SweepSpec spec, java.util.function.Function<JexlExpression, Object> eval, boolean strict) {
        String violated = null;
        for (SweepSpec.Constraint c : spec.constraints()) {
            Object r = eval.apply(c.expression());
            if (!(r instanceof Boolean b))
                throw InputException.at(spec.file(), "constraints", "'" + c.source() + "' must be true or false; it gave " + r);
            if (!b && violated == null) {
                violated = c.source();
                if (!strict) return violated;
            }
        }
        return violated;
    }

    private static String message(JexlException ex) {
        // JEXL reports a division by zero as "/ error" (its ArithmeticException is the cause)
        for (Throwable c = ex; c != null; c = c.getCause())
            if (c instanceof ArithmeticException a)
                return a.getMessage() != null && a.getMessage().matches("[/%]") ? "division by zero" : "arithmetic: " + a.getMessage();
        String m = ex.getMessage();
        int at = m.indexOf(' '); // drop JEXL's "class.method:line@col:col " prefix
        return at > 0 && m.substring(0, at).contains("@") ? m.substring(at + 1) : m;
    }
}
