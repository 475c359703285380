package org.astradse.hw;

import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;

/** The calibrations' one fitting procedure: Nelder–Mead (Apache Commons Math) from several deterministic starts. */
public final class Fit {
    private Fit() {
    }

    /**
     * The best minimum of {@code loss} over the starts (the models' minima over tiles and protocols make losses only
     * piecewise smooth, so one start can stall on a kink).
     *
     * @param steps  the initial simplex's size per parameter
     * @param rel    relative and {@code abs} absolute convergence thresholds of the optimiser
     */
    public static double[] minimize(MultivariateFunction loss, double[][] starts, double[] steps, double rel, double abs, int maxEval) {
        SimplexOptimizer opt = new SimplexOptimizer(rel, abs);
        PointValuePair best = null;
        for (double[] s : starts) {
            PointValuePair r = opt.optimize(new MaxEval(maxEval), new ObjectiveFunction(loss), GoalType.MINIMIZE,
                    new InitialGuess(s), new NelderMeadSimplex(steps));
            if (best == null || r.getValue() < best.getValue()) best = r;
        }
        return best.getPoint();
    }
}
