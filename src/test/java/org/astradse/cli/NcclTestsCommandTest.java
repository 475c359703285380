package org.astradse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
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
    }
}
