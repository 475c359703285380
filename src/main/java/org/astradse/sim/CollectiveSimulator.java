package org.astradse.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.astradse.collective.CollectiveEngine;
import org.astradse.collective.CollectivePlan;
import org.astradse.collective.CollectivePlanner;
import org.astradse.collective.CollectiveType;
import org.astradse.collective.Semantics;
import org.astradse.collective.SystemConfig;
import org.astradse.network.NetworkConfig;
import org.astradse.network.Symmetry;

/** One collective on every NPU, as ASTRA-sim 2.0 runs it: a pure function of its inputs. */
public final class CollectiveSimulator {
    private CollectiveSimulator() {
    }

    /** Which network model delivers messages. */
    public enum Congestion { UNAWARE, AWARE }

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
        CollectivePlan plan = CollectivePlanner.plan(net, sys, Semantics.V2, type, sizeBytes);
        Symmetry[] symmetry = allowSymmetry ? CollectiveEngine.symmetryFor(net, aware, List.of(plan)) : null;
        CollectiveEngine engine = new CollectiveEngine(net, sys, Semantics.V2, aware, symmetry, 1, 1.0);
        for (int npu = 0; npu < engine.simulatedNpus(); npu++) {
            engine.issue(npu, plan, 0, sys.schedulingPolicy());
        }
        engine.run();
        long[] finish = new long[net.totalNpus()];
        if (engine.symmetric()) {
            Arrays.fill(finish, engine.finishedAt(0, 0));
        } else {
            for (int npu = 0; npu < finish.length; npu++) finish[npu] = engine.finishedAt(npu, 0);
        }
        long max = 0;
        for (long f : finish) max = Math.max(max, f);
        List<String> warnings = new ArrayList<>(sys.warnings());
        warnings.addAll(plan.warnings());
        return new CollectiveResult(max, finish, plan.chunkCount(), engine.symmetric(), List.copyOf(warnings));
    }
}
