package org.astradse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.astradse.InputException;
import org.astradse.hw.GemmModel;
import org.astradse.hw.GpuProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code compute --gemm}: the modelled time of one GEMM on a GPU profile (a contract). */
@Command(name = "compute", mixinStandardHelpOptions = true,
        description = "Model the time of one dense GEMM C[M,N] = A[M,K] x B[K,N] on a GPU profile.")
final class ComputeCommand implements Callable<Integer> {
    @Option(names = "--gpu", required = true, paramLabel = "NAME|FILE",
            description = "a bundled GPU profile (" + GpuProfile.NAMES_TEXT + ") or a profile file")
    String gpu;

    @Option(names = "--gemm", required = true, paramLabel = "M,N,K", description = "the GEMM's dimensions")
    String gemm;

    @Option(names = "--precision", defaultValue = "bf16", paramLabel = "P", description = "bf16 (default), fp16, fp8 or tf32")
    String precision;

    @Option(names = "--json", description = "print one JSON object: timeUs, tflops, efficiency")
    boolean json;

    @Override
    public Integer call() throws Exception {
        String[] parts = gemm.split(",");
        if (parts.length != 3) throw new InputException("--gemm: expected M,N,K (three positive integers), found '" + gemm + "'");
        long[] d = new long[3];
        for (int i = 0; i < 3; i++) {
            try {
                d[i] = Long.parseLong(parts[i].trim());
            } catch (NumberFormatException e) {
                d[i] = -1;
            }
            if (d[i] < 1 || d[i] > Integer.MAX_VALUE)
                throw new InputException("--gemm: " + "MNK".charAt(i) + " must be an integer from 1 to " + Integer.MAX_VALUE
                        + ", found '" + parts[i].trim() + "'");
        }
        GpuProfile profile;
        try {
            profile = GpuProfile.named(gpu);
        } catch (InputException e) {
            throw new InputException("--gpu: " + e.getMessage());
        }
        String p = precision.toLowerCase(Locale.ROOT).strip();
        if (p.isEmpty())
            throw new InputException("--precision: has no value; expected one of " + org.astradse.hw.GpuProfile.PRECISIONS
                    + " (default bf16)");
        if (!org.astradse.hw.GpuProfile.PRECISIONS.contains(p))
            throw new InputException("--precision " + precision + ": unknown precision; expected one of "
                    + org.astradse.hw.GpuProfile.PRECISIONS + " (default bf16)");
        GemmModel.Result r;
        try {
            r = GemmModel.time(profile, d[0], d[1], d[2], p);
        } catch (InputException e) {
            throw new InputException("--precision " + precision + ": " + e.getMessage());
        }
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("timeUs", r.timeUs());
            o.put("tflops", r.tflops());
            o.put("efficiency", r.efficiency());
            o.put("gpu", profile.name());
            o.put("precision", p);
            o.put("gflop", 2.0 * d[0] * d[1] * d[2] / 1e9);
            o.put("tile", r.tileM() + "x" + r.tileN());
            o.put("splitK", r.splitK());
            System.out.println(new ObjectMapper().writeValueAsString(o));
        } else {
            System.out.printf(Locale.ROOT, "GEMM %dx%dx%d %s on %s: %.2f us, %.1f TFLOP/s (%.1f %% of the %.1f TFLOP/s peak)%s%n",
                    d[0], d[1], d[2], p, profile.name(), r.timeUs(), r.tflops(), 100 * r.efficiency(), profile.peakTflops(p),
                    r.splitK() > 1 ? "; split-K over " + r.splitK() + " K-slices" : "");
        }
        return 0;
    }
}
