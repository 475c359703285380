package org.astradse.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.astradse.InputException;
import org.astradse.collective.SystemConfig;
import org.astradse.network.NetworkConfig;
import org.astradse.network.V1NetworkParser;
import org.astradse.sim.RunOptions;
import org.astradse.workload.Workload;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The AnalyticalAstra 1.0 command-line options, spelled as the reference spells them; both {@code --opt=value}
 * and {@code --opt value} work. Relative paths resolve against the working directory.
 */
final class SimulationOptions {
    @Option(names = "--network-configuration", required = true, paramLabel = "FILE",
            description = "network: ASTRA-sim 1.0 JSON (.json) or 2.0 YAML")
    Path network;

    @Option(names = "--system-configuration", required = true, paramLabel = "FILE",
            description = "system: ASTRA-sim 1.0 txt or 2.0 JSON (.json)")
    Path system;

    @Option(names = "--workload-configuration", required = true, paramLabel = "FILE|PREFIX",
            description = "ASTRA-sim 1.0 text workload, or the prefix of a Chakra ET trace set (PREFIX.0.et …)")
    Path workload;

    @Option(names = "--remote-memory-configuration", paramLabel = "FILE",
            description = "Chakra ET: remote memory JSON (memory-type, remote-mem-latency ns, remote-mem-bw bytes/ns)")
    Path remoteMemory;

    @Option(names = "--comm-group-configuration", defaultValue = "empty", paramLabel = "FILE",
            description = "Chakra ET: communicator groups JSON {\"id\": [ranks]}; a path containing 'empty' means none, as in the reference")
    String commGroups;

    @Option(names = "--congestion", defaultValue = "unaware", paramLabel = "unaware|aware",
            description = "Chakra ET: congestion-unaware (default) or congestion-aware (1-D networks) analytical network")
    String congestion;

    @Option(names = "--logging-folder", paramLabel = "DIR", description = "accepted for ASTRA-sim 2.0 compatibility; nothing is logged")
    Path loggingFolder;

    @Option(names = "--num-passes", defaultValue = "1", paramLabel = "N", description = "training iterations (default 1)")
    int numPasses;

    @Option(names = "--comm-scale", defaultValue = "1", paramLabel = "X", description = "multiplies every collective size")
    double commScale;

    @Option(names = "--compute-scale", defaultValue = "1", paramLabel = "X", description = "multiplies every compute time")
    double computeScale;

    @Option(names = "--injection-scale", defaultValue = "1", paramLabel = "X", description = "multiplies the endpoint delay")
    double injectionScale;

    @Option(names = "--num-queues-per-dim", defaultValue = "1", paramLabel = "Q", description = "queues per dimension")
    int queuesPerDim;

    @Option(names = "--rendezvous-protocol", defaultValue = "false", paramLabel = "true|false",
            description = "control message before every data message")
    String rendezvous;

    @Option(names = "--units-count", arity = "1..*", paramLabel = "N", description = "NPUs per dimension (replaces the file's)")
    int[] unitsCount;

    @Option(names = "--links-count", arity = "1..*", paramLabel = "N", description = "links per dimension (1.0 networks)")
    int[] linksCount;

    @Option(names = "--link-bandwidth", arity = "1..*", paramLabel = "GBps", description = "GB/s per link per dimension")
    double[] linkBandwidth;

    @Option(names = "--link-latency", arity = "1..*", paramLabel = "NS", description = "ns per hop per dimension")
    double[] linkLatency;

    @Option(names = "--path", paramLabel = "DIR", description = "also write per-layer and end-to-end CSVs into DIR")
    Path path;

    @Option(names = "--run-name", defaultValue = "", paramLabel = "NAME", description = "run name (first CSV column)")
    String runName;

    @Option(names = "--total-stat-rows", defaultValue = "1", paramLabel = "R", description = "runs sharing one set of CSVs")
    int totalStatRows;

    @Option(names = "--stat-row", defaultValue = "0", paramLabel = "r", description = "this run's row among them")
    int statRow;

    @Parameters(arity = "0..*", hidden = true, description = "stray empty arguments are ignored, as in the reference")
    List<String> stray = new ArrayList<>();

    record Inputs(Workload workload, NetworkConfig network, SystemConfig system, RunOptions run, List<String> warnings,
                  Path systemFile, Path networkFile) {
        /** Simulates; an implementation-token error names the system file (and the network it does not fit). */
        org.astradse.sim.TrainingResult simulate() {
            try {
                return org.astradse.sim.TrainingSimulator.simulate(workload, network, system, run);
            } catch (InputException e) {
                throw namingSystem(e, systemFile, networkFile);
            }
        }
    }

    /** An implementation-token error as the system file's, naming the network it does not fit; other errors as they are. */
    static InputException namingSystem(InputException e, Path systemFile, Path networkFile) {
        return aboutTokens(e) ? InputException.at(systemFile, null, e.getMessage() + " (network " + networkFile + ")") : e;
    }

    /** Whether an error is about the system's implementation tokens (their count, or one the network cannot run). */
    static boolean aboutTokens(InputException e) {
        return e.field() != null ? e.field().endsWith("-implementation")
                : e.getMessage() != null && e.getMessage().matches("(?s)^[a-z-]+-implementation token .*");
    }

    /** A warning about a system file's implementation tokens, with that file's name (as its errors have). */
    static String namingSystem(Path systemFile, String warning) {
        return warning.matches("^[a-z-]+-implementation[: ].*") ? systemFile + ": " + warning : warning;
    }

    /** Whether the workload names a Chakra ET trace set (PREFIX.0.et exists and PREFIX itself is not a file). */
    boolean chakra() {
        return !java.nio.file.Files.isRegularFile(workload) && org.astradse.workload.et.EtTrace.isTracePrefix(workload.toString());
    }

    void checkStray() {
        for (String s : stray) {
            if (!s.isBlank()) throw new InputException("unexpected argument '" + s + "'; options are spelled --name=value or --name value");
        }
    }

    boolean rendezvousFlag() {
        return switch (rendezvous.toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new InputException("--rendezvous-protocol: expected true or false, found '" + rendezvous + "'");
        };
    }

    NetworkConfig network(List<String> warnings) {
        return loadNetwork(warnings);
    }

    Inputs load() {
        checkStray();
        boolean rv = rendezvousFlag();
        // a spec's run section's bounds (RunOptions.MAX_SCALE): Infinity ran, with an 18-digit end-to-end time
        if (!(commScale > 0) || !(commScale <= RunOptions.MAX_SCALE))
            throw new InputException("--comm-scale must be > 0 and at most " + (long) RunOptions.MAX_SCALE + ", found " + commScale);
        if (!(computeScale >= 0) || !(computeScale <= RunOptions.MAX_SCALE))
            throw new InputException("--compute-scale must be from 0 to " + (long) RunOptions.MAX_SCALE + ", found " + computeScale);
        if (totalStatRows < 1 || statRow < 0 || statRow >= totalStatRows)
            throw new InputException("--stat-row must be in [0, --total-stat-rows), found " + statRow + " of " + totalStatRows);
        List<String> warnings = new ArrayList<>();
        NetworkConfig net = loadNetwork(warnings);
        SystemConfig sys = SystemConfig.parse(system);
        Workload wl = Workload.parse(workload, commScale, computeScale);
        return new Inputs(wl, net, sys, new RunOptions(numPasses, injectionScale, queuesPerDim, rv), warnings, system, network);
    }

    private NetworkConfig loadNetwork(List<String> warnings) {
        return NetworkConfig.parse(network, new V1NetworkParser.Overrides(unitsCount, linksCount, linkBandwidth, linkLatency),
                warnings);
    }
}
