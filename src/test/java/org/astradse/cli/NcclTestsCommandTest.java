package org.astradse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.astradse.hw.FabricProfile;
import org.astradse.hw.GpuProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nccl-tests}: the JSON contract, nccl-tests' size sequence and bus-bandwidth definition, refused input. */
class NcclTestsCommandTest {
    @Test
    void jsonRowsFollowTheSizesAndDefinitions() throws Exception {
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("nccl-tests", "--cluster", "sweeps/clusters/aws-p4de.yaml",
                "--op", "all_reduce", "-b", "1M", "-e", "1G", "-f", "4", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode rows = new ObjectMapper().readTree(r.out()).get("rows");
        assertEquals(6, rows.size()); // 1M, 4M, 16M, 64M, 256M, 1G
        assertEquals(1L << 30, rows.get(5).get("bytes").asLong());
        for (JsonNode row : rows) {
            double algbw = row.get("bytes").asDouble() / (row.get("timeUs").asDouble() * 1e-6) / 1e9;
            assertEquals(algbw, row.get("algbwGBps").asDouble(), 1e-9 * algbw);
            assertEquals(algbw * 2 * 15 / 16, row.get("busbwGBps").asDouble(), 1e-9 * algbw); // 16 GPUs: 2(n-1)/n
            assertTrue(row.has("algo"));
        }
        // measured on 2 x p4de (nccl-tests-visible.csv): 26217 us at 1 GiB; the calibrated model within 10 %
        assertTrue(Math.abs(rows.get(5).get("timeUs").asDouble() / 26217 - 1) < 0.10, rows.get(5).toString());
    }

    @Test
    void badInputIsAUserError(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("c.yaml");
        Files.writeString(bad, "cluster:\n  gpu: H100-SXM\n  network:\n    topology: [Switch, Switch]\n    npus_count: [8, 2]\n"
                + "    bandwidth: [450, 0]\n  fabric: [nvlink4-nvswitch, ib-ndr]\n");
        CollectiveCommandTest.Run zero = CollectiveCommandTest.run("nccl-tests", "--cluster", bad.toString(), "--op", "all_reduce");
        assertEquals(2, zero.status());
        assertTrue(zero.err().contains("network.bandwidth[1]") && zero.err().contains(bad.toString()), zero.err());
        Files.writeString(bad, Files.readString(bad).replace("bandwidth: [450, 0]", "bandwidth: [450, 50]").replace("ib-ndr", "ib-ndz"));
        CollectiveCommandTest.Run fabric = CollectiveCommandTest.run("nccl-tests", "--cluster", bad.toString(), "--op", "all_reduce");
        assertEquals(2, fabric.status());
        assertTrue(fabric.err().contains("fabric[1]") && fabric.err().contains("ib-ndz"), fabric.err());
        CollectiveCommandTest.Run size = CollectiveCommandTest.run("nccl-tests", "--cluster", "sweeps/clusters/aws-p5.yaml", "--op",
                "all_reduce", "-b", "-8");
        assertEquals(2, size.status());
        CollectiveCommandTest.Run nvls = CollectiveCommandTest.run("nccl-tests", "--cluster", "sweeps/clusters/aws-p4de.yaml", "--op",
                "all_reduce", "--algo", "nvls");
        assertEquals(2, nvls.status());
        // SHARP reduces in the network too, but NVLS is an NVSwitch domain's: an InfiniBand-only cluster refuses it
        Files.writeString(bad, "cluster:\n  gpu: H100-SXM\n  network:\n    topology: [Switch]\n    npus_count: [16]\n"
                + "    bandwidth: [50]\n  fabric: [ib-ndr-sharp]\n");
        CollectiveCommandTest.Run sharp = CollectiveCommandTest.run("nccl-tests", "--cluster", bad.toString(), "--op", "all_reduce",
                "--algo", "nvls");
        assertEquals(2, sharp.status(), sharp.out());
        assertTrue(sharp.err().contains("NVLS"), sharp.err());
        assertTrue(nvls.err().contains("NVLS"), nvls.err());
        // a zero size (nccl-tests would loop on -f from 0) and a scalar where the fabrics' list belongs
        CollectiveCommandTest.Run zeroSize = CollectiveCommandTest.run("nccl-tests", "--cluster", "aws-p5", "--op", "all_reduce", "-b", "0");
        assertEquals(2, zeroSize.status());
        assertTrue(zeroSize.err().contains("-b") && zeroSize.err().contains("'0'"), zeroSize.err());
        Files.writeString(bad, "cluster:\n  gpu: H100-SXM\n  network: {topology: [Switch], npus_count: [8], bandwidth: [450]}\n"
                + "  fabric: nvlink4-nvswitch\n");
        CollectiveCommandTest.Run scalar = CollectiveCommandTest.run("nccl-tests", "--cluster", bad.toString(), "--op", "all_reduce");
        assertEquals(2, scalar.status());
        assertTrue(scalar.err().contains("cluster.fabric: found \"nvlink4-nvswitch\""), scalar.err());
    }

    @Test
    void aBundledClusterIsNamedAsInTrainAndSweep() throws Exception {
        // --cluster aws-p5 reads the bundled cluster, exactly as the file sweeps/clusters/aws-p5.yaml
        CollectiveCommandTest.Run named = CollectiveCommandTest.run("nccl-tests", "--cluster", "aws-p5", "--op", "all_reduce", "--json");
        CollectiveCommandTest.Run file = CollectiveCommandTest.run("nccl-tests", "--cluster", "sweeps/clusters/aws-p5.yaml", "--op",
                "all_reduce", "--json");
        assertEquals(0, named.status(), named.err());
        assertEquals(file.out(), named.out());
    }

    /**
     * A misspelt key anywhere a user writes hardware — the cluster, its network, a GPU profile file (its gemm and kernels
     * sections), a fabric profile file — is refused with the file and the key: read as absent, an optional key (kernels'
     * step-efficiency, a cluster's latency) would silently keep its default.
     */
    @Test
    void aMisspeltKeyIsRefusedWhereverHardwareIsWritten(@TempDir Path dir) throws Exception {
        String good = "cluster:\n  gpu: H100-SXM\n  network:\n    topology: [Switch, Switch]\n    npus_count: [8, 2]\n"
                + "    bandwidth: [450, 50]\n  fabric: [nvlink4-nvswitch, ib-ndr]\n";
        Path c = dir.resolve("c.yaml");
        record Case(String replace, String with, String key) {
        }
        for (Case k : List.of(new Case("  fabric:", "  latency-extra: 3\n  fabric:", "cluster.latency-extra"),
                new Case("    bandwidth:", "    latncy: [100, 1000]\n    bandwidth:", "cluster.network.latncy"))) {
            Files.writeString(c, good.replace(k.replace(), k.with()));
            refused(c, c.toString(), k.key(), "unknown key");
        }
        // a GPU profile file: a copy of the bundled H100 with one optional kernels key misspelt, then kernels not a mapping
        String h100 = new String(GpuProfile.class.getResourceAsStream("gpus/H100-SXM.yaml").readAllBytes());
        Path gpu = dir.resolve("my-gpu.yaml");
        Files.writeString(c, good.replace("gpu: H100-SXM", "gpu: my-gpu.yaml"));
        Files.writeString(gpu, h100.replace("step-efficiency:", "step-eficiency:"));
        refused(c, "kernels.step-eficiency", "my-gpu.yaml");
        Files.writeString(gpu, h100.replaceAll("(?s)kernels:.*", "kernels: 5\n"));
        refused(c, "kernels", "found 5");
        Files.writeString(gpu, h100); // the copy itself is a valid profile
        assertEquals(0, CollectiveCommandTest.run("nccl-tests", "--cluster", c.toString(), "--op", "all_reduce").status());
        // a fabric profile file: a top-level key misspelt, then a flag of the wrong type, which is refused rather than
        // read as the key's default (false)
        String ndr = new String(FabricProfile.class.getResourceAsStream("fabrics/ib-ndr.yaml").readAllBytes());
        Path fab = dir.resolve("my-fabric.yaml");
        Files.writeString(c, good.replace("ib-ndr]", "my-fabric.yaml]"));
        Files.writeString(fab, ndr.replace("in-network-reduction:", "in-network-reductoin:"));
        refused(c, "in-network-reductoin", "fabric[1]");
        Files.writeString(fab, ndr.replace("in-network-reduction: false", "in-network-reduction: \"yes\""));
        refused(c, "in-network-reduction", "true or false");
        // a SHARP efficiency on a network that does not reduce in its switches, or above 1
        Files.writeString(fab, ndr + "sharp-efficiency: 0.5\n");
        refused(c, "sharp-efficiency", "in-network-reduction: true");
        Files.writeString(fab, ndr.replace("in-network-reduction: false", "in-network-reduction: true") + "sharp-efficiency: 1.5\n");
        refused(c, "sharp-efficiency", "found 1.5");
        // a point-to-point step below 0, or on a scale-up fabric (NVLink has no network proxy)
        Files.writeString(fab, ndr.replace("p2p-step-us: 17.212", "p2p-step-us: -1"));
        refused(c, "p2p-step-us", "found -1");
        Files.writeString(fab, ndr.replace("scale-up: false", "scale-up: true"));
        refused(c, "p2p-step-us", "scale-up: false");
        // a ring step below 0, or a protocol left out
        Files.writeString(fab, ndr + "ring-step-us: {ll: 0.6, ll128: -1, simple: 3.4}\n");
        refused(c, "ring-step-us.ll128", "found -1");
        Files.writeString(fab, ndr + "ring-step-us: {ll: 0.6, simple: 3.4}\n");
        refused(c, "ring-step-us.ll128", "missing");
    }

    /** nccl-tests on cluster file {@code c} is a user error (exit 2, one line, no stack trace) naming each fragment. */
    private static void refused(Path c, String... fragments) {
        CollectiveCommandTest.assertUserError(CollectiveCommandTest.run("nccl-tests", "--cluster", c.toString(), "--op",
                "all_reduce"), fragments);
    }
}
