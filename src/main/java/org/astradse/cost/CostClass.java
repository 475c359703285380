package org.astradse.cost;

/**
 * Where a dimension's links run, with LIBRA's published unit costs in $ per GB/s (LIBRA, Won et al.):
 * InterChiplet link 2.0; InterPackage and InterNode link 4.0, switch 13.0; InterPod link 7.8, switch 18.0,
 * NIC 31.6.
 */
public enum CostClass {
    INTER_CHIPLET("InterChiplet", new UnitCosts(2.0, 0.0, 0.0)),
    INTER_PACKAGE("InterPackage", new UnitCosts(4.0, 13.0, 0.0)),
    INTER_NODE("InterNode", new UnitCosts(4.0, 13.0, 0.0)),
    INTER_POD("InterPod", new UnitCosts(7.8, 18.0, 31.6));

    /** The spec names, for messages. */
    public static final String NAMES = "InterChiplet, InterPackage, InterNode or InterPod";

    private final String specName;
    private final UnitCosts defaults;

    CostClass(String specName, UnitCosts defaults) {
        this.specName = specName;
        this.defaults = defaults;
    }

    /** The name used in specs: InterChiplet, InterPackage, InterNode, InterPod. */
    public String specName() {
        return specName;
    }

    /** Accepts the spec names case-insensitively, with or without '-' / '_'; null if unknown. */
    public static CostClass fromName(String name) {
        String n = name.replace("-", "").replace("_", "");
        for (CostClass c : values()) if (c.specName.equalsIgnoreCase(n)) return c;
        return null;
    }

    public UnitCosts defaults() {
        return defaults;
    }
}
