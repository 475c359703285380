package org.astradse.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.astradse.InputException;
import org.astradse.collective.SystemConfig;

/**
 * A 2.0 system JSON as the graph workload layer reads it: the system layer's keys plus {@code roofline-enabled},
 * {@code peak-perf}, {@code replay-only} and {@code track-local-mem} (SEMANTICS-ET 2.4, SYS:383-412), which the
 * system layer alone ignores.
 *
 * @param system        the system layer's configuration
 * @param roofline      roofline-enabled ≠ 0
 * @param peakPerfTflops peak-perf, TFLOP/s (10^12 FLOP/s)
 * @param replayOnly    replay-only ≠ 0
 * @param warnings      what the user should know
 */
public record GraphSystem(SystemConfig system, boolean roofline, double peakPerfTflops, boolean replayOnly,
                          List<String> warnings) {

    /** Reads a system tree ({@code file} names it in messages; may be null). The tree is not modified. */
    public static GraphSystem read(ObjectNode tree, Path file) {
        ObjectNode t = tree.deepCopy();
        if ("EXPLICIT".equals(t.path("scheduling-policy").asText())) {
            // an NPU runs one collective at a time in a graph (SEMANTICS-ET 2.3): the policy never changes a result
            t.put("scheduling-policy", "FIFO");
        }
        if (number(t, "track-local-mem", file) != 0)
            throw InputException.at(file, "track-local-mem", "unsupported: local memory tracking needs tensor "
                    + "information these traces do not carry (the reference stalls every NPU)");
        boolean roofline = number(t, "roofline-enabled", file) != 0;
        boolean replayOnly = number(t, "replay-only", file) != 0;
        double peak = number(t, "peak-perf", file);
        SystemConfig sys = SystemConfig.fromJsonTree(t, file);
        if (roofline && !(peak > 0))
            throw InputException.at(file, "peak-perf", "roofline-enabled needs a positive peak-perf (TFLOP/s), found " + peak);
        if (roofline && !(sys.localMemBwGBps() > 0))
            throw InputException.at(file, "local-mem-bw", "roofline-enabled needs a positive local-mem-bw (GB/s, 10^9 B)");
        List<String> warnings = new ArrayList<>();
        String name = file == null ? "system" : file.toString();
        if (replayOnly)
            warnings.add(name + ": replay-only: every node lasts its recorded duration and counts as GPU time, so the "
                    + "exposed communication can wrap below 0 (printed as an unsigned 64-bit number, as the reference does)");
        // the system layer's "ignored key" notes do not apply to the keys read here
        for (String w : sys.warnings())
            if (!w.contains("roofline") && !w.contains("peak-perf") && !w.contains("replay-only")) warnings.add(w);
        return new GraphSystem(sys, roofline, peak, replayOnly, List.copyOf(warnings));
    }

    private static double number(ObjectNode tree, String key, Path file) {
        JsonNode v = tree.get(key);
        if (v == null || v.isNull()) return 0;
        if (!v.isNumber()) throw InputException.at(file, key, "expected a number, found " + v);
        return v.asDouble();
    }

    /** Run options for a graph simulation on this system. */
    public GraphSimulator.Options options(boolean aware, int queuesPerDim, double injectionScale, boolean rendezvous) {
        return new GraphSimulator.Options(roofline, peakPerfTflops, replayOnly, aware, queuesPerDim, injectionScale,
                rendezvous, true);
    }
}
