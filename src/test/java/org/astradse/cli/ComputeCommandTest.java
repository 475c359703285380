package org.astradse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code compute --gemm}: the JSON contract and refused input. */
class ComputeCommandTest {
    @Test
    void jsonCarriesTimeThroughputAndEfficiency() throws Exception {
        CollectiveCommandTest.Run r = CollectiveCommandTest.run("compute", "--gpu", "H100-SXM", "--gemm", "8192,8192,8192", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode o = new ObjectMapper().readTree(r.out());
        double us = o.get("timeUs").asDouble();
        // invariants: tflops = 2·M·N·K / time, efficiency = tflops / 989.4 (H100 SXM dense bf16 peak)
        assertEquals(2.0 * 8192 * 8192 * 8192 / (us * 1e-6) / 1e12, o.get("tflops").asDouble(), 1e-6);
        assertEquals(o.get("tflops").asDouble() / 989.4, o.get("efficiency").asDouble(), 1e-9);
        // measured 786 TFLOP/s on one H100 (LLM-MODEL.md 5): within 10 %
        assertTrue(Math.abs(o.get("tflops").asDouble() / 786 - 1) < 0.10, r.out());
        assertEquals(1, o.get("splitK").asInt(), "a large GEMM is not split along K");
        // a short M: 256×1024 has 16 tiles of 128×128 on 132 SMs → 8 K-slices (GemmModel), named in text and JSON
        CollectiveCommandTest.Run s = CollectiveCommandTest.run("compute", "--gpu", "H100-SXM", "--gemm", "256,1024,4096", "--json");
        assertEquals(8, new ObjectMapper().readTree(s.out()).get("splitK").asInt(), s.out());
        assertEquals("128x128", new ObjectMapper().readTree(s.out()).get("tile").asText(), s.out());
        CollectiveCommandTest.Run text = CollectiveCommandTest.run("compute", "--gpu", "H100-SXM", "--gemm", "256,1024,4096");
        assertTrue(text.out().contains("split-K over 8 K-slices"), text.out());
    }

    @Test
    void badInputIsAUserError() {
        for (String[] args : new String[][] {{"--gpu", "H100", "--gemm", "8,8,8"}, {"--gpu", "H100-SXM", "--gemm", "8,-8,8"},
                {"--gpu", "H100-SXM", "--gemm", "8,8"}, {"--gpu", "A100-SXM4-80GB", "--gemm", "8,8,8", "--precision", "fp8"}}) {
            String[] full = new String[args.length + 1];
            full[0] = "compute";
            System.arraycopy(args, 0, full, 1, args.length);
            CollectiveCommandTest.Run r = CollectiveCommandTest.run(full);
            assertEquals(2, r.status(), String.join(" ", args));
            assertTrue(r.err().startsWith("error: ") && !r.err().contains("Exception"), r.err());
            // the message names the option it is about
            assertTrue(r.err().contains(args[0].equals("--gpu") && args[1].equals("H100") ? "--gpu: unknown GPU 'H100'"
                    : args.length > 4 ? "fp8" : "--gemm"), r.err());
        }
    }
}
