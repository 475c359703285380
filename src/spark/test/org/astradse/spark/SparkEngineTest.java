package org.astradse.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.astradse.cli.Main;
import org.astradse.sweep.PointEngine;
import org.astradse.sweep.SweepRunner;
import org.astradse.sweep.SweepSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark engine in {@code local[2]}: a sweep and a search write the files a local run writes (the manifest's
 * timing aside), for any task size; a sweep interrupted on one engine resumes on the other to the same files.
 */
class SparkEngineTest {
    static JavaSparkContext sc;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("astradse-test").set("spark.ui.enabled", "false"));
        sc.setLogLevel("WARN");
    }

    @AfterAll
    static void stop() {
        PointEngine.Factory.set(PointEngine.Local::new);
        sc.stop();
    }

    static void assertSameRun(Path a, Path b) throws Exception {
        for (String f : new String[] {"points.csv", "pareto.csv", "pareto.svg"})
            assertEquals(Files.readString(a.resolve(f)), Files.readString(b.resolve(f)), f);
        ObjectMapper om = new ObjectMapper();
        ObjectNode ma = (ObjectNode) om.readTree(a.resolve("manifest.json").toFile());
        ObjectNode mb = (ObjectNode) om.readTree(b.resolve("manifest.json").toFile());
        ma.remove("timing");
        mb.remove("timing");
        assertEquals(ma, mb, "manifest (timing aside)");
    }

    @Test
    void sweepsAndSearchesWriteTheLocalFiles() throws Exception {
        Path spec = Path.of("sweeps/quickstart.yaml");
        PointEngine.Factory.set(PointEngine.Local::new);
        assertEquals(0, Main.execute("sweep", spec.toString(), "--out", dir.resolve("local").toString()));
        assertEquals(0, Main.execute("search", spec.toString(), "--budget", "60", "--population", "12", "--seed", "3", "--out",
                dir.resolve("local-search").toString()));
        for (int taskSize : new int[] {0, 1, 37}) {
            PointEngine.Factory.set(t -> new SparkEngine(sc, taskSize));
            Path out = dir.resolve("spark" + taskSize);
            assertEquals(0, Main.execute("sweep", spec.toString(), "--out", out.toString()));
            assertSameRun(dir.resolve("local"), out);
        }
        PointEngine.Factory.set(t -> new SparkEngine(sc, 0));
        assertEquals(0, Main.execute("search", spec.toString(), "--budget", "60", "--population", "12", "--seed", "3", "--out",
                dir.resolve("spark-search").toString()));
        assertSameRun(dir.resolve("local-search"), dir.resolve("spark-search"));
        // a training study too
        assertEquals(0, Main.execute("sweep", "sweeps/llm/llm-qwen3-235b-moe.yaml", "--out", dir.resolve("spark-llm").toString()));
        PointEngine.Factory.set(PointEngine.Local::new);
        assertEquals(0, Main.execute("sweep", "sweeps/llm/llm-qwen3-235b-moe.yaml", "--out", dir.resolve("local-llm").toString()));
        assertSameRun(dir.resolve("local-llm"), dir.resolve("spark-llm"));
    }

    /** Runs the quickstart on {@code engine} and stops it after about {@code after} points (as SIGTERM would). */
    static SweepRunner.Outcome interruptedRun(Path out, PointEngine engine, long after) {
        AtomicLong calls = new AtomicLong();
        SweepSpec spec = SweepSpec.parse(Path.of("sweeps/quickstart.yaml"));
        return SweepRunner.run(spec, out, engine, false, false, Main.version(), SweepRunner.Progress.NONE,
                () -> calls.incrementAndGet() > after, null);
    }

    @Test
    void aSweepResumesAcrossEngines() throws Exception {
        PointEngine.Factory.set(PointEngine.Local::new);
        assertEquals(0, Main.execute("sweep", "sweeps/quickstart.yaml", "--out", dir.resolve("whole").toString()));
        // interrupted on Spark, resumed locally
        SweepRunner.Outcome o = interruptedRun(dir.resolve("a"), new SparkEngine(sc, 16), 3);
        long all = org.astradse.sweep.DesignSpace.of(SweepSpec.parse(Path.of("sweeps/quickstart.yaml"))).size(); // 648
        assertTrue(o.interrupted() && o.evaluated() < all, "stopped early: " + o.evaluated() + " of " + all);
        JsonNode m = new ObjectMapper().readTree(dir.resolve("a/manifest.json").toFile());
        assertEquals("interrupted", m.get("status").asText());
        assertEquals(0, Main.execute("sweep", "sweeps/quickstart.yaml", "--out", dir.resolve("a").toString(), "--resume"));
        assertSameRun(dir.resolve("whole"), dir.resolve("a"));
        // interrupted locally, resumed on Spark
        SweepRunner.Outcome l = interruptedRun(dir.resolve("b"), new PointEngine.Local(2), 100);
        assertTrue(l.interrupted(), "stopped early");
        PointEngine.Factory.set(t -> new SparkEngine(sc, 16));
        assertEquals(0, Main.execute("sweep", "sweeps/quickstart.yaml", "--out", dir.resolve("b").toString(), "--resume"));
        assertSameRun(dir.resolve("whole"), dir.resolve("b"));
    }

    @Test
    void theEntryPointRefusesBadOptions() {
        assertEquals(2, SparkMain.run("sweep", "sweeps/quickstart.yaml", "--task-size", "0", "--master", "local[1]"));
        assertEquals(2, SparkMain.run("sweep", "sweeps/quickstart.yaml", "--master"));
        assertEquals(2, SparkMain.run("--master", "local[1]"));
        assertEquals(2, SparkMain.run("sweep", "sweeps/quickstart.yaml", "--master", "foo://nowhere")); // Spark's checked SparkException
    }
}
