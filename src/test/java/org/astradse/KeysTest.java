package org.astradse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.astradse.network.NetworkConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The product's YAML reader: anchors, aliases and merge keys resolved; everything else as Jackson reads it. */
class KeysTest {
    static JsonNode read(Path dir, String yaml) throws IOException {
        Path f = dir.resolve("t.yaml");
        Files.writeString(f, yaml);
        return NetworkConfig.readTree(f, Keys.yaml());
    }

    @Test
    void aliasesAreCopiesOfTheirAnchorsAndMergeKeysMerge(@TempDir Path dir) throws IOException {
        JsonNode t = read(dir, """
                a: &bw [200, 100]
                b: *bw
                base: &sys {scheduling-policy: LIFO, endpoint-delay: 10}
                system:
                  <<: *sys
                  endpoint-delay: 20
                two:
                  <<: [*sys, {endpoint-delay: 30, extra: 1}]
                """);
        assertEquals("[200,100]", t.get("b").toString()); // Jackson alone reads *bw as the string "bw"
        // the key written in the mapping wins over the merged one; of a list, the first mapping giving a key wins
        assertEquals("{\"endpoint-delay\":20,\"scheduling-policy\":\"LIFO\"}", t.get("system").toString());
        assertEquals("{\"scheduling-policy\":\"LIFO\",\"endpoint-delay\":10,\"extra\":1}", t.get("two").toString());
        // a copy: changing the alias's tree leaves the anchor's alone
        ((com.fasterxml.jackson.databind.node.ArrayNode) t.get("b")).set(0, 1);
        assertEquals(200, t.get("a").get(0).asInt());
    }

    @Test
    void anAliasToNoListOrMappingIsRefusedWithItsLine(@TempDir Path dir) {
        InputException e = assertThrows(InputException.class, () -> read(dir, "a: 1\nb: *nowhere\n"));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("*nowhere"), e.getMessage());
        // Jackson's parser does not report an anchor on a single value: such an alias is refused, not read as a name
        InputException s = assertThrows(InputException.class, () -> read(dir, "a: &lat 500\nb: *lat\n"));
        assertTrue(s.getMessage().contains("single value"), s.getMessage());
        InputException m = assertThrows(InputException.class, () -> read(dir, "a: &l [1]\nb:\n  <<: *l\n"));
        assertTrue(m.getMessage().contains("merge key"), m.getMessage());
    }

    @Test
    void withoutAliasesEveryBundledFileReadsAsJacksonReadsIt() throws IOException {
        ObjectMapper plain = new ObjectMapper(new YAMLFactory());
        List<Path> files;
        try (Stream<Path> s = Stream.concat(Files.walk(Path.of("sweeps")), Files.walk(Path.of("src/main/resources")))) {
            files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).toList();
        }
        assertTrue(files.size() > 40, "files " + files.size());
        for (Path f : files) {
            JsonNode ours = Keys.yaml().readTree(f.toFile());
            JsonNode theirs = plain.readTree(f.toFile());
            assertEquals(theirs, ours, f.toString());
            assertEquals(theirs.toString(), ours.toString(), f.toString()); // the same node types (int, long, double)
        }
    }
}
