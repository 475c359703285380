package org.astradse.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.astradse.network.Dimension;
import org.astradse.network.NetworkConfig;
import org.astradse.network.TopologyKind;
import org.junit.jupiter.api.Test;

class NetworkCostModelTest {
    @Test
    void threeDimensionalExampleByBuildingBlocks() {
        // 4×4×4 = 64 NPUs: Ring 4 @ 200 GB/s (InterChiplet $2), FullyConnected 4 @ 100 GB/s (InterPackage $4),
        // Switch 4 @ 50 GB/s (InterNode: link $4 + switch $13).
        // Ring: 64/4 = 16 rings × 8 links × 100 GB/s × $2 = 25,600 (= 64·200·2)
        // FC:   16 blocks × 12 links × 33.3 GB/s × $4 = 25,600 (= 64·100·4)
        // Switch: 64 links × 50 GB/s × ($4 + $13 + $0) = 54,400
        NetworkConfig net = new NetworkConfig(List.of(new Dimension(TopologyKind.RING, 4, 200, 1),
                new Dimension(TopologyKind.FULLY_CONNECTED, 4, 100, 1), new Dimension(TopologyKind.SWITCH, 4, 50, 1)));
        List<UnitCosts> unit = List.of(CostClass.INTER_CHIPLET.defaults(), CostClass.INTER_PACKAGE.defaults(),
                CostClass.INTER_NODE.defaults());
        assertEquals(25_600, NetworkCostModel.dimensionCostUsd(net, 0, unit.get(0)), 1e-6);
        assertEquals(25_600, NetworkCostModel.dimensionCostUsd(net, 1, unit.get(1)), 1e-6);
        assertEquals(54_400, NetworkCostModel.dimensionCostUsd(net, 2, unit.get(2)), 1e-6);
        assertEquals(105_600, NetworkCostModel.costUsd(net, unit), 1e-6);
    }

    @Test
    void interPodSwitchPaysLinkSwitchAndNic() {
        // 8 NPUs on one Switch @ 100 GB/s, InterPod: 8 · 100 · (7.8 + 18.0 + 31.6) = 45,920
        NetworkConfig net = new NetworkConfig(List.of(new Dimension(TopologyKind.SWITCH, 8, 100, 1)));
        assertEquals(45_920, NetworkCostModel.costUsd(net, List.of(CostClass.INTER_POD.defaults())), 1e-6);
        // the same bandwidth on a Ring pays links only: 8 · 100 · 7.8 = 6,240
        NetworkConfig ring = new NetworkConfig(List.of(new Dimension(TopologyKind.RING, 8, 100, 1)));
        assertEquals(6_240, NetworkCostModel.costUsd(ring, List.of(CostClass.INTER_POD.defaults())), 1e-6);
    }
}
