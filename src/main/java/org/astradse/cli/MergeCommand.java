package org.astradse.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.astradse.sweep.ShardMerge;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code merge}: the shards of a sweep into the files one run writes (a contract). */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Join the result folders of a sweep's shards (sweep --shard I/N) into one points.csv, pareto.csv, "
                + "pareto.svg and manifest.json, byte-identical to a one-machine run.")
final class MergeCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR", description = "the shards' folders, one per shard 0..N-1, in any order")
    List<Path> dirs;

    @Option(names = "--out", required = true, paramLabel = "OUT", description = "the merged results folder")
    Path out;

    @Option(names = "--force", description = "replace results already in OUT")
    boolean force;

    @Override
    public Integer call() {
        ShardMerge.Outcome o = ShardMerge.merge(dirs, out, force);
        System.err.printf("merge: %d shards, %,d points (%,d ok), Pareto front %d -> %s%n", o.shards(), o.points(), o.ok(),
                o.paretoSize(), o.dir());
        // the whole sweep is judged here (a shard may hold no ok point): as a one-machine run, none ok is exit 2
        org.astradse.sweep.SweepRunner.requireOk("merged sweep", o.ok(), o.infeasible(), o.failed(), o.dir(), o.commonestReason());
        return 0;
    }
}
