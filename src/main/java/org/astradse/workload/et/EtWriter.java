package org.astradse.workload.et;

import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Writes Chakra ET records (SEMANTICS-ET 1.2, 1.3): each a varint length then the message, encoded field by field
 * with protobuf-java's {@link CodedOutputStream}, as proto3 writers do (default values omitted, repeated scalars packed).
 */
public final class EtWriter implements AutoCloseable {
    private final CodedOutputStream out;
    private final OutputStream stream;

    /** A node to write: its fields as the converter sets them. */
    public record Node(long id, String name, int type, List<Long> dataDeps, long durationMicros, List<Attr> attrs) {
    }

    /** An attribute with an {@code int64_val} (field 9) or a {@code string_val} (field 29). */
    public record Attr(String name, Long int64, String string) {
        public static Attr int64(String name, long v) {
            return new Attr(name, v, null);
        }

        public static Attr string(String name, String v) {
            return new Attr(name, null, v);
        }
    }

    public EtWriter(OutputStream stream) {
        this.stream = stream;
        this.out = CodedOutputStream.newInstance(stream, 1 << 16);
    }

    /** The global metadata record (the reference reads and ignores it). */
    public void metadata(List<Attr> attrs) throws IOException {
        int size = 0;
        for (Attr a : attrs) size += CodedOutputStream.computeTagSize(2) + sized(attrSize(a));
        out.writeUInt32NoTag(size);
        for (Attr a : attrs) {
            out.writeTag(2, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
            writeAttr(a);
        }
    }

    public void node(Node n) throws IOException {
        out.writeUInt32NoTag(nodeSize(n));
        if (n.id() != 0) out.writeUInt64(1, n.id());
        if (!n.name().isEmpty()) out.writeString(2, n.name());
        if (n.type() != 0) out.writeEnum(3, n.type());
        if (!n.dataDeps().isEmpty()) {
            out.writeTag(5, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(depsSize(n.dataDeps()));
            for (long d : n.dataDeps()) out.writeUInt64NoTag(d);
        }
        if (n.durationMicros() != 0) out.writeUInt64(7, n.durationMicros());
        for (Attr a : n.attrs()) {
            out.writeTag(10, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
            writeAttr(a);
        }
    }

    private static int sized(int size) {
        return CodedOutputStream.computeUInt32SizeNoTag(size) + size;
    }

    private static int depsSize(List<Long> deps) {
        int s = 0;
        for (long d : deps) s += CodedOutputStream.computeUInt64SizeNoTag(d);
        return s;
    }

    private static int nodeSize(Node n) {
        int s = 0;
        if (n.id() != 0) s += CodedOutputStream.computeUInt64Size(1, n.id());
        if (!n.name().isEmpty()) s += CodedOutputStream.computeStringSize(2, n.name());
        if (n.type() != 0) s += CodedOutputStream.computeEnumSize(3, n.type());
        if (!n.dataDeps().isEmpty()) s += CodedOutputStream.computeTagSize(5) + sized(depsSize(n.dataDeps()));
        if (n.durationMicros() != 0) s += CodedOutputStream.computeUInt64Size(7, n.durationMicros());
        for (Attr a : n.attrs()) s += CodedOutputStream.computeTagSize(10) + sized(attrSize(a));
        return s;
    }

    private static int attrSize(Attr a) {
        int s = CodedOutputStream.computeStringSize(1, a.name());
        // a oneof member is written even when it holds the default value: its presence is the attribute's kind
        if (a.int64() != null) s += CodedOutputStream.computeInt64Size(9, a.int64());
        if (a.string() != null) s += CodedOutputStream.computeStringSize(29, a.string());
        return s;
    }

    private void writeAttr(Attr a) throws IOException {
        out.writeUInt32NoTag(attrSize(a));
        out.writeString(1, a.name());
        if (a.int64() != null) out.writeInt64(9, a.int64());
        if (a.string() != null) out.writeString(29, a.string());
    }

    @Override
    public void close() throws IOException {
        out.flush();
        stream.close();
    }
}
