package org.astradse.workload.et;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.astradse.InputException;
import org.astradse.workload.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convert --to chakra} against Chakra's own converter: every bundled {@code txt_<workload>_n<N>_p<P>} trace set
 * (made by Chakra's text converter from the 1.0 text workloads) is written again from the same text, and every node
 * record must be byte-identical (the metadata record embeds the input text, which the reference ignores).
 */
class TextToChakraTest {
    static final Path INPUTS = Path.of("sweeps/inputs/astra-sim");

    @Test
    void everyConvertedTraceSetIsReproducedByteForByte(@TempDir Path tmp) throws IOException {
        Pattern name = Pattern.compile("txt_(.+)_n(\\d+)_p(\\d+)");
        List<Path> sets;
        try (Stream<Path> s = Files.list(INPUTS.resolve("2.0-et/workload"))) {
            sets = s.filter(p -> name.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
        assertTrue(sets.size() >= 50, "bundled converted trace sets: " + sets.size());
        int files = 0;
        for (Path set : sets) {
            Matcher m = name.matcher(set.getFileName().toString());
            assertTrue(m.matches());
            Path text = INPUTS.resolve("1.0/workload/" + m.group(1) + ".txt");
            int npus = Integer.parseInt(m.group(2));
            int passes = Integer.parseInt(m.group(3));
            String prefix = tmp.resolve(set.getFileName().toString()).resolve("et").toString();
            TextToChakra.write(Workload.parse(text, 1, 1), Files.readString(text, StandardCharsets.UTF_8), npus, passes, prefix);
            for (int r = 0; r < npus; r++) {
                List<byte[]> want = records(Files.readAllBytes(set.resolve("et." + r + ".et")));
                List<byte[]> got = records(Files.readAllBytes(Path.of(prefix + "." + r + ".et")));
                assertEquals(want.size(), got.size(), set + " rank " + r + ": records");
                for (int i = 1; i < want.size(); i++)
                    assertTrue(Arrays.equals(want.get(i), got.get(i)), set + " rank " + r + ": record " + i + " differs");
                files++;
            }
        }
        assertTrue(files > 1000, "files compared: " + files);
    }

    @Test
    void keywordsTheConverterRejectsAreRefused() {
        Workload w = Workload.parse(INPUTS.resolve("1.0/workload/Transformer_HybridParallel.txt"), 1, 1);
        InputException e = assertThrows(InputException.class, () -> TextToChakra.graph(w, 1));
        assertTrue(e.getMessage().contains("HYBRID_TRANSFORMER") && e.getMessage().contains("Transformer_HybridParallel.txt"),
                e.getMessage());
    }

    /** The length-delimited records of an ET file (SEMANTICS-ET 1.2). */
    static List<byte[]> records(byte[] b) {
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        while (i < b.length) {
            int len = 0;
            int shift = 0;
            while (true) {
                int c = b[i++] & 0xff;
                len |= (c & 0x7f) << shift;
                shift += 7;
                if (c < 0x80) break;
            }
            out.add(Arrays.copyOfRange(b, i, i + len));
            i += len;
        }
        return out;
    }
}
