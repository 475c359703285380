package org.astradse;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

/**
 * The one rule every mapping a user writes is read by: a key the reader does not know is refused, naming the file, the
 * key and the keys it knows — a typo must not silently fall back to a default (a misspelt optional key reads as
 * absent otherwise).
 */
public final class Keys {
    private Keys() {
    }

    /**
     * The reader of the YAML files this product defines (sweep specs, clusters, GPU and fabric profiles, training
     * configurations): a key given twice in one mapping is refused with its line (YAML would let the last one win
     * silently, e.g. a second {@code tp:} replacing the first). ASTRA-sim's own input files are read as the reference
     * reads them.
     */
    public static ObjectMapper yaml() {
        ObjectMapper m = new ObjectMapper(YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
        return m.registerModule(new com.fasterxml.jackson.databind.module.SimpleModule("yaml-aliases")
                .addDeserializer(JsonNode.class, new AliasResolvingTrees()));
    }

    /**
     * Builds a YAML document's tree with its anchors, aliases and merge keys resolved as YAML 1.1 defines them:
     * {@code *name} is a copy of the node anchored {@code &name} before it, and {@code <<: *name} (or a list of aliases)
     * merges that mapping's keys into the mapping holding it, keys written there winning (of a list of mappings, the
     * first giving a key). Jackson's own tree reader
     * reads an alias as the plain string {@code name} — {@code bandwidth: *bw} would silently become "bw". An alias
     * to no anchor is refused with its line, as is one to an anchored single value (Jackson's parser does not report
     * those anchors); numbers, strings and nulls are the nodes Jackson's reader makes.
     */
    static final class AliasResolvingTrees extends com.fasterxml.jackson.databind.JsonDeserializer<JsonNode> {
        @Override
        public JsonNode deserialize(com.fasterxml.jackson.core.JsonParser p, com.fasterxml.jackson.databind.DeserializationContext ctxt)
                throws java.io.IOException {
            return node(p, ctxt.getNodeFactory(), new Anchors());
        }

        /**
         * The document's anchors, and how many nodes its aliases have copied so far: each alias is a deep copy, so a
         * few lines of nested aliases (an "alias bomb") expand to billions of nodes and ran out of memory — bounded at
         * {@link #MAX_ALIAS_NODES}, far beyond any configuration.
         */
        static final class Anchors {
            final java.util.Map<String, JsonNode> nodes = new java.util.HashMap<>();
            final java.util.Map<String, Long> sizes = new java.util.HashMap<>();
            long copied;
        }

        static final long MAX_ALIAS_NODES = 1_000_000;

        private static long size(JsonNode n) {
            long s = 1;
            for (JsonNode c : n) s += size(c);
            return s;
        }

        @Override
        public JsonNode getNullValue(com.fasterxml.jackson.databind.DeserializationContext ctxt) {
            return com.fasterxml.jackson.databind.node.NullNode.getInstance();
        }

        private static JsonNode node(com.fasterxml.jackson.core.JsonParser p, com.fasterxml.jackson.databind.node.JsonNodeFactory nf,
                                     Anchors anchors) throws java.io.IOException {
            Object anchor = p.getObjectId();
            JsonNode n;
            switch (p.currentToken()) {
                case START_OBJECT -> {
                    com.fasterxml.jackson.databind.node.ObjectNode o = nf.objectNode();
                    java.util.List<JsonNode> merged = new java.util.ArrayList<>();
                    while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                        String k = p.currentName();
                        p.nextToken();
                        JsonNode v = node(p, nf, anchors);
                        if (!k.equals("<<")) o.set(k, v);
                        else if (v.isArray()) v.forEach(merged::add);
                        else merged.add(v);
                    }
                    for (JsonNode m : merged) {
                        if (!m.isObject())
                            throw new com.fasterxml.jackson.core.JsonParseException(p, "a merge key (<<) takes a mapping, an alias of one "
                                    + "or a list of them, found " + m);
                        for (Iterator<java.util.Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
                            var e = it.next();
                            if (!o.has(e.getKey())) o.set(e.getKey(), e.getValue().deepCopy());
                        }
                    }
                    n = o;
                }
                case START_ARRAY -> {
                    com.fasterxml.jackson.databind.node.ArrayNode a = nf.arrayNode();
                    while (p.nextToken() != com.fasterxml.jackson.core.JsonToken.END_ARRAY) a.add(node(p, nf, anchors));
                    n = a;
                }
                case VALUE_STRING -> {
                    if (isAlias(p)) {
                        JsonNode target = anchors.nodes.get(p.getText());
                        if (target == null)
                            throw new com.fasterxml.jackson.core.JsonParseException(p, "alias *" + p.getText() + ": no list or mapping "
                                    + "anchored &" + p.getText() + " before it (an anchor on a single value is not supported: write "
                                    + "the value out)");
                        anchors.copied += anchors.sizes.computeIfAbsent(p.getText(), k -> size(target));
                        if (anchors.copied > MAX_ALIAS_NODES)
                            throw new com.fasterxml.jackson.core.JsonParseException(p, "the aliases expand the document to more "
                                    + "than " + MAX_ALIAS_NODES + " nodes (nested aliases copy their anchors each time); write "
                                    + "the values out");
                        return target.deepCopy();
                    }
                    n = nf.textNode(p.getText());
                }
                case VALUE_NUMBER_INT -> {
                    refuseYaml11Number(p);
                    n = switch (p.getNumberType()) {
                    case INT -> nf.numberNode(p.getIntValue());
                    case LONG -> nf.numberNode(p.getLongValue());
                        default -> nf.numberNode(p.getBigIntegerValue());
                    };
                }
                case VALUE_NUMBER_FLOAT -> {
                    refuseYaml11Number(p);
                    n = p.getNumberType() == com.fasterxml.jackson.core.JsonParser.NumberType.BIG_DECIMAL
                            ? nf.numberNode(p.getDecimalValue()) : nf.numberNode(p.getDoubleValue());
                }
                case VALUE_TRUE -> n = nf.booleanNode(true);
                case VALUE_FALSE -> n = nf.booleanNode(false);
                case VALUE_NULL -> n = nf.nullNode();
                case VALUE_EMBEDDED_OBJECT -> n = nf.pojoNode(p.getEmbeddedObject());
                default -> throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected " + p.currentToken());
            }
            if (anchor != null) {
                anchors.nodes.put(anchor.toString(), n);
                anchors.sizes.remove(anchor.toString()); // a re-anchored name: its size is the new node's
            }
            return n;
        }

        /**
         * YAML 1.1, which the parser implements, reads {@code 0200} as the octal 128, {@code 8_0} as 80, {@code 0x8}
         * and {@code 0b101} as hex and binary: a bandwidth written {@code 050} would silently run at 40 GB/s. A number
         * in this product's files is written plainly (decimal, an optional sign, fraction and exponent); these forms are
         * refused with their line (quoted, they are strings, and the key's own check names them).
         */
        private static void refuseYaml11Number(com.fasterxml.jackson.core.JsonParser p) throws java.io.IOException {
            String text = p.getText();
            String read = p.getNumberValue().toString();
            String plain = text.replace("_", ""); // YAML drops underscores before it reads the digits
            String why = null;
            if (plain.matches("[-+]?0[xXbBoO].*")) {
                why = "has a hex, octal or binary prefix (YAML reads " + read + "): write the decimal number";
            } else if (plain.matches("[-+]?0[0-9]+")) {
                String stripped = plain.replaceFirst("^([-+]?)0+(?=[0-9])", "$1");
                why = "has a leading zero, which makes YAML read it as the octal number " + read + ": write " + stripped
                        + (stripped.equals(read) ? "" : " (or " + read + " if octal was meant)");
            } else if (text.contains("_")) {
                why = "has an underscore, which YAML drops (it reads " + read + "): write " + plain;
            }
            if (why != null) throw new com.fasterxml.jackson.core.JsonParseException(p, "'" + text + "' " + why);
        }

        private static boolean isAlias(com.fasterxml.jackson.core.JsonParser p) {
            return p instanceof com.fasterxml.jackson.dataformat.yaml.YAMLParser y && y.isCurrentAlias();
        }
    }

    /**
     * An unmodifiable set that iterates in the order written: a set of keys that an error message lists must list them
     * the same way on every run ({@code Set.of}'s order changes from one JVM to the next).
     */
    public static java.util.Set<String> ordered(String... keys) {
        return java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(List.of(keys)));
    }

    /**
     * Refuses a key of mapping {@code m} outside {@code known}; {@code at} prefixes the key in the message (e.g.
     * {@code "cluster.network."}). A non-mapping is left to the caller's own type check.
     */
    public static void allow(JsonNode m, Path file, String at, List<String> known) {
        if (m == null || !m.isObject()) return;
        for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) throw InputException.at(file, at + k, "unknown key; expected one of " + known);
        }
    }
}
