package org.astradse.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** NcclModel's refinements taken from NCCL's tuner, against the table and rule as NCCL states them. */
class NcclModelTest {
    /**
     * NCCL's treeCorrectionFactor is indexed by log2(bytes / 64), one row per protocol (LL, LL128, Simple), 24
     * entries; from index 24 (1 GiB) on, and below 64 B, there is no correction. Indices derived by hand:
     * 64 B → 2^0 units → 0; 4 KiB → 2^6 → 6; 1 MiB → 2^14 → 14; 32 MiB → 2^19 → 19; 512 MiB → 2^23 → 23; 1 GiB → 24.
     */
    @Test
    void treeCorrectionIsNcclsTable() {
        assertEquals(1.0, NcclModel.treeCorrection("ll", 63), 0); // below one 64-byte unit
        assertEquals(1.0, NcclModel.treeCorrection("ll", 64), 0); // LL[0]
        assertEquals(0.7, NcclModel.treeCorrection("ll", 4096), 0); // LL[6]
        assertEquals(0.7, NcclModel.treeCorrection("ll", 8191), 0); // still 2^6 units (rounded down)
        assertEquals(0.6, NcclModel.treeCorrection("ll128", 1 << 20), 0); // LL128[14]
        assertEquals(0.7, NcclModel.treeCorrection("simple", 32L << 20), 0); // Simple[19]
        assertEquals(0.9, NcclModel.treeCorrection("simple", 512L << 20), 0); // Simple[23]
        assertEquals(1.0, NcclModel.treeCorrection("simple", 1L << 30), 0); // past the table
    }

    /**
     * NCCL's p2p planner (src/enqueue.cc, addP2pToPlan): 32 p2p channels and 32 per peer on an NVSwitch node; the
     * per-operation minimum is 32 halved while it × ranks exceeds 32 (8 GPUs: 4; 2 GPUs: 16; 72: 1); a send starts on
     * min(that, ⌈bytes / 64 KiB⌉) channels and doubles while bytes / channels exceeds 16 MiB, up to 32. By hand on 8 GPUs:
     * 32 MiB → 4 (8 MiB each); 128 MiB → 4, 8 (16 MiB: stop); 256 MiB → 16; 512 MiB → 32; 8 GiB → 32 (the cap);
     * 100 KiB → min(4, 2) = 2; 8 B → 1. On 2 GPUs 32 MiB → 16; on 72 the minimum is 1 and 1 GiB doubles 1, 2, …, 32 (the cap,
     * 32 MiB each).
     */
    @Test
    void p2pChannelsAreNcclsPlanner() {
        assertEquals(4, NcclModel.p2pChannels(32L << 20, 8));
        assertEquals(8, NcclModel.p2pChannels(128L << 20, 8));
        assertEquals(16, NcclModel.p2pChannels(256L << 20, 8));
        assertEquals(32, NcclModel.p2pChannels(512L << 20, 8));
        assertEquals(32, NcclModel.p2pChannels(8L << 30, 8));
        assertEquals(2, NcclModel.p2pChannels(100 << 10, 8));
        assertEquals(1, NcclModel.p2pChannels(8, 8));
        assertEquals(16, NcclModel.p2pChannels(32L << 20, 2));
        assertEquals(32, NcclModel.p2pChannels(1L << 30, 72));
    }

    /**
     * Inside a node a sendrecv's protocol is NCCL's p2p rule, not the tuner's race: LL while each channel carries at
     * most 16 KiB, Simple beyond, never LL128. On 8 H100: 64 KiB on 1 channel is Simple; 16 KiB on 1 channel LL; 128 KiB
     * on 2 channels Simple.
     */
    @Test
    void aSendrecvRunsLlOrSimpleAsNcclsP2pRule() throws java.io.IOException {
        Cluster node = NcclPublishedTest.cluster("H100-SXM;Switch;8;450;nvlink4-nvswitch");
        assertEquals("simple", NcclModel.time(node, "sendrecv", 64 << 10, "auto").protocol());
        assertEquals("ll", NcclModel.time(node, "sendrecv", 16 << 10, "auto").protocol());
        assertEquals(Double.NaN, NcclModel.timeUs(node, "sendrecv", 32L << 20, "ring", "ll128", 1));
        assertEquals("simple", NcclModel.time(node, "sendrecv", 128 << 10, "auto").protocol());
        // a network alone (one dimension of 16 GPUs on NDR) keeps the protocols' race, as an NVLink bridge does: only a
        // fabric with a p2p channel rate (NVSwitch) takes the planner's rule
        Cluster net = NcclPublishedTest.cluster("H100-SXM;Switch;16;50;ib-ndr");
        assertEquals("ll", NcclModel.time(net, "sendrecv", 64 << 10, "auto").protocol());
        Cluster bridge = NcclPublishedTest.cluster("H100-PCIe;Ring;2;300;nvlink-bridge");
        assertEquals(0, bridge.dims().get(0).fabric().p2pChannelGbps());
    }

    /**
     * The channel rule is discrete, as NCCL's: on 8 H100 a 64 MiB send stays on 4 channels (16 MiB each, not beyond the
     * 16 MiB part) at 4 × 21.438 = 85.75 GB/s, so 30 µs + 67,108,864 B / 85.75 GB/s = 812.6 µs; 4 bytes more double
     * it to 8 channels (171.5 GB/s), 30 + 391.3 = 421.3 µs.
     */
    @Test
    void aSendOfSixtyFourMebibytesIsSlowerThanOneFourBytesLarger() throws java.io.IOException {
        Cluster node = NcclPublishedTest.cluster("H100-SXM;Switch;8;450;nvlink4-nvswitch");
        assertEquals(4, NcclModel.p2pChannels(64L << 20, 8));
        assertEquals(8, NcclModel.p2pChannels((64L << 20) + 4, 8));
        assertEquals(30 + (64L << 20) / (4 * 21.438e3), NcclModel.time(node, "sendrecv", 64L << 20, "auto").timeUs(), 0.1);
        assertEquals(30 + ((64L << 20) + 4) / (8 * 21.438e3), NcclModel.time(node, "sendrecv", (64L << 20) + 4, "auto").timeUs(), 0.1);
    }

    /**
     * The correction acts on the bus bandwidth, not the latency: on two H100 nodes over NDR, a forced tree all-reduce
     * of 32 MiB with the Simple protocol pays its bandwidth term / 0.7. The bandwidth term is what the size adds over
     * 64 B (both Simple: the tree's latency is the same), and at 2 GiB (no correction) the term is 64× that of 32 MiB
     * uncorrected, so t(32 MiB) − t(64 B) = (t(2 GiB) − t(64 B)) / 64 / 0.7 (to the 64 B's own tiny term).
     */
    @Test
    void treeCorrectionScalesTheBandwidthTerm() throws java.io.IOException {
        Cluster two = NcclPublishedTest.cluster("H100-SXM;Switch,Switch;8,2;450,50;nvlink4-nvswitch,ib-ndr");
        double f = NcclModel.busFactor("all_reduce", 16);
        double t64 = NcclModel.timeUs(two, "all_reduce", 64, "tree", "simple", f);
        double t32m = NcclModel.timeUs(two, "all_reduce", 32L << 20, "tree", "simple", f);
        double t2g = NcclModel.timeUs(two, "all_reduce", 2L << 30, "tree", "simple", f);
        assertEquals((t2g - t64) / 64 / 0.7, t32m - t64, (t2g - t64) / 64 * 1e-3);
    }
}
