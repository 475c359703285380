package org.astradse.sim;

import java.util.ArrayList;
import java.util.List;
import org.astradse.InputException;
import org.astradse.collective.CollectiveEngine;
import org.astradse.collective.CollectivePlan;
import org.astradse.collective.CollectivePlanner;
import org.astradse.collective.CollectiveType;
import org.astradse.collective.Semantics;
import org.astradse.collective.SystemConfig;
import org.astradse.network.NetworkConfig;

/** One collective on every NPU, as ASTRA-sim 2.0 runs it: a pure function of its inputs. */
public final class CollectiveSimulator {
    private CollectiveSimulator() {
    }

    /** Which network model delivers messages. */
    /** The 2.0 analytical network model. */
    public enum Congestion {
        UNAWARE, AWARE;

        /** {@code unaware} or {@code aware} (any case), as the command lines and sweep specs spell them; null if neither. */
        public static Congestion fromName(String name) {
            if (name == null) return null;
            return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "unaware" -> UNAWARE;
                case "aware" -> AWARE;
                default -> null;
            };
        }
    }

    /** Simulates; uses the symmetric shortcut whenever it is provably exact. */
    public static CollectiveResult simulate(NetworkConfig net, SystemConfig sys, CollectiveType type, long sizeBytes,
                                            Congestion congestion) {
        return simulate(net, sys, type, sizeBytes, congestion, true);
    }

    /**
     * @param allowSymmetry false forces every NPU to be simulated one by one (for checking the shortcut)
     */
    public static CollectiveResult simulate(NetworkConfig net, SystemConfig sys, CollectiveType type, long sizeBytes,
                                            Congestion congestion, boolean allowSymmetry) {
        boolean aware = congestion == Congestion.AWARE;
        if (sizeBytes <= 0) throw new InputException("collective size must be a positive number of bytes, got " + sizeBytes);
        CollectivePlan plan = CollectivePlanner.plan(net, sys, Semantics.V2, type, sizeBytes);
        CollectiveEngine.Alone run = CollectiveEngine.runAlone(net, sys, Semantics.V2, aware, plan, 1.0, false, allowSymmetry, 0);
        List<String> warnings = new ArrayList<>(sys.warnings());
        warnings.addAll(plan.warnings());
        return new CollectiveResult(run.latest(), run.finishNs(), plan.chunkCount(), run.symmetric(), List.copyOf(warnings));
    }
}
