package org.astradse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code collective} command line: its JSON contract and how bad input is refused. */
class CollectiveCommandTest {
    static final String V2 = "sweeps/inputs/astra-sim/2.0/";

    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Main.execute(args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static Run collective(String network, String system, String type, String size, String... extra) {
        String[] base = {"collective", "--network", network, "--system", system, "--collective", type, "--size", size};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return run(all);
    }

    static void assertUserError(Run r, String... fragments) {
        assertEquals(2, r.status(), r.err());
        for (String f : fragments) assertTrue(r.err().contains(f), "stderr should mention '" + f + "': " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        // one line: the error (warnings before it aside)
        long errorLines = r.err().lines().filter(l -> !l.startsWith("warning: ")).count();
        assertEquals(1, errorLines, "one error line: " + r.err());
        assertTrue(r.err().lines().filter(l -> !l.startsWith("warning: ")).allMatch(l -> l.startsWith("error: ")), r.err());
    }

    @Test
    void jsonContractHasFinishAndPerNpuFinish() throws Exception {
        // reference c009: ring all-gather on Ring_4npus, 4 chunks = 64744 ns on every NPU
        Run r = collective(V2 + "Ring_4npus.yml", V2 + "Ring_4chunks.json", "all-gather", "1048576", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode o = new ObjectMapper().readTree(r.out());
        assertEquals(64744, o.get("finishNs").asLong());
        assertEquals(4, o.get("perNpuFinishNs").size());
        for (JsonNode f : o.get("perNpuFinishNs")) assertEquals(64744, f.asLong());
    }

    @Test
    void awareModelIsSelectable() throws Exception {
        // reference c034: Ring_4npus + HGX (2 active chunks) aware = 29800, unaware (c002) = 21122
        Run aware = collective(V2 + "Ring_4npus.yml", V2 + "HGX-H100-validated.json", "all-reduce", "1048576",
                "--congestion", "aware", "--json");
        assertEquals(29800, new ObjectMapper().readTree(aware.out()).get("finishNs").asLong());
        Run plain = collective(V2 + "Ring_4npus.yml", V2 + "HGX-H100-validated.json", "all-reduce", "1048576");
        assertEquals(0, plain.status());
        assertTrue(plain.out().contains("21122"), plain.out());
    }

    @Test
    void missingFileIsNamed() {
        assertUserError(collective("nope.yml", V2 + "Ring_4chunks.json", "all-reduce", "1024"), "nope.yml", "not found");
    }

    @Test
    void directoryInsteadOfFile() {
        assertUserError(collective(V2, V2 + "Ring_4chunks.json", "all-reduce", "1024"), "directory");
    }

    @Test
    void malformedYamlNamesTheLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.yml");
        Files.writeString(f, "topology: [ Ring\nnpus_count: [ 4 ]\n");
        assertUserError(collective(f.toString(), V2 + "Ring_4chunks.json", "all-reduce", "1024"), "bad.yml", "line");
    }

    @Test
    void unknownTopologyNamesTheField(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("torus.yml");
        Files.writeString(f, "topology: [ Torus ]\nnpus_count: [ 4 ]\nbandwidth: [ 50 ]\nlatency: [ 500 ]\n");
        assertUserError(collective(f.toString(), V2 + "Ring_4chunks.json", "all-reduce", "1024"),
                "torus.yml", "topology[0]", "Ring, FullyConnected or Switch");
    }

    @Test
    void inconsistentListLengths(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("short.yml");
        Files.writeString(f, "topology: [ Ring, Switch ]\nnpus_count: [ 4 ]\nbandwidth: [ 50, 50 ]\nlatency: [ 500, 500 ]\n");
        assertUserError(collective(f.toString(), V2 + "Ring_4chunks.json", "all-reduce", "1024"), "npus_count", "2 entries");
    }

    @Test
    void missingSplitsAndZeroEndpointDelayAreRefused(@TempDir Path dir) throws Exception {
        String json = Files.readString(Path.of(V2 + "Ring_4chunks.json"));
        Path noSplits = dir.resolve("nosplits.json");
        Files.writeString(noSplits, json.replace("\"preferred-dataset-splits\": 4,", ""));
        assertUserError(collective(V2 + "Ring_4npus.yml", noSplits.toString(), "all-reduce", "1024"),
                "nosplits.json", "preferred-dataset-splits");
        assertUserError(collective(V2 + "Ring_8npus.yml", V2 + "sys_ring_localBWAware_s4_a1_ed0_lmb1600.json",
                "all-reduce", "1048576"), "endpoint-delay");
    }

    @Test
    void unknownAlgorithmAndKeys(@TempDir Path dir) throws Exception {
        String json = Files.readString(Path.of(V2 + "Ring_4chunks.json"));
        Path bad = dir.resolve("algo.json");
        Files.writeString(bad, json.replaceFirst("\"ring\"", "\"spiral\""));
        assertUserError(collective(V2 + "Ring_4npus.yml", bad.toString(), "all-reduce", "1024"),
                "all-reduce-implementation[0]", "spiral");
        Path extra = dir.resolve("extra.json");
        Files.writeString(extra, json.replace("\"boost-mode\": 0,", "\"boost-mode\": 0, \"turbo\": 1,"));
        Run r = collective(V2 + "Ring_4npus.yml", extra.toString(), "all-reduce", "1048576");
        assertEquals(0, r.status());
        assertTrue(r.err().contains("warning") && r.err().contains("turbo"), r.err());
    }

    @Test
    void badCollectiveAndSizes() {
        assertUserError(collective(V2 + "Ring_4npus.yml", V2 + "Ring_4chunks.json", "broadcast", "1024"), "broadcast");
        assertUserError(collective(V2 + "Ring_4npus.yml", V2 + "Ring_4chunks.json", "all-reduce", "0"), "--size");
        assertUserError(collective(V2 + "Ring_4npus.yml", V2 + "Ring_4chunks.json", "all-reduce", "-5"), "--size");
        assertUserError(collective(V2 + "Ring_4npus.yml", V2 + "Ring_4chunks.json", "all-reduce", "lots"), "lots");
        assertUserError(collective(V2 + "Ring_4npus.yml", V2 + "Ring_4chunks.json", "all-gather", "3"), "0-byte chunks");
    }

    @Test
    void impossibleCombinationsAreExplained() {
        assertUserError(collective(V2 + "Switch_16npus.yml", V2 + "sys_hd_localBWAware_s4_a1.json", "all-to-all", "1048576"),
                "halvingDoubling", "all-to-all");
        assertUserError(collective(V2 + "Ring_Switch_4x4.yml", V2 + "sys_ring-ring_localBWAware_s4_a1.json", "all-reduce",
                "1048576", "--congestion", "aware"), "1-dim");
        assertUserError(collective(V2 + "Ring_4npus.yml", V2 + "sys_ring-ring_localBWAware_s4_a1.json", "all-reduce",
                "1048576"), "2 implementation tokens");
    }

    @Test
    void doubleBinaryTreeAllGatherRunsAnAllReduceWithAWarning() throws Exception {
        Run ag = collective(V2 + "Switch_16npus.yml", V2 + "sys_dbt_localBWAware_s4_a1.json", "all-gather", "1048576", "--json");
        assertEquals(0, ag.status(), ag.err());
        assertTrue(ag.err().contains("doubleBinaryTree"), ag.err());
        // reference c077: the DBT all-reduce of the same size finishes at 99311
        assertEquals(99311, new ObjectMapper().readTree(ag.out()).get("finishNs").asLong());
    }
}
