package org.astradse.cost;

/**
 * Where a dimension's links run, with LIBRA's published unit costs in $ per GB/s (LIBRA, Won et al.):
 * InterChiplet link 2.0; InterPackage and InterNode link 4.0, switch 13.0; InterPod link 7.8, switch 18.0,
 * NIC 31.6.
 */
public enum CostClass {
    INTER_CHIPLET(new UnitCosts(2.0, 0.0, 0.0)),
    INTER_PACKAGE(new UnitCosts(4.0, 13.0, 0.0)),
    INTER_NODE(new UnitCosts(4.0, 13.0, 0.0)),
    INTER_POD(new UnitCosts(7.8, 18.0, 31.6));

    private final UnitCosts defaults;

    CostClass(UnitCosts defaults) {
        this.defaults = defaults;
    }

    public UnitCosts defaults() {
        return defaults;
    }
}
