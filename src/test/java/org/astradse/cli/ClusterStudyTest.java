package org.astradse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ASTRA-sim-input study on a cluster ({@code cluster:} instead of {@code network:}): each point runs ASTRA-sim's
 * analytical rules on the cluster's network with each link at the bus-bandwidth fraction its fabric reaches and the
 * fabric's latency, costed by the fabrics' unit costs; its network is swept as the cluster section writes it.
 */
class ClusterStudyTest {
    static final Path STUDY = Path.of("sweeps/cluster-resnet.yaml");

    /** The bundled study with an absolute workload path, so that variants can live in a temporary folder. */
    static String study() throws Exception {
        return Files.readString(STUDY).replace("inputs/astra-sim/", Path.of("sweeps/inputs/astra-sim").toAbsolutePath() + "/");
    }

    static List<String> rows(Path out) throws Exception {
        return Files.readAllLines(out.resolve("points.csv"));
    }

    @Test
    void aPointEqualsThePlainNetworkItsClusterStandsFor(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("cluster");
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", STUDY.toString(), "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        List<String> rows = rows(out);
        assertEquals(25, rows.size(), "2 × 4 × 3 points and the header");
        assertTrue(rows.get(0).startsWith("point_id,status,error,cluster.network.bandwidth[0],cluster.fabric[0],"
                + "cluster.network.bandwidth[1],cluster.fabric[1],system.all-reduce-implementation,"), rows.get(0));
        assertTrue(rows.stream().skip(1).allMatch(l -> l.split(",")[1].equals("ok")), String.join("\n", rows));
        // point 0: NVLink3 at 300 GB/s per GPU (10^9 B), HDR at 12.5, ring/ring. By the rule, in ASTRA-sim's GB/s
        // (2^30 B): 300 × 0.821 (nvlink3-nvswitch's Simple efficiency) × 10^9 / 2^30 = 229.38475012779233, latency
        // 100 ns (its default-latency-ns); 12.5 × 0.90 (ib-hdr) × 10^9 / 2^30 = 10.477378964424133, latency 1000 ns.
        String plain = study()
                .replaceAll("(?s)cluster:\n.*?fabric: \\[nvlink4-nvswitch, ib-ndr]\n", "network:\n  topology: [Switch, Switch]\n"
                        + "  npus_count: [8, 8]\n  bandwidth: [229.38475012779233, 10.477378964424133]\n  latency: [100, 1000]\n")
                .replaceAll("(?s)sweep:\n.*", "");
        assertTrue(plain.contains("latency: [100, 1000]") && !plain.contains("cluster.fabric"), plain);
        Path spec = dir.resolve("plain.yaml");
        Files.writeString(spec, plain);
        CollectiveCommandTest.Run p = CollectiveCommandTest.run("sweep", spec.toString(), "--out", dir.resolve("plain").toString());
        assertEquals(0, p.status(), p.err());
        String[] cluster0 = rows.get(1).split(",");
        String[] plain0 = rows(dir.resolve("plain")).get(1).split(",");
        assertEquals("ring_ring", cluster0[7]);
        assertEquals(plain0[plain0.length - 4], cluster0[cluster0.length - 4], "end_to_end_ns");
        assertEquals(plain0[plain0.length - 2], cluster0[cluster0.length - 2], "exposed_comm_ns");
        // the cost is the fabrics' unit costs at the cluster's (datasheet) bandwidths: a Switch dimension costs
        // N · B · (link + switch + NIC) $ per GB/s (LIBRA) for N = 64 GPUs; NVLink fabrics default to InterPackage
        // (4 + 13 + 0 = $17), InfiniBand to InterPod (7.8 + 18 + 31.6 = $57.4): point 0 = 64·300·17 + 64·12.5·57.4
        // = 326,400 + 45,920; point 3 (HDR at 25) = 326,400 + 91,840
        assertEquals("372320.00", cluster0[cluster0.length - 1]);
        assertTrue(rows.get(4).endsWith(",418240.00"), rows.get(4));
    }

    /**
     * What is wrong only together with another domain's value is a row, not a spec mistake: 100 GB/s per GPU exceeds
     * HDR (25) and NDR (50) but not XDR (100), swept as two domains; a swept cost.unit-costs applies per point.
     */
    @Test
    void combinationsAreRowsAndSweptCostsApply(@TempDir Path dir) throws Exception {
        String s = study().replaceAll("(?s)sweep:\n.*", "sweep:\n  cluster.network.bandwidth[1]: [50, 100]\n"
                + "  cluster.fabric[1]: [ib-ndr, ib-xdr]\n  cost.unit-costs:\n    - {ib-ndr: {link: 1, switch: 1, nic: 1}}\n"
                + "    - {ib-ndr: {link: 100, switch: 100, nic: 100}}\n");
        Path spec = dir.resolve("combo.yaml");
        Files.writeString(spec, s);
        Path out = dir.resolve("combo");
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", spec.toString(), "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        List<String> rows = rows(out);
        assertEquals(9, rows.size(), String.join("\n", rows));
        // points in order bandwidth × fabric × unit-costs (the last fastest): 100 GB/s on NDR (points 4, 5) is a row
        for (int i = 1; i <= 8; i++) {
            boolean overNdr = i == 5 || i == 6;
            assertEquals(overNdr ? "infeasible" : "ok", rows.get(i).split(",")[1], rows.get(i));
        }
        assertTrue(rows.get(5).contains("more than ib-ndr gives one GPU"), rows.get(5));
        // N · B · (link + switch + NIC) per Switch dimension, 64 GPUs: NVLink4 at 450 (InterPackage, $17) = 489,600;
        // NDR at 50 with the swept override $1 + $1 + $1 → + 9,600, with $100 each → + 960,000 — the override applies;
        // on XDR it does not (InterPod's $57.4): + 64·50·57.4 = 183,680 for both override values
        assertTrue(rows.get(1).endsWith(",499200.00"), rows.get(1));
        assertTrue(rows.get(2).endsWith(",1449600.00"), rows.get(2));
        assertTrue(rows.get(3).endsWith(",673280.00") && rows.get(4).endsWith(",673280.00"), rows.get(3) + "\n" + rows.get(4));
    }

    /**
     * A profile file edited while a run is going (the next run's change, made overnight) does not reach the rows of
     * the run that started with it: they are the undisturbed run's, under its identity; a later run reads the edit.
     */
    @Test
    void aProfileFileEditedDuringARunDoesNotChangeItsRows(@TempDir Path dir) throws Exception {
        String ndr = new String(org.astradse.hw.FabricProfile.class.getResourceAsStream("fabrics/ib-ndr.yaml").readAllBytes())
                .replace("name: ib-ndr", "name: my-ndr");
        Path fabric = dir.resolve("my-ndr.yaml");
        Files.writeString(fabric, ndr);
        // the edit: the fabric's Simple efficiency (whatever its fitted value) becomes 0.45
        String halved = ndr.replaceFirst("(?<head>efficiency: \\{[^}]*simple: )[0-9.]+", "${head}0.45");
        Path spec = dir.resolve("edit.yaml");
        Files.writeString(spec, study().replace("fabric: [nvlink4-nvswitch, ib-ndr]", "fabric: [nvlink4-nvswitch, my-ndr.yaml]")
                .replaceAll("(?s)sweep:\n.*", "sweep:\n  cluster.network.bandwidth[1]: {from: 1, to: 50, step: 0.25}\n"));
        org.astradse.sweep.SweepRunner.run(org.astradse.sweep.SweepSpec.parse(spec), dir.resolve("a"), 1, false, false, "test",
                org.astradse.sweep.SweepRunner.Progress.NONE);
        org.astradse.sweep.SweepRunner.Progress edit = new org.astradse.sweep.SweepRunner.Progress() {
            @Override
            public void start(long total, long done) {
            }

            @Override
            public void step(long done, long ok, long infeasible, long failed) {
                if (done != 1) return;
                try { // halve the fabric's Simple efficiency, then give the workers time to meet the edited file
                    Files.writeString(fabric, halved);
                    Files.setLastModifiedTime(fabric, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
                    Thread.sleep(200);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void finish() {
            }
        };
        assertTrue(!halved.equals(ndr), "the edit must change the file");
        org.astradse.sweep.SweepRunner.run(org.astradse.sweep.SweepSpec.parse(spec), dir.resolve("b"), 1, false, false, "test", edit);
        assertEquals(Files.readString(dir.resolve("a/points.csv")), Files.readString(dir.resolve("b/points.csv")));
        org.astradse.sweep.SweepRunner.run(org.astradse.sweep.SweepSpec.parse(spec), dir.resolve("c"), 1, false, false, "test",
                org.astradse.sweep.SweepRunner.Progress.NONE);
        assertTrue(!Files.readString(dir.resolve("a/points.csv")).equals(Files.readString(dir.resolve("c/points.csv"))),
                "a later run reads the edited file");
    }

    /** A cluster by file, the file naming a bundled cluster in turn (as nccl-tests and train accept it). */
    @Test
    void aClusterFileMayNameABundledCluster(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("chain.yaml"), "cluster: dgx-h100\n");
        String s = study().replaceAll("(?s)cluster:\n.*?fabric: \\[nvlink4-nvswitch, ib-ndr]\n", "cluster: chain.yaml\n")
                .replaceAll("(?s)sweep:\n.*", "");
        Path spec = dir.resolve("chained.yaml");
        Files.writeString(spec, s);
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("sweep", spec.toString(), "--out", dir.resolve("o").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(rows(dir.resolve("o")).get(1).contains(",ok,,128,"), rows(dir.resolve("o")).get(1)); // 16 nodes of 8
        // a cluster file in another folder: its own mistake is named in it
        Path other = Files.createDirectories(dir.resolve("clusters")).resolve("mine.yaml");
        Files.writeString(other, "cluster:\n  gpu: H100-SXM\n  network:\n    topology: [Switch, Switch]\n    npus_count: [8, 8]\n"
                + "    bandwidth: [450, 50]\n    latncy: [100, 1000]\n  fabric: [nvlink4-nvswitch, ib-ndr]\n");
        Files.writeString(spec, s.replace("cluster: chain.yaml", "cluster: clusters/mine.yaml"));
        CollectiveCommandTest.Run bad = CollectiveCommandTest.run("sweep", spec.toString(), "--out", dir.resolve("o2").toString());
        CollectiveCommandTest.assertUserError(bad, other.toString(), "cluster.network.latncy", "unknown key");
    }

    @Test
    void mistakesInAClusterStudyStopBeforeTheFirstPoint(@TempDir Path dir) throws Exception {
        String s = study();
        SweepCommandTest.refused(dir, "both", SweepCommandTest.replace(s, "cluster:\n",
                "network: {topology: [Ring], npus_count: [64], bandwidth: [50], latency: [500]}\ncluster:\n"), "cluster", "not both");
        SweepCommandTest.refused(dir, "networkPath", SweepCommandTest.replace(s, "cluster.network.bandwidth[1]: [12.5",
                "network.bandwidth[1]: [12.5"), "sweep.network.bandwidth[1]", "cluster.network.bandwidth[1]");
        SweepCommandTest.refused(dir, "keyTypo", SweepCommandTest.replace(s, "cluster.network.bandwidth[1]: [12.5",
                "cluster.network.bandwith[1]: [12.5"), "cluster.network.bandwith[1]", "no field 'bandwith'");
        SweepCommandTest.refused(dir, "fabricTypo", SweepCommandTest.replace(s, "[ib-hdr, ib-hdr, ib-ndr, ib-xdr]",
                "[ib-hdr, ib-hdr, ib-ndz, ib-xdr]"), "ib-ndz");
        SweepCommandTest.refused(dir, "overTheFabric", SweepCommandTest.replace(s, "[12.5, 25, 50, 100]", "[12.5, 25, 50, 800]"),
                "800", "not Gb/s");
        // swept apart from a fabric that no domain changes (dimension 0 only ever NVLink 4 here): it can never run
        SweepCommandTest.refused(dir, "overAFixedFabric", s.replaceAll("  zip-scale-up:\n.*\n.*\n", "  cluster.network.bandwidth[0]: [450, 900]\n"),
                "sweep.cluster.network.bandwidth[0]", "900", "more than");
        SweepCommandTest.refused(dir, "classes", SweepCommandTest.replace(s, "sweep:\n",
                "cost:\n  classes: [InterNode, InterPod]\nsweep:\n"), "cost.classes", "fabrics' unit costs");
        SweepCommandTest.refused(dir, "sectionTypo", SweepCommandTest.replace(s, "  fabric: [nvlink4-nvswitch, ib-ndr]\n",
                "  fabric: [nvlink4-nvswitch, ib-ndr]\n  fabrik: [x]\n"), "cluster.fabrik", "unknown key");
        SweepCommandTest.refused(dir, "sweptClasses", SweepCommandTest.replace(s, "sweep:\n", "sweep:\n  cost.classes[1]: [InterNode, InterPod]\n"),
                "sweep.cost.classes[1]", "fabrics' unit costs");
        SweepCommandTest.refused(dir, "alias", SweepCommandTest.replace(s, "cluster.fabric[1]:", "cluster.network.fabric[1]:"),
                "cluster.network.fabric[1]", "belongs to the cluster");
        SweepCommandTest.refused(dir, "networkFile", SweepCommandTest.replace(s, "    topology: [Switch, Switch]\n",
                "    file: net.yaml\n    topology: [Switch, Switch]\n"), "cluster.network.file", "unknown key");
        SweepCommandTest.refused(dir, "derivedProfile", SweepCommandTest.replace(s, "sweep:\n",
                "derived:\n  cluster.gpu: \"'H100-SXM'\"\nsweep:\n"), "derived.cluster.gpu", "cannot name a profile");
        // and a cluster path in a study without a cluster
        SweepCommandTest.refused(dir, "noCluster", SweepCommandTest.replace(SweepCommandTest.small(),
                "network.bandwidth[1]: [25, 50]", "cluster.network.bandwidth[1]: [25, 50]"), "cluster.network.bandwidth[1]",
                "needs a study on a cluster");
    }
}
