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

    record Row(String system, String cluster, String op, String algo, long bytes, double timeUs, double busbw, String source) {
    }

    static List<Row> rows() throws IOException {
        List<Row> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(DATA)) {
            for (CSVRecord c : CSVFormat.DEFAULT.builder().setCommentMarker('#').setHeader().setSkipHeaderRecord(true).build().parse(r)) {
                double t = c.get("time_us").isBlank() ? Double.NaN : Double.parseDouble(c.get("time_us"));
                out.add(new Row(c.get("system"), c.get("cluster"), c.get("op"), c.get("algo"), Long.parseLong(c.get("bytes")), t,
                        Double.parseDouble(c.get("busbw_gbps")), c.get("source")));
            }
        }
        return out;
    }

    static Cluster cluster(String spec) throws IOException {
        String[] f = spec.split(";");
        return NcclCalibrationTest.inline(f[0], f[1], f[2], f[3], f[4]);
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

    /**
     * The network's point-to-point step ({@code p2p-step-us}): NCCL sends to one peer between nodes on 2 channels of
     * 128 KiB chunks, one chunk per channel per proxy step, so the sendrecv busbw of a ring that crosses nodes is
     * 2 · 131,072 B / step. The published 10-node H100 NDR rows (4 GiB and 16 GiB, 15.23 GB/s each, far below the NIC's
     * 50 GB/s) give step = 262,144 / 15.23e9 s = 17.212 µs; the IB and RoCE profiles (NCCL's own transport) carry it.
     */
    @Test
    void theNetworkPointToPointStepIsThePublishedSendrecv() throws IOException {
        double log = 0;
        int n = 0;
        for (Row r : rows()) {
            if (!r.op().equals("sendrecv") || r.cluster().split(";")[1].split(",").length < 2) continue;
            log += Math.log(2.0 * 131072 / (r.busbw() * 1e9) * 1e6);
            n++;
        }
        assertEquals(2, n);
        double step = Math.exp(log / n);
        assertEquals(17.212, step, 1e-3);
        for (String f : List.of("ib-ndr", "ib-hdr", "ib-xdr", "ib-ndr-sharp", "roce-400g"))
            assertEquals(step, FabricProfile.named(f).p2pStepUs(), 1e-3, f);
        // the bound itself: 2 · 131,072 B per 17.212 µs = 15.23 GB/s, whatever the NIC's rate
        assertEquals(15.23, FabricProfile.named("ib-xdr").p2pPeerGBps(), 0.01);
        assertEquals(Double.POSITIVE_INFINITY, FabricProfile.named("nvlink4-nvswitch").p2pPeerGBps());
        // and the model applies it: a 4 GiB sendrecv ring over the 10 nodes runs at the bound (its latency, tens of µs,
        // is nothing beside 4 GiB / 15.23 GB/s = 282 ms), not at the NIC's 50 GB/s · 0.9
        NcclModel.Row m = NcclModel.time(cluster("H100-SXM;Switch,Switch;8,10;450,50;nvlink4-nvswitch,ib-ndr"), "sendrecv",
                4L << 30, "auto");
        assertEquals(15.23, m.busbwGBps(), 0.01, m.toString());
    }

    /**
     * NVLink4's point-to-point efficiency: the published 8x H100 sendrecv (NCCL 2.29.2) at its largest size, 8 GiB at
     * 366.53 GB/s busbw (= algbw: each GPU sends to its neighbour), over the 450 GB/s line rate = 0.8145; NVLink5 has no
     * published sendrecv and carries the nearer generation's figure. The model then meets the row (its latency is
     * nothing beside 8 GiB / 366.5 GB/s = 23.4 ms).
     */
    @Test
    void theNvlink4PointToPointIsThePublishedSendrecv() throws IOException {
        Row largest = null;
        for (Row r : rows())
            if (r.op().equals("sendrecv") && r.cluster().endsWith(";nvlink4-nvswitch") && (largest == null || r.bytes() > largest.bytes()))
                largest = r;
        assertEquals(8L << 30, largest.bytes());
        double e = largest.busbw() / 450;
        assertEquals(0.8145, e, 5e-5);
        assertEquals(e, FabricProfile.named("nvlink4-nvswitch").p2pEfficiency(), 5e-5);
        assertEquals(e, FabricProfile.named("nvlink5-nvswitch").p2pEfficiency(), 5e-5);
        assertEquals(1, ratio(largest), 0.01);
    }

    /**
     * NVLink4's p2p channel rate: the published 8x H100 sendrecv at 32 MiB takes 421.30 µs (79.6 GB/s, a fifth of its
     * 8 GiB rate) on the 4 channels NCCL gives a 32 MiB send among 8 GPUs (NcclModel.p2pChannels): 33,554,432 B /
     * (4 × (421.30 − 30.0 µs)) = 21.438 GB/s per channel; NVLink5 (no published sendrecv) carries it. The 512 MiB row
     * (32 channels) stays link-bound.
     */
    @Test
    void theNvlink4ChannelRateIsThePublishedSendrecv() throws IOException {
        Row row = rows().stream().filter(r -> r.op().equals("sendrecv") && r.cluster().endsWith(";nvlink4-nvswitch")
                && r.bytes() == 32L << 20).findFirst().orElseThrow();
        Cluster node = cluster(row.cluster());
        assertEquals(4, NcclModel.p2pChannels(row.bytes(), 8));
        double rate = p2pChannelRate(node, row.bytes(), row.timeUs());
        assertEquals(21.438, rate, 5e-4);
        assertEquals(rate, FabricProfile.named("nvlink4-nvswitch").p2pChannelGbps(), 5e-4);
        assertEquals(rate, FabricProfile.named("nvlink5-nvswitch").p2pChannelGbps(), 5e-4);
        assertEquals(1, ratio(row), 1e-3);
        assertEquals(32, NcclModel.p2pChannels(512L << 20, 8));
    }

    /**
     * One p2p channel's rate on a one-node cluster from a measured sendrecv: its bytes over its channels (NCCL's planner)
     * and its time beyond the Simple latency inside the node (the fabric's 30 µs: the clusters give their links no
     * latency of their own, asserted), GB/s.
     */
    static double p2pChannelRate(Cluster node, long bytes, double timeUs) {
        double latency = node.dims().get(0).fabric().latencyUs("simple") + node.dims().get(0).latencyNs() / 1e3;
        assertEquals(30.0, latency, 1e-9);
        return bytes / (NcclModel.p2pChannels(bytes, node.totalGpus()) * (timeUs - latency) * 1e3);
    }

    /** {@code base} with its six per-protocol values replaced: latencies ll/ll128/simple (µs), then efficiencies. */
    static FabricProfile withProtocols(FabricProfile base, double[] p) {
        return new FabricProfile(base.name(), base.source(), base.scaleUp(), Map.of("ll", p[0], "ll128", p[1], "simple", p[2]),
                Map.of("ll", p[3], "ll128", p[4], "simple", p[5]), base.inNetworkReduction(), base.defaultLatencyNs(), p[5],
                base.nvlsEfficiency(), base.hopLatencyUs(), base.domainNics(), base.maxGBpsPerGpu(), base.unitCosts(),
                base.sharpEfficiency(), base.p2pStepUs(), base.ringStepUs(), base.simpleHopLatencyUs(), base.maxDomainGpus(),
                base.p2pChannelGbps());
    }

    /** {@code base} with another Simple-protocol all-reduce latency per GPU beyond 8. */
    static FabricProfile withSimpleHop(FabricProfile b, double h) {
        return new FabricProfile(b.name(), b.source(), b.scaleUp(), b.latencyUs(), b.efficiency(), b.inNetworkReduction(),
                b.defaultLatencyNs(), b.p2pEfficiency(), b.nvlsEfficiency(), b.hopLatencyUs(), b.domainNics(), b.maxGBpsPerGpu(),
                b.unitCosts(), b.sharpEfficiency(), b.p2pStepUs(), b.ringStepUs(), h, b.maxDomainGpus(), b.p2pChannelGbps());
    }

    /**
     * NVLink5's Simple-protocol all-reduce latency per GPU beyond 8, fitted alone (the other fits' procedure: Σ log² of
     * model / measured) on the one published system with a domain beyond 8 GPUs and no network, CoreWeave's NVL72 rack
     * (NVLS, 512 MiB to 8 GiB). Its rows lie on one line, t = 582 µs + S·f / 864 GB/s (least squares), where 8 H100
     * under NVLS give 82 µs + S·f / 476: a 72-GPU domain's NVLS pays about 8 µs per GPU beyond 8 before its bandwidth
     * — what one rack's mid sizes miss without it (586 GB/s measured at 512 MiB against 831 modelled). Trees and
     * NVLSTree over such domains (2 and 20 racks, OCI's 64-GPU racks) pay it too; LL and LL128 keep hop-latency-us.
     */
    @Test
    void theNvlink5SimpleHopIsTheFit() throws IOException {
        List<Row> rs = rows().stream().filter(r -> r.system().equals("CoreWeave GB200 NVL72, 1 rack")).toList();
        assertEquals(5, rs.size());
        assertTrue(rs.stream().allMatch(r -> r.cluster().equals("GB200;Switch;72;900;nvlink5-nvswitch")));
        FabricProfile bundled = FabricProfile.named("nvlink5-nvswitch");
        double[] p = fit(rs, "nvlink5-nvswitch", q -> q[0] >= 0 && q[0] <= 1000 ? withSimpleHop(bundled, q[0]) : null,
                new double[][] {{1}, {10}, {30}}, new double[] {1}, 10_000);
        System.out.println("nvlink5-nvswitch simple-hop-latency-us fitted on " + rs.size() + " published rows: " + p[0]);
        assertEquals(p[0], bundled.simpleHopLatencyUs(), p[0] * 5e-3, "fitted " + p[0]);
        // NVLink5 of 8 GPUs (B200 nodes, GB200 trays) and the other protocols are untouched by it
        assertEquals(0.9, bundled.hopLatencyUs());
    }

    /**
     * The fits' one procedure: Nelder–Mead (Commons Math, {@link Fit}) from {@code starts} on Σ log² of model / measured
     * over {@code rs} (by time, or by busbw where a row gives no time; NCCL's choice where the row names none), every
     * dimension on {@code fabric} given {@code profile}'s profile — null outside the parameters' range.
     */
    static double[] fit(List<Row> rs, String fabric, java.util.function.Function<double[], FabricProfile> profile, double[][] starts,
                        double[] steps, int evaluations) throws IOException {
        List<Cluster> cs = new ArrayList<>();
        for (Row r : rs) cs.add(cluster(r.cluster()));
        return Fit.minimize(q -> {
            FabricProfile f = profile.apply(q);
            if (f == null) return 1e9;
            double sum = 0;
            for (int i = 0; i < rs.size(); i++) {
                Row m = rs.get(i);
                NcclModel.Row r = NcclModel.time(withProfile(cs.get(i), fabric, f), m.op(), m.bytes(),
                        m.algo().equals("default") ? "auto" : m.algo());
                double l = Math.log(Double.isNaN(m.timeUs()) ? m.busbw() / r.busbwGBps() : r.timeUs() / m.timeUs());
                sum += l * l;
            }
            return sum;
        }, starts, steps, 1e-11, 1e-13, evaluations);
    }

    /** {@code base} with another SHARP (in-network reduction) efficiency. */
    static FabricProfile withSharp(FabricProfile base, double e) {
        return new FabricProfile(base.name(), base.source(), base.scaleUp(), base.latencyUs(), base.efficiency(),
                base.inNetworkReduction(), base.defaultLatencyNs(), base.p2pEfficiency(), base.nvlsEfficiency(),
                base.hopLatencyUs(), base.domainNics(), base.maxGBpsPerGpu(), base.unitCosts(), e, base.p2pStepUs(), base.ringStepUs(),
                base.simpleHopLatencyUs(), base.maxDomainGpus(), base.p2pChannelGbps());
    }

    /** The rows whose network dimension is on {@code fabric} (the calibration rows of that technology). */
    static List<Row> rowsOn(String fabric) throws IOException {
        return rows().stream().filter(r -> java.util.Arrays.asList(r.cluster().split(";")[4].split(",")).contains(fabric)).toList();
    }

    /** {@code c} with every dimension on {@code name} given profile {@code f}. */
    static Cluster withProfile(Cluster c, String name, FabricProfile f) {
        for (int i = 0; i < c.dims().size(); i++)
            if (c.dims().get(i).fabric().name().equals(name)) c = NcclCalibrationTest.withFabric(c, i, f);
        return c;
    }

    /**
     * A network technology's six values fitted as the EFA profiles are on the visible table (Nelder–Mead from three
     * starts, Σ log² of model / measured over every given row, all sizes), on the published rows of that technology;
     * the bundled profile must carry the fit (to 0.5 %).
     */
    static void assertProfileIsTheFit(String fabric, List<Row> rs) throws IOException {
        FabricProfile bundled = FabricProfile.named(fabric);
        double[][] starts = {{50, 60, 80, 0.1, 0.5, 0.8}, {100, 150, 300, 0.05, 0.3, 0.9}, {150, 250, 500, 0.02, 0.6, 0.95}};
        double[] p = fit(rs, fabric, q -> {
            for (int i = 0; i < 6; i++) if (!(q[i] > 0) || i >= 3 && q[i] > 1) return null;
            return withProtocols(bundled, q);
        }, starts, new double[] {10, 10, 50, 0.005, 0.05, 0.05}, 40_000);
        System.out.println(fabric + " fitted on " + rs.size() + " published rows: latency ll/ll128/simple (us), efficiency "
                + "ll/ll128/simple = " + java.util.Arrays.toString(p));
        double[] committed = {bundled.latencyUs("ll"), bundled.latencyUs("ll128"), bundled.latencyUs("simple"), bundled.efficiency("ll"),
                bundled.efficiency("ll128"), bundled.efficiency("simple")};
        for (int i = 0; i < 6; i++)
            assertEquals(p[i], committed[i], Math.abs(p[i]) * 5e-3, fabric + " parameter " + i + ": fitted " + java.util.Arrays.toString(p));
    }

    /** GPUDirect-TCPXO on its one published system, GCP A3 Mega (2 × 8 H100, 8 × 200 Gb/s per node), every row of it. */
    @Test
    void theTcpxoProfileIsTheFit() throws IOException {
        List<Row> rs = rowsOn("gcp-tcpxo");
        assertTrue(rs.size() >= 15 && rs.stream().allMatch(r -> r.system().equals("GCP A3 Mega, 2 nodes")), "rows " + rs.size());
        assertProfileIsTheFit("gcp-tcpxo", rs);
    }

    /**
     * RoCE at 400 Gb/s on its two published systems (OCI GB200, 2 racks of 64, all-reduce 8 B to 32 GiB; GKE A4 B200,
     * 2 × 8, all-gather 1 KiB to 8 GiB), every row but the one the source itself marks as a dip (OCI at 1 GiB: half
     * the bus bandwidth of its neighbours at 512 MiB and 2 GiB).
     */
    @Test
    void theRoceProfileIsTheFit() throws IOException {
        List<Row> rs = rowsOn("roce-400g").stream().filter(r -> !r.source().contains("a dip")).toList();
        assertEquals(2, rs.stream().map(Row::system).distinct().count());
        assertEquals(rowsOn("roce-400g").size() - 1, rs.size());
        assertProfileIsTheFit("roce-400g", rs);
    }

    /**
     * InfiniBand NDR (NCCL's own IB transport, 400 Gb/s per NIC) on its published systems — 10 × 8 H100 (all-reduce,
     * all-gather, reduce-scatter, all-to-all, 32 MiB to 16 GiB), CoreWeave's 2-node H100 and B200, the GB200 NVL72 racks
     * (2 and 20) and the NVL4 / NVL8 partitions over IB — every row but the sendrecv ones, which the point-to-point step
     * bounds (above): its six values fitted as RoCE's and TCPXO's are. The Simple efficiency comes out at ~0.9 (as the
     * unverified figure it replaces, Calculon's), the Simple latency per network step at ~140 µs where NCCL's tuner
     * prices 14 µs: the mid sizes' slow ramp (the 10 nodes' 32 MiB all-reduce takes 798 µs) is a latency a network step
     * pays, not a bandwidth.
     */
    @Test
    void theIbNdrProfileIsTheFit() throws IOException {
        List<Row> rs = rowsOn("ib-ndr").stream().filter(r -> !r.op().equals("sendrecv")).toList();
        assertTrue(rs.size() >= 40 && rs.stream().map(Row::system).distinct().count() >= 6, "rows " + rs.size());
        assertTrue(rs.stream().allMatch(r -> r.bytes() >= (32L << 20) - (1 << 20)), "no small sizes: LL is not determined");
        // every row is 32 MiB or more: LL (which wins below ~100 KiB) keeps its NCCL-like values, LL128 and Simple are fitted
        FabricProfile bundled = FabricProfile.named("ib-ndr");
        assertEquals(5.0, bundled.latencyUs("ll"));
        assertEquals(0.10, bundled.efficiency("ll"));
        double[] p = fit(rs, "ib-ndr", q -> {
            for (int i = 0; i < 4; i++) if (!(q[i] > 0) || i >= 2 && q[i] > 1) return null;
            return withProtocols(bundled, new double[] {5.0, q[0], q[1], 0.10, q[2], q[3]});
        }, new double[][] {{60, 80, 0.5, 0.8}, {150, 300, 0.3, 0.9}, {8, 20, 0.8, 0.9}}, new double[] {10, 50, 0.05, 0.05}, 40_000);
        System.out.println("ib-ndr fitted on " + rs.size() + " published rows: latency ll128/simple (us), efficiency ll128/simple = "
                + java.util.Arrays.toString(p));
        double[] committed = {bundled.latencyUs("ll128"), bundled.latencyUs("simple"), bundled.efficiency("ll128"), bundled.efficiency("simple")};
        for (int i = 0; i < 4; i++)
            assertEquals(p[i], committed[i], Math.abs(p[i]) * 5e-3, "ib-ndr parameter " + i + ": fitted " + java.util.Arrays.toString(p));
        // InfiniBand's other profiles on NCCL's IB transport carry these values: XDR (no published rows) and NDR with SHARP
        // (its rings and trees; its reduction path has its own fitted efficiency)
        for (String other : List.of("ib-xdr", "ib-ndr-sharp")) {
            assertEquals(bundled.latencyUs(), FabricProfile.named(other).latencyUs(), other);
            assertEquals(bundled.efficiency(), FabricProfile.named(other).efficiency(), other);
        }
    }

    /**
     * InfiniBand NDR with SHARP on its one published system (CoreWeave, 8 DGX H100 nodes, all-reduce 512 MiB to 8 GiB,
     * NCCL's choice): every row is bandwidth-bound, so one figure is determined — the line-rate fraction of the
     * in-network reduction path (NVLSTree between nodes: a node moves each buffer once in and once out through its 8
     * NICs), fitted alone by the other fits' procedure. Measured busbw 356–387 GB/s: about 50 % of 400 Gb/s per NIC and
     * direction, against 90 % for rings and trees on the same NDR (which keep ib-ndr's values).
     */
    @Test
    void theSharpProfileIsTheFit() throws IOException {
        List<Row> rs = rowsOn("ib-ndr-sharp");
        assertEquals(1, rs.stream().map(Row::system).distinct().count());
        assertTrue(rs.size() >= 5 && rs.stream().allMatch(r -> r.bytes() >= (1L << 29)), "rows " + rs.size());
        FabricProfile bundled = FabricProfile.named("ib-ndr-sharp");
        FabricProfile ndr = FabricProfile.named("ib-ndr");
        assertEquals(ndr.efficiency(), bundled.efficiency(), "rings and trees run as on ib-ndr");
        assertEquals(ndr.latencyUs(), bundled.latencyUs());
        double[] p = fit(rs, "ib-ndr-sharp", q -> q[0] > 0 && q[0] <= 1 ? withSharp(bundled, q[0]) : null,
                new double[][] {{0.9}, {0.5}, {0.3}}, new double[] {0.05}, 10_000);
        System.out.println("ib-ndr-sharp fitted on " + rs.size() + " published rows: sharp-efficiency " + p[0]);
        assertEquals(p[0], bundled.sharpEfficiency(), p[0] * 5e-3, "fitted " + p[0]);
    }

    @Test
    void anNvl72RackReachesTheNetworkThroughEightNics() throws IOException {
        // NVLink5's domain-nics 8: between racks a domain's egress is 8 NICs × 50 GB/s × ib-ndr's Simple efficiency e
        // (0.895: 358 GB/s); a tree of 2 racks sends and receives the buffer once (busbw f·358 = 2·143/144·358 = 711), from
        // 4 racks on an interior rack twice (2·1439/1440·358 / 2 = 358); measured at 16 GiB: 810.41 and 405.74 GB/s.
        // Bounds are slopes from 8 to 16 GiB (the latency drops out)
        double e = FabricProfile.named("ib-ndr").efficiency("simple");
        double egress = 8 * 50 * e;
        Cluster twoRacks = cluster("GB200;Switch,Switch;72,2;900,50;nvlink5-nvswitch,ib-ndr");
        Cluster twentyRacks = cluster("GB200;Switch,Switch;72,20;900,50;nvlink5-nvswitch,ib-ndr");
        assertEquals(2.0 * 143 / 144 * egress, slopeBusbw(twoRacks, "auto"), 7);
        assertEquals(2.0 * 1439 / 1440 * egress / 2, slopeBusbw(twentyRacks, "auto"), 3.6);
        NcclModel.Row two = NcclModel.time(twoRacks, "all_reduce", 1L << 34, "auto");
        NcclModel.Row twenty = NcclModel.time(twentyRacks, "all_reduce", 1L << 34, "auto");
        assertTrue(Math.abs(two.busbwGBps() / 810.41 - 1) < 0.15 && Math.abs(twenty.busbwGBps() / 405.74 - 1) < 0.13,
                two + " " + twenty);
        // the cap is per domain: a dimension above the racks (2 racks × 2 at 10 GB/s) leaves through 2 racks × 8 NICs =
        // 16 × 10 · e = 143 GB/s for a ring (the racks' own dimension: 8 × 50 · e = 358), so the ring's bus is 143
        Cluster pods = cluster("GB200;Switch,Switch,Switch;72,2,2;900,50,10;nvlink5-nvswitch,ib-ndr,ib-ndr");
        assertEquals(16 * 10 * e, slopeBusbw(pods, "ring"), 1.5);
        // 8 GPUs per domain (a DGX B200): every GPU's NIC, as before
        Cluster b200 = cluster("B200;Switch,Switch;8,2;900,50;nvlink5-nvswitch,ib-ndr");
        assertEquals(2.0 * 15 / 16 * 8 * 50 * e, slopeBusbw(b200, "tree"), 6.7);
    }

    /** An all-reduce's bus bandwidth from 8 to 16 GiB: f · 8 GiB / (t(16 GiB) − t(8 GiB)), GB/s (latency-free). */
    static double slopeBusbw(Cluster c, String algo) {
        double t8 = NcclModel.time(c, "all_reduce", 1L << 33, algo).timeUs();
        double t16 = NcclModel.time(c, "all_reduce", 1L << 34, algo).timeUs();
        return NcclModel.busFactor("all_reduce", c.totalGpus()) * (1L << 33) / ((t16 - t8) * 1e3);
    }

    /**
     * A ring pays NCCL's tuner's steps over all its ranks (src/graph/tuning.cc: 2(n − 1) for an all-reduce, n − 1
     * otherwise, 2·nodes or nodes − 1 of them between nodes), each step inside the domain at the fabric's ring step
     * (NVLink LL 0.6 µs). At 0 bytes the time is the latency alone and LL the fastest protocol, so against an 8-GPU node:
     * one NVL72 rack's all-gather has 71 − 7 = 64 more steps (38.4 µs), its all-reduce 2·71 − 2·7 = 128 (76.8 µs); 10
     * H100 nodes against 2 add (79 − 9 − 7) − (15 − 1 − 7) = 56 NVLink steps (33.6 µs) and 8 network steps of ib-ndr's
     * LL 5 µs (40 µs; these clusters state no per-hop latency of their own).
     */
    @Test
    void aRingPaysAStepPerRank() throws IOException {
        Cluster rack = cluster("GB200;Switch;72;900;nvlink5-nvswitch");
        Cluster node = cluster("GB200;Switch;8;900;nvlink5-nvswitch");
        NcclModel.Row ag72 = NcclModel.time(rack, "all_gather", 0, "ring");
        assertEquals("ll", ag72.protocol());
        assertEquals(38.4, ag72.timeUs() - NcclModel.time(node, "all_gather", 0, "ring").timeUs(), 1e-9);
        assertEquals(76.8, NcclModel.time(rack, "all_reduce", 0, "ring").timeUs()
                - NcclModel.time(node, "all_reduce", 0, "ring").timeUs(), 1e-9);
        Cluster ten = cluster("H100-SXM;Switch,Switch;8,10;450,50;nvlink4-nvswitch,ib-ndr");
        Cluster two = cluster("H100-SXM;Switch,Switch;8,2;450,50;nvlink4-nvswitch,ib-ndr");
        assertEquals(33.6 + 40, NcclModel.time(ten, "all_gather", 0, "ring").timeUs()
                - NcclModel.time(two, "all_gather", 0, "ring").timeUs(), 1e-9);
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
        assertEquals(148, all.size(), report.toString());
        // today 10.8 % over 148 rows (README: where it misses and why); the bound catches a regression
        assertTrue(g <= 0.12, report.toString());
    }
}
