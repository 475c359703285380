package org.astradse.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.astradse.cli.Main;
import org.astradse.sweep.PointEngine;

/**
 * The Spark entry point (a contract): the same commands as {@code astradse.jar} — {@code sweep} and {@code search}
 * evaluate their design points as Spark tasks, with the same files as a local run — plus {@code --master URL} (or
 * spark-submit's) and {@code --task-size N} (points per task; default automatic).
 * <pre>
 *   java -cp "target/astradse-spark.jar:target/spark-lib/*" org.astradse.spark.SparkMain sweep SPEC.yaml --master local[2] --out DIR
 *   spark-submit --class org.astradse.spark.SparkMain target/astradse-spark.jar sweep SPEC.yaml --out DIR
 * </pre>
 * Executors read the spec and its inputs at the driver's paths (a shared filesystem, or one machine).
 */
public final class SparkMain {
    private SparkMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line on Spark; returns the exit status (2 for a user error, as everywhere). */
    public static int run(String... args) {
        List<String> rest = new ArrayList<>();
        String master = null;
        int taskSize = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--master") || a.startsWith("--master=")) {
                master = a.contains("=") ? a.substring(a.indexOf('=') + 1) : i + 1 < args.length ? args[++i] : null;
                if (master == null || master.isBlank()) return usage("--master: expected a Spark master URL, e.g. local[2] or spark://HOST:7077");
            } else if (a.equals("--task-size") || a.startsWith("--task-size=")) {
                String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : i + 1 < args.length ? args[++i] : "";
                try {
                    taskSize = Integer.parseInt(v.trim());
                } catch (NumberFormatException e) {
                    taskSize = -1;
                }
                if (taskSize < 1) return usage("--task-size: expected a number of points per task >= 1, found '" + v + "'");
            } else {
                rest.add(a);
            }
        }
        if (rest.isEmpty() || rest.get(0).startsWith("-") && !rest.get(0).equals("--help"))
            return usage("expected a command (sweep or search), e.g. sweep SPEC.yaml --master local[2] --out DIR");
        if (rest.contains("--help") || rest.contains("-h") || rest.get(0).equals("help")) return Main.execute(rest.toArray(String[]::new));
        SparkConf conf = new SparkConf().setAppName("astradse " + String.join(" ", rest));
        if (master != null) conf.setMaster(master);
        if (!conf.contains("spark.master"))
            return usage("no Spark master: give --master (local[2], spark://HOST:7077) or run through spark-submit");
        if (!conf.contains("spark.ui.enabled")) conf.set("spark.ui.enabled", "false");
        // executors load our classes from this jar: the driver serves it (spark-submit sets spark.jars itself)
        Path self = ownJar();
        if (!conf.contains("spark.jars") && self != null) conf.setJars(new String[] {self.toString()});
        JavaSparkContext sc;
        try {
            sc = new JavaSparkContext(conf);
        } catch (Exception e) { // a malformed master URL (Spark's checked SparkException, undeclared), an unreachable master
            return usage("cannot start Spark with master '" + conf.get("spark.master") + "': " + Main.oneLine(e.getMessage()));
        }
        try {
            sc.setLogLevel("WARN");
            int finalTaskSize = taskSize;
            PointEngine.Factory.set(threads -> new SparkEngine(sc, finalTaskSize));
            return Main.execute(rest.toArray(String[]::new));
        } finally {
            PointEngine.Factory.set(PointEngine.Local::new);
            sc.stop();
        }
    }

    private static int usage(String message) {
        System.err.println("error: " + message);
        return Main.USER_ERROR;
    }

    private static Path ownJar() {
        try {
            Path p = Path.of(SparkMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(p) ? p : null;
        } catch (Exception e) {
            return null;
        }
    }
}
