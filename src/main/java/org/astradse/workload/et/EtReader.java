package org.astradse.workload.et;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.astradse.InputException;

/**
 * Reads one rank's Chakra ET file ({@code PREFIX.N.et}, SEMANTICS-ET 1.2–1.4): length-delimited protobuf records, a
 * {@code GlobalMetadata} then {@code Node}s. Decoded field by field with protobuf-java's {@link CodedInputStream}
 * (standard wire format: unknown fields skipped, packed and unpacked repeated scalars, last occurrence of a singular
 * field wins) straight from a buffered stream, one record at a time, keeping only what ASTRA-sim reads — so a trace
 * set larger than memory is never held as bytes or as full messages.
 *
 * <p>Where the reference silently decodes a broken record (a parse error keeps the fields read so far), this reader
 * refuses the file with an error naming the record ("malformed record"): those traces either abort or stall the
 * reference (SEMANTICS-ET 4 #3).
 */
public final class EtReader {
    private EtReader() {
    }

    /** Registered attribute names (SEMANTICS-ET 1.4). */
    private static final String[] NAMES = {"is_cpu_op", "num_ops", "tensor_size", "comm_type", "comm_size", "comm_src",
            "comm_dst", "comm_tag", "involved_dim", "pg_name"};

    /** Reads rank {@code rank}'s file of the trace set with prefix {@code prefix}. */
    public static EtGraph read(String prefix, int rank) {
        Path file = Path.of(prefix + "." + rank + ".et");
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(file, in);
        } catch (NoSuchFileException e) {
            throw new InputException("workload file: " + file + " does not exist (a Chakra trace set has one file per NPU, "
                    + "PREFIX.0.et … PREFIX.N-1.et for the network's N NPUs)");
        } catch (IOException e) {
            throw new InputException(file + ": cannot read: " + e.getMessage());
        }
    }

    static EtGraph read(Path file, InputStream in) throws IOException {
        CodedInputStream cis = CodedInputStream.newInstance(in);
        cis.setSizeLimit(Integer.MAX_VALUE);
        if (cis.isAtEnd()) throw new InputException(file + ": empty file: failed to read the global metadata record");
        long record = 0;
        skipRecord(file, cis, record); // GlobalMetadata: read and never used by the reference
        List<EtNode> nodes = new ArrayList<>();
        List<long[]> parents = new ArrayList<>();
        while (!cis.isAtEnd()) {
            record++;
            int length = readLength(file, cis, record);
            int limit = cis.pushLimit(length);
            try {
                NodeBuilder b = new NodeBuilder();
                b.parse(cis);
                nodes.add(b.build());
                parents.add(b.parents());
            } catch (InvalidProtocolBufferException e) {
                throw malformed(file, record, e);
            }
            if (cis.getBytesUntilLimit() != 0) throw malformed(file, record, null);
            cis.popLimit(limit);
            cis.resetSizeCounter();
        }
        return EtGraph.build(file, nodes, parents);
    }

    private static void skipRecord(Path file, CodedInputStream cis, long record) throws IOException {
        int length = readLength(file, cis, record);
        try {
            cis.skipRawBytes(length);
        } catch (InvalidProtocolBufferException e) {
            throw malformed(file, record, e);
        }
        cis.resetSizeCounter();
    }

    /** The record's length: an unsigned varint of at most 5 bytes ({@code FD/protobuf_util.h}). */
    private static int readLength(Path file, CodedInputStream cis, long record) throws IOException {
        long v = 0;
        for (int i = 0; i < 5; i++) {
            if (cis.isAtEnd()) throw malformed(file, record, null);
            int b = cis.readRawByte() & 0xff;
            v |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                if (v > Integer.MAX_VALUE) break;
                return (int) v;
            }
        }
        throw new InputException(file + ": record " + record + ": malformed record: its length prefix is not a varint of at "
                + "most 5 bytes below 2^31");
    }

    private static InputException malformed(Path file, long record, Exception cause) {
        return new InputException(file + ": record " + record + (record == 0 ? " (global metadata)" : " (node)")
                + ": malformed record" + (cause == null ? ": truncated or longer than its length prefix"
                : ": " + firstSentence(cause.getMessage())) + " (the reference ignores protobuf parse errors and then aborts "
                + "or stalls)");
    }

    /** protobuf-java's reason in the trace's words (its messages speak of "protocol messages" and wire types). */
    private static String firstSentence(String m) {
        if (m == null) return "unreadable";
        if (m.contains("input ended unexpectedly")) return "the record ends in the middle of a field (the file is cut short, or corrupted)";
        if (m.contains("malformed varint") || m.contains("too large")) return "a field's length or number is not one a Chakra record holds (corrupted)";
        if (m.contains("invalid wire type") || m.contains("invalid tag") || m.contains("Protocol message"))
            return "its bytes are not a Chakra record (not an ET file, or corrupted)";
        int dot = m.indexOf(". ");
        return dot > 0 ? m.substring(0, dot) : m;
    }

    /** One attribute as found: the oneof member's field number and its value in the forms the reader needs. */
    private record Attribute(int kind, long integer, String string, long boolMask, int boolCount) {
    }

    /** Accumulates one Node record's fields. */
    private static final class NodeBuilder {
        long id;
        int type;
        long durationMicros;
        long[] deps = new long[4];
        int depCount;
        final Attribute[] attrs = new Attribute[NAMES.length];

        void parse(CodedInputStream cis) throws IOException {
            while (true) {
                int tag = cis.readTag();
                if (tag == 0) return;
                int field = WireFormat.getTagFieldNumber(tag);
                int wire = WireFormat.getTagWireType(tag);
                switch (field) {
                    case 1 -> {
                        if (wire == WireFormat.WIRETYPE_VARINT) id = cis.readUInt64(); else cis.skipField(tag);
                    }
                    case 3 -> {
                        if (wire == WireFormat.WIRETYPE_VARINT) type = cis.readEnum(); else cis.skipField(tag);
                    }
                    case 4, 5 -> { // ctrl_deps, data_deps: one parent set (SEMANTICS-ET 1.5)
                        if (wire == WireFormat.WIRETYPE_VARINT) {
                            addDep(cis.readUInt64());
                        } else if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                            int limit = cis.pushLimit(cis.readRawVarint32());
                            while (cis.getBytesUntilLimit() > 0) addDep(cis.readUInt64());
                            cis.popLimit(limit);
                        } else {
                            cis.skipField(tag);
                        }
                    }
                    case 7 -> {
                        if (wire == WireFormat.WIRETYPE_VARINT) durationMicros = cis.readUInt64(); else cis.skipField(tag);
                    }
                    case 10 -> {
                        if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                            int limit = cis.pushLimit(cis.readRawVarint32());
                            attribute(cis);
                            cis.popLimit(limit);
                        } else {
                            cis.skipField(tag);
                        }
                    }
                    default -> cis.skipField(tag);
                }
            }
        }

        private void addDep(long parent) {
            if (depCount == deps.length) deps = java.util.Arrays.copyOf(deps, depCount * 2);
            deps[depCount++] = parent;
        }

        long[] parents() {
            return java.util.Arrays.copyOf(deps, depCount);
        }

        /** An {@code AttributeProto}; the first attribute of a name wins ({@code FD/et_feeder_node.cpp}). */
        private void attribute(CodedInputStream cis) throws IOException {
            String name = null;
            int kind = 0;
            long integer = 0;
            String string = null;
            long boolMask = 0;
            int boolCount = 0;
            while (true) {
                int tag = cis.readTag();
                if (tag == 0) break;
                int field = WireFormat.getTagFieldNumber(tag);
                int wire = WireFormat.getTagWireType(tag);
                if (field == 1 && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    name = cis.readStringRequireUtf8();
                    continue;
                }
                if (field < 3 || field > 32) {
                    cis.skipField(tag);
                    continue;
                }
                Integer expected = wireOf(field);
                if (expected != wire) {
                    cis.skipField(tag);
                    continue;
                }
                kind = field; // oneof: the last member present wins
                string = null;
                switch (field) {
                    case 7 -> integer = cis.readInt32();
                    case 9 -> integer = cis.readInt64();
                    case 11 -> integer = Integer.toUnsignedLong(cis.readUInt32());
                    case 13 -> integer = cis.readUInt64();
                    case 15 -> integer = cis.readSInt32();
                    case 17 -> integer = cis.readSInt64();
                    case 19 -> integer = Integer.toUnsignedLong(cis.readFixed32());
                    case 21 -> integer = cis.readFixed64();
                    case 23 -> integer = cis.readSFixed32();
                    case 25 -> integer = cis.readSFixed64();
                    case 27 -> integer = cis.readBool() ? 1 : 0;
                    case 29 -> string = cis.readStringRequireUtf8();
                    case 28 -> { // BoolList { repeated bool values = 1; } packed or not
                        boolMask = 0;
                        boolCount = 0;
                        int limit = cis.pushLimit(cis.readRawVarint32());
                        while (true) {
                            int t = cis.readTag();
                            if (t == 0) break;
                            if (WireFormat.getTagFieldNumber(t) != 1) {
                                cis.skipField(t);
                            } else if (WireFormat.getTagWireType(t) == WireFormat.WIRETYPE_VARINT) {
                                if (cis.readBool() && boolCount < 64) boolMask |= 1L << boolCount;
                                boolCount++;
                            } else if (WireFormat.getTagWireType(t) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                                int inner = cis.pushLimit(cis.readRawVarint32());
                                while (cis.getBytesUntilLimit() > 0) {
                                    if (cis.readBool() && boolCount < 64) boolMask |= 1L << boolCount;
                                    boolCount++;
                                }
                                cis.popLimit(inner);
                            } else {
                                cis.skipField(t);
                            }
                        }
                        cis.popLimit(limit);
                    }
                    default -> cis.skipField(tag); // double, float and the other lists: their kind is what matters
                }
            }
            if (name == null) return;
            for (int i = 0; i < NAMES.length; i++) {
                if (NAMES[i].equals(name)) {
                    if (attrs[i] == null) attrs[i] = new Attribute(kind, integer, string, boolMask, boolCount);
                    return;
                }
            }
        }

        /** The wire type of a oneof member ({@code AttributeProto} fields 3–32). */
        private static Integer wireOf(int field) {
            if (field % 2 == 0) return WireFormat.WIRETYPE_LENGTH_DELIMITED; // the lists
            return switch (field) {
                case 3, 21, 25 -> WireFormat.WIRETYPE_FIXED64;
                case 5, 19, 23 -> WireFormat.WIRETYPE_FIXED32;
                case 29, 31 -> WireFormat.WIRETYPE_LENGTH_DELIMITED;
                default -> WireFormat.WIRETYPE_VARINT;
            };
        }

        private static boolean integerKind(int kind) {
            return kind >= 7 && kind <= 27 && kind % 2 == 1;
        }

        private static final String[] KINDS = {"double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64",
                "fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes"};

        /** {@code AttributeProto}'s oneof member name: fields 3, 5, … are {@code <kind>_val}, 4, 6, … {@code <kind>_list}. */
        private static String kindName(int kind) {
            if (kind < 3 || kind > 32) return "no value";
            return KINDS[(kind - 3) / 2] + (kind % 2 == 1 ? "_val" : "_list");
        }

        EtNode build() {
            List<String> errors = new ArrayList<>();
            boolean comm = type == EtNode.COMM_COLL_NODE || type == EtNode.COMM_SEND_NODE || type == EtNode.COMM_RECV_NODE;
            Attribute cpuAttr = attrs[0]; // is_cpu_op, read on every node: any integer kind, non-zero = true
            String cpuError = cpuAttr != null && !integerKind(cpuAttr.kind())
                    ? "attribute is_cpu_op has " + kindName(cpuAttr.kind()) + "; expected an integer or bool kind" : null;
            if (cpuError != null) errors.add(cpuError);
            boolean cpu = cpuAttr != null && integerKind(cpuAttr.kind()) && cpuAttr.integer() != 0;
            boolean p2p = type == EtNode.COMM_SEND_NODE || type == EtNode.COMM_RECV_NODE;
            boolean mem = type == EtNode.MEM_LOAD_NODE || type == EtNode.MEM_STORE_NODE;
            // each attribute is judged only on the nodes that read it (SEMANTICS-ET 1.4); a COMP's num_ops and
            // tensor_size are read with roofline only, so a wrong kind there is kept as −2 for the simulator
            long numOps = unsigned(1, null);
            long tensorSize = unsigned(2, mem ? errors : null);
            long commType = -1;
            if (type == EtNode.COMM_COLL_NODE) {
                commType = integer(3, true, errors);
                Attribute ct = attrs[3];
                // read as an unsigned 64-bit value: a negative or huge value is no collective type the reference runs
                if (ct != null && integerKind(ct.kind()) && (ct.integer() < 0 || ct.integer() > 1000)) commType = 1000;
            }
            long commSize = comm ? unsigned(4, errors) : -1;
            long src = p2p ? int32(5, errors) : EtNode.ABSENT;
            long dst = p2p ? int32(6, errors) : EtNode.ABSENT;
            long tag = p2p ? int32(7, errors) : EtNode.ABSENT;
            long involved = 0;
            int involvedCount = -1;
            String pg = "";
            if (type == EtNode.COMM_COLL_NODE) {
                Attribute a = attrs[8];
                if (a != null) {
                    if (a.kind() != 28) {
                        errors.add("Expected bool_list in involved_dim but found another type (" + kindName(a.kind()) + ")");
                    } else {
                        involved = a.boolMask();
                        involvedCount = a.boolCount();
                    }
                }
                Attribute p = attrs[9];
                if (p != null) {
                    if (p.kind() != 29) errors.add("attribute pg_name must be a string_val, found " + kindName(p.kind()));
                    else pg = p.string();
                }
            }
            return new EtNode(id, type, durationMicros, cpu, numOps, tensorSize, (int) commType, commSize, src, dst, tag, involved,
                    involvedCount, pg, errors.isEmpty() ? null : String.join("; ", errors), cpuError);
        }

        /** An integer attribute as the reference's static_cast reads it, −1 if absent. */
        private long integer(int i, boolean read, List<String> errors) {
            Attribute a = attrs[i];
            if (a == null) return -1;
            if (!integerKind(a.kind())) {
                if (read && errors != null)
                    errors.add("attribute " + NAMES[i] + " has " + kindName(a.kind()) + "; expected an integer kind");
                return -2;
            }
            return a.integer();
        }

        /** An unsigned 64-bit attribute (sizes): −1 if absent, −2 if of a non-integer kind or above 2^63 − 1. */
        private long unsigned(int i, List<String> errors) {
            long v = integer(i, true, errors);
            if (attrs[i] != null && integerKind(attrs[i].kind()) && v < 0) {
                if (errors != null)
                    errors.add("attribute " + NAMES[i] + " is " + Long.toUnsignedString(v) + " (as the reference reads it, an "
                            + "unsigned 64-bit value); expected a size below 2^63");
                return -2;
            }
            return v;
        }

        /** A 32-bit attribute (comm_src, comm_dst, comm_tag: truncated like the reference's int cast), or ABSENT. */
        private long int32(int i, List<String> errors) {
            Attribute a = attrs[i];
            if (a == null) return EtNode.ABSENT;
            long v = integer(i, true, errors);
            return integerKind(a.kind()) ? (int) v : EtNode.ABSENT;
        }
    }
}
