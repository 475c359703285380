package org.astradse.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/**
 * The NCCL model against published nccl-tests measurements beyond the visible table
 * ({@code nccl-tests-published.csv}: NVL72 racks, B200, GB200 VMs, H100 with IB SHARP, a 10-node H100 cluster, GCP A3
 * Mega, Azure H100/H200 NVLS; each row with its source). Each system is modelled from its description alone; the
 * NVLink5 profile's two bandwidth figures are derived here from these rows (one figure per system), and the bundled
 * profile must carry them. The errors are reported per system and bounded just above today's figures.
 */
class NcclPublishedTest {
    static final Path DATA = Path.of("src/test/resources/reference/nccl-tests-published.csv");

    record Row(String system, String cluster, String op, String algo, long bytes, double timeUs, double busbw) {
    }

    static List<Row> rows() throws IOException {
        List<Row> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(DATA)) {
            for (CSVRecord c : CSVFormat.DEFAULT.builder().setCommentMarker('#').setHeader().setSkipHeaderRecord(true).build().parse(r)) {
                double t = c.get("time_us").isBlank() ? Double.NaN : Double.parseDouble(c.get("time_us"));
                out.add(new Row(c.get("system"), c.get("cluster"), c.get("op"), c.get("algo"), Long.parseLong(c.get("bytes")), t,
                        Double.parseDouble(c.get("busbw_gbps"))));
            }
        }
        return out;
    }

    static Cluster cluster(String spec) throws IOException {
        String[] f = spec.split(";");
        Path file = Files.createTempFile("cluster", ".yaml");
        Files.writeString(file, "cluster:\n  gpu: " + f[0] + "\n  network:\n    topology: [" + f[1] + "]\n    npus_count: [" + f[2]
                + "]\n    bandwidth: [" + f[3] + "]\n  fabric: [" + f[4] + "]\n");
        return Cluster.parse(file);
    }

    /** Modelled / measured time (by busbw where the source gives no time). */
    static double ratio(Row m) throws IOException {
        NcclModel.Row r = NcclModel.time(cluster(m.cluster()), m.op(), m.bytes(), m.algo().equals("default") ? "auto" : m.algo());
        return Double.isNaN(m.timeUs()) ? m.busbw() / r.busbwGBps() : r.timeUs() / m.timeUs();
    }

    @Test
    void theNvlink5ProfileCarriesThePublishedFigures() throws IOException {
        // NVLS algbw as a fraction of the 900 GB/s line rate, one figure per published system (busbw = algbw·2(n−1)/n):
        // CoreWeave NVL72 at 8 GiB 834.57 / (2·71/72) / 900 = 0.4702, 8x B200 830 / 1.75 / 900 = 0.5270, 8 GB200 over
        // multi-node NVLink 811 / 1.75 / 900 = 0.5149; geometric mean 0.5034. The ring's bus bandwidth: one Azure ND
        // GB200 v6 VM (4 GPUs, ring stated) at 8 GiB, 679.61 / 900 = 0.7551.
        Map<String, Double> nvls = new LinkedHashMap<>();
        double ring = Double.NaN;
        for (Row r : rows()) {
            if (!r.cluster().endsWith("nvlink5-nvswitch") || !r.op().equals("all_reduce")) continue; // one NVLink5 domain
            int n = Integer.parseInt(r.cluster().split(";")[2]);
            boolean largest = r.bytes() == rows().stream().filter(x -> x.system().equals(r.system()))
                    .mapToLong(Row::bytes).max().orElseThrow();
            if (!largest) continue;
            if (r.algo().equals("ring")) ring = r.busbw() / 900;
            else nvls.put(r.system(), r.busbw() / (2.0 * (n - 1) / n) / 900);
        }
        assertEquals(3, nvls.size(), nvls.toString());
        double log = 0;
        for (double x : nvls.values()) log += Math.log(x);
        double nvlsEff = Math.exp(log / nvls.size());
        assertEquals(0.5034, nvlsEff, 1e-4, nvls.toString());
        assertEquals(0.7551, ring, 1e-4);
        FabricProfile f = FabricProfile.named("nvlink5-nvswitch");
        assertEquals(nvlsEff, f.nvlsEfficiency(), 5e-4);
        assertEquals(ring, f.efficiency("simple", "all_reduce"), 5e-4);
    }

    @Test
    void errorsOnThePublishedMeasurements() throws IOException {
        Map<String, List<Double>> large = new LinkedHashMap<>();
        List<Double> all = new ArrayList<>();
        for (Row r : rows()) {
            if (r.bytes() < (1 << 20)) continue;
            double x = ratio(r);
            large.computeIfAbsent(r.system(), k -> new ArrayList<>()).add(x);
            all.add(x);
        }
        StringBuilder report = new StringBuilder();
        for (Map.Entry<String, List<Double>> e : large.entrySet())
            report.append(String.format(Locale.ROOT, "%-40s %3d rows >= 1 MB: geomean |error| %5.1f %%%n", e.getKey(),
                    e.getValue().size(), 100 * NcclCalibrationTest.geomeanError(e.getValue())));
        double g = NcclCalibrationTest.geomeanError(all);
        report.append(String.format(Locale.ROOT, "all %d rows >= 1 MB: geomean |error| %.1f %%%n", all.size(), 100 * g));
        System.out.print(report);
        assertTrue(all.size() >= 140, report.toString());
        // today 20.8 % over 148 rows (README: where it misses and why); the bound catches a regression
        assertTrue(g <= 0.22, report.toString());
    }
}
