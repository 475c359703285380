package org.astradse.cli;

import static org.astradse.cli.CollectiveCommandTest.assertUserError;
import static org.astradse.cli.CollectiveCommandTest.run;
import static org.astradse.cli.SweepCommandTest.refused;
import static org.astradse.cli.SweepCommandTest.replace;
import static org.astradse.cli.SweepCommandTest.small;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes a fourth adversarial pass (about 380 bad inputs to train, nccl-tests, compute and search, 337 sweep specs) found
 * answered with a library's words, a misleading message, or not at all (each was accepted, or refused with a message
 * that did not say what was wrong).
 */
class BadInputPassFourTest {
    static final String TRAIN = """
            model: llama3-8b
            parallel: {tp: 2, pp: 2, micro-batch: 1, global-batch: 16}
            cluster:
              gpu: H100-SXM
              network: {topology: [Switch], npus_count: [8], bandwidth: [450]}
              fabric: [nvlink4-nvswitch]
            """;

    static CollectiveCommandTest.Run train(Path dir, String name, String text) throws Exception {
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, text);
        return run("train", "--config", f.toString());
    }

    @Test
    void yamlMistakesAreSaidInTheFilesWords(@TempDir Path dir) throws Exception {
        // a mapping where a key belongs: SnakeYAML's event object (<org.yaml.snakeyaml.events.MappingStartEvent(anchor=null…)>)
        CollectiveCommandTest.Run r = train(dir, "flow", "model: llama3-8b\nparallel: {{tp: 2}}\n");
        assertUserError(r, "flow.yaml", "line 2", "expected a key", "found a mapping");
        assertFalse(r.err().contains("org.yaml") || r.err().contains("null"), r.err());
        r = train(dir, "complex", "? [a, b]\n: 1\n");
        assertUserError(r, "complex.yaml", "found a list");
        // YAML's .nan / .inf where a number belongs (Jackson: "Malformed numeric value")
        r = train(dir, "nan", TRAIN.replace("bandwidth: [450]", "bandwidth: [.nan]"));
        assertUserError(r, "nan.yaml", "line 5", "'.nan' is not a finite number");
        // a quoted number in a cluster's numeric list was read as the number (elsewhere "2" is refused)
        assertUserError(train(dir, "quoted", TRAIN.replace("bandwidth: [450]", "bandwidth: [\"450\"]")), "quoted.yaml",
                "cluster.network.bandwidth[0]", "expected a number", "\"450\" (a string)");
        assertUserError(train(dir, "unit", TRAIN.replace("bandwidth: [450]", "bandwidth: [\"450GB/s\"]")),
                "cluster.network.bandwidth[0]", "\"450GB/s\"");
    }

    @Test
    void clusterAndProfileNamesSayWhatTheyAreNot(@TempDir Path dir) throws Exception {
        // an unknown cluster name: "dgx-z900: file not found" did not list the bundled clusters
        assertUserError(run("nccl-tests", "--cluster", "dgx-z900", "--op", "all_reduce"), "dgx-z900", "neither a bundled cluster",
                "dgx-h100", "file not found");
        assertUserError(run("nccl-tests", "--cluster", dir.toString(), "--op", "all_reduce"), "is a folder");
        // a GPU profile file that does not exist, or a folder: "unknown GPU" alone
        assertUserError(run("compute", "--gpu", dir.resolve("gpu.yaml").toString(), "--gemm", "8,8,8"), "--gpu", "no file");
        assertUserError(run("compute", "--gpu", dir.toString(), "--gemm", "8,8,8"), "--gpu", "is a folder");
        // a GPU profile without its SM count: "found null"
        Path gpu = dir.resolve("nosms.yaml");
        Files.writeString(gpu, new String(BadInputPassFourTest.class.getResourceAsStream("/org/astradse/hw/gpus/H100-SXM.yaml")
                .readAllBytes()).replaceAll("(?m)^sms:.*\n", ""));
        CollectiveCommandTest.Run r = run("compute", "--gpu", gpu.toString(), "--gemm", "8,8,8");
        assertUserError(r, "nosms.yaml", "sms: missing");
        assertFalse(r.err().contains("null"), r.err());
        // fabrics listed outside in: NVLink outside InfiniBand ran with the network as the node's domain
        Path rev = dir.resolve("rev.yaml");
        Files.writeString(rev, "cluster:\n  gpu: H100-SXM\n  network: {topology: [Switch, Switch], npus_count: [8, 2], "
                + "bandwidth: [50, 450]}\n  fabric: [ib-ndr, nvlink4-nvswitch]\n");
        assertUserError(run("nccl-tests", "--cluster", rev.toString(), "--op", "all_reduce"), "cluster.fabric[1]",
                "outside network dimension 0", "innermost");
    }

    @Test
    void optionValuesAreRefusedInTheUsersWords() {
        // picocli's "'1.5' is not a long"
        assertUserError(run("nccl-tests", "--cluster", "aws-p5", "--op", "all_reduce", "-f", "1.5"), "'1.5' is not a whole number");
        // a size beyond any run was "expected a size > 0" though positive
        assertUserError(run("nccl-tests", "--cluster", "aws-p5", "--op", "all_reduce", "-e", "99999999999G"), "-e",
                "to 2^50 bytes", "99999999999G");
        // an empty precision: "GPU H100-SXM has no  peak"
        assertUserError(run("compute", "--gpu", "H100-SXM", "--gemm", "8,8,8", "--precision", ""), "--precision", "has no value",
                "bf16");
    }

    @Test
    void sweepValuesBeyondAnySystemAndBadWorkloadsStopBeforeTheFirstPoint(@TempDir Path dir) throws Exception {
        String s = small();
        // 10^5 passes ran out of heap (a stack trace, exit 1, the manifest left "running")
        refused(dir, "passes", replace(s, "num-passes: 2", "num-passes: 100000"), "num-passes", "from 1 to 10000", "100000");
        // a comm-scale of 1e300 or a latency of 1e18 ns wrapped past 2^63 ns into "ok" rows of nonsense times
        refused(dir, "scale", replace(s, "num-passes: 2", "num-passes: 2\n  comm-scale: 1e300"), "comm-scale", "up to 1000000");
        refused(dir, "latency", replace(s, "latency: [200, 700]", "latency: [1e18, 700]"), "latency[0]", "at most 10^12");
        refused(dir, "bandwidth", replace(s, "bandwidth: [100, 50]", "bandwidth: [1e-12, 50]"), "bandwidth[0]", "from 10^-6 (a kB/s) to 10^12");
        // a malformed workload file was an infeasible row at every point (exit 0 with a second, good workload)
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, Files.readString(Path.of("sweeps/inputs/astra-sim/1.0/workload/gen_data2_ar.txt"))
                .replaceFirst("ALLREDUCE", "ALLSHUFFLE"));
        Path spec = dir.resolve("wl.yaml");
        Files.writeString(spec, s.replace("workload/gen_data2_nocomm.txt", "workload/gen_data2_nocomm.txt\n  - " + bad));
        Path out = dir.resolve("out-wl");
        assertUserError(run("sweep", spec.toString(), "--out", out.toString()), "bad.txt", "line", "'ALLSHUFFLE'");
        assertFalse(Files.exists(out.resolve("points.csv")), "no point may be evaluated");
        // a derived value that gives null, or is a mapping, was blamed on the next constraint (or "found null")
        String derived = "  network.latency[1]: \"network.topology[1] == 'Switch' ? 700 : 350\"";
        refused(dir, "derivedNull", replace(s, derived, "  network.latency[1]: \"null\""), "derived.network.latency[1]",
                "gives no value");
        refused(dir, "derivedMap", replace(s, derived, "  network.latency[1]: {expr: 5}"), "derived.network.latency[1]",
                "expected an expression", "{\"expr\":5}");
    }

    @Test
    void aFolderOfAnotherFinishedRunIsNamedSo(@TempDir Path dir) throws Exception {
        // a finished run of another spec in --out was "unfinished or different; use --resume", which --resume then refused
        Path a = dir.resolve("a.yaml");
        Path b = dir.resolve("b.yaml");
        Files.writeString(a, small());
        Files.writeString(b, replace(small(), "network.bandwidth[1]: [25, 50]", "network.bandwidth[1]: [25]"));
        Path out = dir.resolve("out");
        org.junit.jupiter.api.Assertions.assertEquals(0, run("sweep", a.toString(), "--out", out.toString()).status());
        CollectiveCommandTest.Run r = run("sweep", b.toString(), "--out", out.toString());
        assertUserError(r, "different run", "finished", "another --out", "--force");
        assertFalse(r.err().contains("--resume"), r.err());
    }

    @Test
    void anElementOnlyTheNeverRunBaseHasIsRefused(@TempDir Path dir) throws Exception {
        // the bundled mixed-rank study cut to its two 2-D shapes: bandwidth[2] exists only in the 3-D base, which no point
        // runs (every point takes a swept shape); it used to be an empty column and an infeasible row at half the points
        String s = Files.readString(Path.of("sweeps/mixed-rank.yaml")).replace("inputs/", Path.of("sweeps/inputs").toAbsolutePath() + "/");
        s = s.replaceAll("(?s)  zip-shape:.*?  network.bandwidth\\[0\\]", "  zip-shape:\n"
                + "    network.topology: [[Ring, Switch], [Switch, Switch]]\n"
                + "    network.npus_count: [[8, 8], [8, 8]]\n"
                + "    network.bandwidth: [[200, 50], [200, 50]]\n"
                + "    network.latency: [[200, 1000], [500, 1000]]\n"
                + "    cost.classes: [[InterChiplet, InterPod], [InterNode, InterPod]]\n"
                + "  network.bandwidth[0]");
        refused(dir, "twoD", s, "sweep.network.bandwidth[2]", "at most 2 dimensions", "no point has [2]");
        // the bundled study itself (2-D and 3-D shapes) keeps its [2]
        Path ok = dir.resolve("mixed.yaml");
        Files.writeString(ok, Files.readString(Path.of("sweeps/mixed-rank.yaml")).replace("inputs/", Path.of("sweeps/inputs").toAbsolutePath() + "/"));
        org.junit.jupiter.api.Assertions.assertEquals(0, run("sweep", ok.toString(), "--out", dir.resolve("m").toString()).status());
    }
}
