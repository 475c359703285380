package org.astradse.cost;

import org.astradse.network.TopologyKind;

import java.util.List;
import org.astradse.network.Dimension;
import org.astradse.network.NetworkConfig;

/**
 * Network cost in dollars, counted per building block as LIBRA counts it, for a dimension of k NPUs with
 * per-NPU bandwidth B (its {@code bandwidth}, GB/s) in a network of N NPUs:
 * <ul>
 *   <li>Ring: N/k rings of 2k links at B/2 each;</li>
 *   <li>FullyConnected: N/k blocks of k(k−1) links at B/(k−1) each;</li>
 *   <li>Switch: N links at B, plus switch ports and NICs at B.</li>
 * </ul>
 * Each reduces to N·B·c with c the dimension's $ per GB/s (link, plus switch and NIC on Switch dimensions), so
 * the network costs N · Σ_d c_d · B_d. Dimensions of one NPU cost nothing.
 */
public final class NetworkCostModel {
    private NetworkCostModel() {
    }

    /** Dollar cost of one dimension's building blocks. */
    public static double dimensionCostUsd(NetworkConfig net, int d, UnitCosts unit) {
        Dimension dim = net.dimension(d);
        return dimensionCostUsd(dim.topology(), dim.npus(), net.totalNpus(), dim.bandwidthGBps(), unit);
    }

    /**
     * Dollar cost of a dimension of {@code k} NPUs, {@code b} GB/s per NPU, in a network of {@code n} NPUs (also a
     * cluster's dimension: {@code Cluster.networkCostUsd}).
     */
    public static double dimensionCostUsd(TopologyKind topology, int k, double n, double b, UnitCosts unit) {
        if (k < 2) return 0;
        return switch (topology) {
            case RING -> (n / k) * (2.0 * k) * (b / 2) * unit.linkUsdPerGBps();
            case FULLY_CONNECTED -> (n / k) * ((double) k * (k - 1)) * (b / (k - 1)) * unit.linkUsdPerGBps();
            case SWITCH -> n * b * (unit.linkUsdPerGBps() + unit.switchUsdPerGBps() + unit.nicUsdPerGBps());
        };
    }

    /** Dollar cost of the network, one {@link UnitCosts} per dimension. */
    public static double costUsd(NetworkConfig net, List<UnitCosts> perDimension) {
        if (perDimension.size() != net.dimensionCount())
            throw new IllegalArgumentException("one UnitCosts per dimension: " + perDimension.size() + " for "
                    + net.dimensionCount());
        double total = 0;
        for (int d = 0; d < net.dimensionCount(); d++) total += dimensionCostUsd(net, d, perDimension.get(d));
        return total;
    }
}
