package org.astradse.workload.et;

/**
 * One node of a Chakra execution trace, reduced to what ASTRA-sim 2.0 reads (SEMANTICS-ET 1.3, 1.4): the rest of
 * the record (name, inputs, outputs, other attributes) is dropped while streaming, so a large trace set is never
 * held whole.
 *
 * <p>An attribute problem (missing, or of a kind the reference cannot convert) is kept in {@code error} and raised
 * only when the node is issued, where the reference raises it: a node that never runs never fails.
 *
 * @param id             node id (unique per file after {@link EtReader} merged duplicates)
 * @param type           {@code NodeType} value (unknown values kept as they are)
 * @param durationMicros replayed duration, µs
 * @param cpuOp          {@code is_cpu_op}
 * @param numOps         {@code num_ops} (FLOP), or −1 if absent
 * @param tensorSize     {@code tensor_size} (bytes), or −1 if absent
 * @param commType       {@code comm_type} ({@code CollectiveCommType} value), or −1 if absent
 * @param commSize       {@code comm_size} (bytes per NPU), or −1 if absent
 * @param commSrc        {@code comm_src} (32-bit, as the reference truncates it), or {@link #ABSENT}
 * @param commDst        {@code comm_dst}, or {@link #ABSENT}
 * @param commTag        {@code comm_tag}, or {@link #ABSENT}
 * @param involvedDims   {@code involved_dim} entries as a bit mask (bit d = physical dimension d)
 * @param involvedCount  how many {@code involved_dim} entries there are, −1 if the attribute is absent
 * @param pgName         {@code pg_name}, "" if absent
 * @param error          why issuing this node must fail (a message naming the attribute), or null
 * @param replayError    the part of {@code error} about attributes read even in replay-only mode ({@code is_cpu_op},
 *                       which picks the resource), or null: replay reads nothing else
 */
public record EtNode(long id, int type, long durationMicros, boolean cpuOp, long numOps, long tensorSize, int commType,
                     long commSize, long commSrc, long commDst, long commTag, long involvedDims, int involvedCount,
                     String pgName, String error, String replayError) {

    /** A node whose only attribute problems (if any) are in {@code error}. */
    public EtNode(long id, int type, long durationMicros, boolean cpuOp, long numOps, long tensorSize, int commType,
                  long commSize, long commSrc, long commDst, long commTag, long involvedDims, int involvedCount,
                  String pgName, String error) {
        this(id, type, durationMicros, cpuOp, numOps, tensorSize, commType, commSize, commSrc, commDst, commTag,
                involvedDims, involvedCount, pgName, error, null);
    }
    /** A 32-bit attribute that is not there. */
    public static final long ABSENT = Long.MIN_VALUE;

    public static final int INVALID_NODE = 0;
    public static final int METADATA_NODE = 1;
    public static final int MEM_LOAD_NODE = 2;
    public static final int MEM_STORE_NODE = 3;
    public static final int COMP_NODE = 4;
    public static final int COMM_SEND_NODE = 5;
    public static final int COMM_RECV_NODE = 6;
    public static final int COMM_COLL_NODE = 7;

    public static final int ALL_REDUCE = 0;
    public static final int ALL_GATHER = 2;
    public static final int BROADCAST = 5;
    public static final int ALL_TO_ALL = 6;
    public static final int REDUCE_SCATTER = 7;

    /** The same node with another id (the converter offsets ids per rank; a symmetric run compares without them). */
    public EtNode withId(long newId) {
        return new EtNode(newId, type, durationMicros, cpuOp, numOps, tensorSize, commType, commSize, commSrc, commDst,
                commTag, involvedDims, involvedCount, pgName, error, replayError);
    }

    /** The same node with another involved_dim entry count (−1: the attribute absent, all dimensions). */
    public EtNode withInvolved(int count) {
        return new EtNode(id, type, durationMicros, cpuOp, numOps, tensorSize, commType, commSize, commSrc, commDst,
                commTag, involvedDims, count, pgName, error, replayError);
    }

    public static String typeName(int type) {
        return switch (type) {
            case INVALID_NODE -> "INVALID_NODE";
            case METADATA_NODE -> "METADATA_NODE";
            case MEM_LOAD_NODE -> "MEM_LOAD_NODE";
            case MEM_STORE_NODE -> "MEM_STORE_NODE";
            case COMP_NODE -> "COMP_NODE";
            case COMM_SEND_NODE -> "COMM_SEND_NODE";
            case COMM_RECV_NODE -> "COMM_RECV_NODE";
            case COMM_COLL_NODE -> "COMM_COLL_NODE";
            default -> "node type " + type;
        };
    }

    public static String commTypeName(int commType) {
        return switch (commType) {
            case 0 -> "ALL_REDUCE";
            case 1 -> "REDUCE";
            case 2 -> "ALL_GATHER";
            case 3 -> "GATHER";
            case 4 -> "SCATTER";
            case 5 -> "BROADCAST";
            case 6 -> "ALL_TO_ALL";
            case 7 -> "REDUCE_SCATTER";
            case 8 -> "REDUCE_SCATTER_BLOCK";
            case 9 -> "BARRIER";
            default -> "comm_type " + commType;
        };
    }
}
