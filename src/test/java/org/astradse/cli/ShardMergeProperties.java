package org.astradse.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Property: for a random number of shards N and any of several specs (an ASTRA-sim grid with two workloads, a
 * mixed-rank one, an LLM training study), merging the N shards in a random order gives the single run's files.
 */
class ShardMergeProperties {
    static final List<String> SPECS = List.of(SweepCommandTest.SMALL.toString(), "sweeps/two-workloads.yaml",
            "sweeps/llm/llm-qwen3-235b-moe.yaml");

    @Property(tries = 8, seed = "20261202")
    void mergedShardsEqualTheSingleRun(@ForAll @IntRange(min = 1, max = 7) int n, @ForAll @IntRange(min = 0, max = 2) int which,
                                       @ForAll @IntRange(min = 0, max = 1000) int order) throws Exception {
        Path dir = Files.createTempDirectory("shards");
        try {
            String spec = SPECS.get(which);
            Path single = dir.resolve("single");
            ShardMergeTest.sweep("sweep", spec, "--out", single.toString());
            List<String> folders = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Path shard = dir.resolve("s" + i);
                ShardMergeTest.sweep("sweep", spec, "--shard", i + "/" + n, "--out", shard.toString(), "--threads", "" + (1 + i % 2));
                folders.add(shard.toString());
            }
            Collections.shuffle(folders, new Random(order));
            List<String> args = new ArrayList<>(List.of("merge"));
            args.addAll(folders);
            args.addAll(List.of("--out", dir.resolve("merged").toString()));
            ShardMergeTest.sweep(args.toArray(String[]::new));
            for (String f : List.of("points.csv", "pareto.csv", "pareto.svg"))
                assertArrayEquals(Files.readAllBytes(single.resolve(f)), Files.readAllBytes(dir.resolve("merged").resolve(f)),
                        spec + ", " + n + " shards: " + f);
            assertEquals(ShardMergeTest.withoutTiming(single.resolve("manifest.json")),
                    ShardMergeTest.withoutTiming(dir.resolve("merged/manifest.json")), spec + ", " + n + " shards");
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
