package org.astradse.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Array-job shards: {@code sweep --shard I/N} then {@code merge} gives the files of one run — for several N (more shards
 * than points included) and shard folders given in any order — and missing or duplicate shards are refused.
 */
class ShardMergeTest {
    static final Path SMALL = SweepCommandTest.SMALL;

    static void sweep(String... args) {
        CollectiveCommandTest.Run r = CollectiveCommandTest.run(args);
        assertEquals(0, r.status(), r.err());
    }

    static ObjectNode withoutTiming(Path manifest) throws Exception {
        ObjectNode m = (ObjectNode) new ObjectMapper().readTree(manifest.toFile());
        m.remove("timing");
        return m;
    }

    @Test
    void mergedShardsEqualOneRun(@TempDir Path dir) throws Exception {
        Path single = dir.resolve("single");
        sweep("sweep", SMALL.toString(), "--out", single.toString());
        long points = Files.readAllLines(single.resolve("points.csv")).size() - 1;
        Random random = new Random(7);
        for (int n : new int[] {1, 2, 3, 5, (int) points + 2}) {
            List<String> folders = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Path shard = dir.resolve("n" + n + "-s" + i);
                sweep("sweep", SMALL.toString(), "--shard", i + "/" + n, "--out", shard.toString(), "--threads", "" + (1 + i % 2));
                folders.add(shard.toString());
            }
            Collections.shuffle(folders, random); // the order the folders are named in does not matter
            Path merged = dir.resolve("merged-" + n);
            List<String> args = new ArrayList<>(List.of("merge"));
            args.addAll(folders);
            args.addAll(List.of("--out", merged.toString()));
            sweep(args.toArray(String[]::new));
            for (String f : List.of("points.csv", "pareto.csv", "pareto.svg"))
                assertArrayEquals(Files.readAllBytes(single.resolve(f)), Files.readAllBytes(merged.resolve(f)), n + " shards: " + f);
            assertEquals(withoutTiming(single.resolve("manifest.json")), withoutTiming(merged.resolve("manifest.json")), n + " shards");
        }
    }

    @Test
    void missingDuplicateOrForeignShardsAreRefused(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 3; i++) sweep("sweep", SMALL.toString(), "--shard", i + "/3", "--out", dir.resolve("s" + i).toString());
        CollectiveCommandTest.Run missing = CollectiveCommandTest.run("merge", dir.resolve("s0").toString(),
                dir.resolve("s2").toString(), "--out", dir.resolve("m1").toString());
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("shards [1] of 3 are missing"), missing.err());
        CollectiveCommandTest.Run twice = CollectiveCommandTest.run("merge", dir.resolve("s0").toString(),
                dir.resolve("s1").toString(), dir.resolve("s1").toString(), "--out", dir.resolve("m2").toString());
        assertEquals(2, twice.status());
        assertTrue(twice.err().contains("shard 1/3 given twice"), twice.err());
        sweep("sweep", SMALL.toString(), "--out", dir.resolve("whole").toString());
        CollectiveCommandTest.Run notShard = CollectiveCommandTest.run("merge", dir.resolve("whole").toString(),
                "--out", dir.resolve("m3").toString());
        assertEquals(2, notShard.status());
        assertTrue(notShard.err().contains("not a shard"), notShard.err());
        CollectiveCommandTest.Run bad = CollectiveCommandTest.run("sweep", SMALL.toString(), "--shard", "3/3", "--out",
                dir.resolve("x").toString());
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("--shard"), bad.err());
    }

    @Test
    void aBrokenShardIsNamedAndAFailedMergeLeavesNothingBehind(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 3; i++) sweep("sweep", SMALL.toString(), "--shard", i + "/3", "--out", dir.resolve("s" + i).toString());
        Path rows = dir.resolve("s1/points.csv");
        List<String> good = Files.readAllLines(rows);
        // a garbage row of shard 1: named with its shard and line, not a NumberFormatException from the writer
        List<String> bad = new ArrayList<>(good);
        bad.set(2, "x" + bad.get(2));
        Files.write(rows, bad);
        Path out = dir.resolve("m");
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("merge", dir.resolve("s0").toString(), dir.resolve("s1").toString(),
                dir.resolve("s2").toString(), "--out", out.toString());
        CollectiveCommandTest.assertUserError(r, "s1/points.csv", "line 3", "point_id");
        // the corrected rerun into the same folder is not blocked by the failed merge's rows
        Files.write(rows, good);
        sweep("merge", dir.resolve("s0").toString(), dir.resolve("s1").toString(), dir.resolve("s2").toString(), "--out", out.toString());
        // an empty points.csv is named, not a NullPointerException
        Files.writeString(rows, "");
        r = CollectiveCommandTest.run("merge", dir.resolve("s0").toString(), dir.resolve("s1").toString(),
                dir.resolve("s2").toString(), "--out", dir.resolve("m2").toString());
        CollectiveCommandTest.assertUserError(r, "s1/points.csv", "empty");
        // merging into one of the shards would overwrite it
        r = CollectiveCommandTest.run("merge", dir.resolve("s0").toString(), dir.resolve("s2").toString(), "--out",
                dir.resolve("s0").toString(), "--force");
        CollectiveCommandTest.assertUserError(r, "is one of the shards");
    }
}
