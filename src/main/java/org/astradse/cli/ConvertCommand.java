package org.astradse.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.astradse.InputException;
import org.astradse.workload.Workload;
import org.astradse.workload.et.TextToChakra;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code convert --to chakra}: a workload as a Chakra ET trace set that ASTRA-sim 2.0 (and {@code simulate}) accepts,
 * laid out as Chakra's text converter lays it out. Options spelled as {@code chakra_converter Text} spells them.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Write a workload as a Chakra ET trace set PREFIX.0.et ... (as Chakra's text converter writes it).")
final class ConvertCommand implements Callable<Integer> {
    @Option(names = "--to", required = true, paramLabel = "FORMAT", description = "output format: chakra")
    String to;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "an ASTRA-sim 1.0 text workload")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "PREFIX", description = "writes PREFIX.0.et ... PREFIX.N-1.et")
    String output;

    @Option(names = "--num-npus", required = true, paramLabel = "N", description = "NPUs (one file each)")
    int npus;

    @Option(names = "--num-passes", defaultValue = "1", paramLabel = "P", description = "training passes (default 1)")
    int passes;

    @Override
    public Integer call() throws Exception {
        if (!to.toLowerCase(Locale.ROOT).equals("chakra"))
            throw new InputException("--to: expected chakra, found '" + to + "'");
        if (!Files.isRegularFile(input)) throw new InputException("--input: " + input + " does not exist");
        Workload w = Workload.parse(input, 1, 1);
        // a prefix that names a folder wrote hidden files (DIR/.0.et …)
        if (output.endsWith("/") || output.endsWith(java.io.File.separator) || Files.isDirectory(Path.of(output)))
            throw new InputException("--output " + output + ": a folder; expected a prefix such as " + Path.of(output).resolve("et")
                    + " (files " + Path.of(output).resolve("et") + ".0.et …)");
        TextToChakra.write(w, Files.readString(input, StandardCharsets.UTF_8), npus, passes, output);
        System.err.println("written: " + output + ".0.et … " + output + "." + (npus - 1) + ".et (" + npus + " NPUs, "
                + passes + " pass(es))");
        return 0;
    }
}
