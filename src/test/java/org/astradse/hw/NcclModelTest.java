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
