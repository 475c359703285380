package org.astradse.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.astradse.InputException;
import org.astradse.report.NotebookExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code export}: a Jupyter notebook with the results' CSVs, ready to zip and share. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a Jupyter notebook (pandas + matplotlib) and copies of the CSVs of a sweep or search results folder.")
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RESULTS_DIR", description = "a finished sweep's or search's folder")
    Path results;

    @Option(names = "--to", defaultValue = "notebooks-export", paramLabel = "DIR", description = "where (default notebooks-export/)")
    Path to;

    @Override
    public Integer call() throws Exception {
        try {
            Path nb = NotebookExport.export(results, to);
            System.err.println("notebook written: " + nb + " (run: jupyter notebook " + nb + ")");
            return 0;
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage());
        }
    }
}
