package org.astradse.cli;

import org.astradse.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** Entry point: one subcommand per job. Exit status 0 on success, 2 on user errors, 1 on internal errors. */
@Command(name = "astradse", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Design-space exploration of distributed DL training systems on a faithful ASTRA-sim model.",
        subcommands = {SweepCommand.class, SearchCommand.class, ExportCommand.class, CollectiveCommand.class, SimulateCommand.class, ConvertCommand.class, ComputeCommand.class, NcclTestsCommand.class, MergeCommand.class, BenchCommand.class, TrainCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int USER_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit status (used by tests). */
    public static int execute(String... args) {
        CommandLine cmd = new CommandLine(new Main());
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof InputException) {
                commandLine.getErr().println("error: " + oneLine(ex.getMessage()));
                return USER_ERROR;
            }
            throw ex;
        });
        cmd.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("error: " + plainTypes(oneLine(ex.getMessage())) + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
            return USER_ERROR;
        });
        return cmd.execute(args);
    }

    /** picocli's conversion errors in the user's words: "'1.5' is not a long" says a whole number is expected. */
    static String plainTypes(String message) {
        // a whole number beyond the type's range is one too: say the range
        java.util.regex.Matcher big = java.util.regex.Pattern.compile("'(-?\\d+)' is not an? (int|Integer|long|Long)\\b").matcher(message);
        if (big.find()) {
            boolean isInt = big.group(2).equalsIgnoreCase("int") || big.group(2).equals("Integer");
            return message.substring(0, big.start()) + "'" + big.group(1) + "' is out of range (from "
                    + (isInt ? Integer.MIN_VALUE : Long.MIN_VALUE) + " to " + (isInt ? Integer.MAX_VALUE : Long.MAX_VALUE) + ")"
                    + message.substring(big.end());
        }
        return message.replaceAll("' is not an? (long|int|short|byte|Long|Integer)\\b", "' is not a whole number")
                .replaceAll("' is not an? (double|float|Double|Float)\\b", "' is not a number")
                .replaceAll("' is not a (boolean|Boolean)\\b", "' is not true or false");
    }

    /** A user error is one line: whatever a library's message spans is joined. */
    public static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** The version from the jar manifest, or "dev". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"astradse " + version()};
        }
    }

    public static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
