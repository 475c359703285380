package org.astradse.cli;

import static org.astradse.cli.CollectiveCommandTest.assertUserError;
import static org.astradse.cli.CollectiveCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes a fourth adversarial pass (about 380 bad inputs to train, nccl-tests, compute, sweep and search) found
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
}
