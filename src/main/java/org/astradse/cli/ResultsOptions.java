package org.astradse.cli;

import java.nio.file.Path;
import org.astradse.InputException;
import picocli.CommandLine.Option;

/** Options shared by {@code sweep} and {@code search}: where results go, threads, resume or start over. */
final class ResultsOptions {
    @Option(names = "--out", paramLabel = "DIR", description = "results folder (default results/<spec name>[-search]/)")
    Path out;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: available cores)")
    Integer threads;

    @Option(names = "--resume", description = "continue an interrupted run in the results folder")
    boolean resume;

    @Option(names = "--force", description = "start over even if the results folder holds another or unfinished run")
    boolean force;

    @Option(names = "--log-every", paramLabel = "SECONDS", defaultValue = "30",
            description = "when stderr is not a terminal: a progress line every SECONDS (default 30)")
    double logEvery;

    double logEverySeconds() {
        // above a year the interval is no interval (beyond 9.2·10^9 s it overflowed into a line per point)
        if (!(logEvery > 0) || !(logEvery <= 31_536_000))
            throw new InputException("--log-every must be > 0 and at most 31536000 seconds (a year), found " + logEvery);
        return logEvery;
    }

    /** More worker threads than this only exhaust the operating system's threads (each point is CPU-bound). */
    static final int MAX_THREADS = 4096;

    int threads() {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1 || n > MAX_THREADS)
            throw new InputException("--threads must be from 1 to " + MAX_THREADS + ", found " + n + " (this machine has "
                    + Runtime.getRuntime().availableProcessors() + " cores)");
        return n;
    }

    Path dir(String defaultName) {
        if (resume && force)
            throw new InputException("--resume and --force together: --resume continues the run in the folder, --force starts "
                    + "it over; give one");
        if (out != null && out.toString().isBlank())
            throw new InputException("--out: expected a results folder, found an empty path");
        // the spec's name as a folder name: only its safe characters ("." or "../x" must not leave results/)
        return out != null ? out : Path.of("results", org.astradse.report.NotebookExport.safeName(defaultName, "study"));
    }
}
