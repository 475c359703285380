package org.astradse.hw;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.astradse.InputException;

/**
 * A GPU as the compute model sees it: peak dense throughput per precision, HBM, SM count and the GEMM efficiency
 * parameters ({@link GemmModel}). Units: TFLOP/s = 10^12 FLOP/s, GB = 10^9 B, GB/s = 10^9 B/s (datasheet units).
 * Bundled profiles are YAML files under {@code org/astradse/hw/gpus/}, one per name; a file with the same fields may
 * stand for a GPU that is not bundled.
 *
 * @param name          the profile's name (a contract: {@link #NAMES})
 * @param source        where the figures come from
 * @param sms           streaming multiprocessors (the GEMM model's wave size)
 * @param peakTflops    dense peak per precision ({@code bf16}, {@code fp16}, {@code fp8}, {@code tf32}), TFLOP/s
 * @param hbmGB         HBM capacity as marketed ("80 GB"; binary in fact: {@link #hbmCapacityBytes()})
 * @param hbmGBps       HBM bandwidth, GB/s (10^9 B/s)
 * @param gemm          GEMM efficiency parameters
 * @param kernels       the training model's other kernels (attention, memory-bound work, kernel floor, FP8 GEMMs)
 */
public record GpuProfile(String name, String source, int sms, Map<String, Double> peakTflops, double hbmGB, double hbmGBps,
                         GemmParams gemm, KernelParams kernels) {

    /** The bundled profiles' names, as one compile-time text (command help quotes it). */
    public static final String NAMES_TEXT = "A100-SXM4-40GB, A100-SXM4-80GB, H100-SXM, H100-PCIe, H800, H200, B200, GB200, B300, GB300";

    /** The bundled profiles' names (a contract). */
    public static final List<String> NAMES = List.of(NAMES_TEXT.split(", "));

    /**
     * GEMM efficiency parameters (see {@link GemmModel}), fitted once per GPU technology from measurements.
     *
     * @param launchFloorUs      fixed cost of one GEMM call (kernel launch and framework), µs
     * @param maxEfficiency      fraction of peak reached by a large tile's main loop
     * @param tileIntensity      tile arithmetic intensity tm·tn/(tm+tn) at which a tile reaches maxEfficiency
     * @param inputBwEfficiency  operand reads' bandwidth as a fraction of HBM's, at most 1 (each operand byte is counted
     *                           once: what L2 serves again is not in the bytes)
     * @param exposedWriteFraction share of the result write's HBM time not hidden behind the main loop
     * @param splitKFixupUs      a short-M GEMM's split-K: serial cost of adding one K-slice's partial result, µs; 0
     *                           when the library splits no GEMM's K ({@code GemmModel})
     * @param fittedOn           what the parameters were fitted on
     */
    public record GemmParams(double launchFloorUs, double maxEfficiency, double tileIntensity, double inputBwEfficiency,
                             double exposedWriteFraction, double splitKFixupUs, String fittedOn) {
    }

    /**
     * Kernels of a training step beside the GEMMs ({@code LlmTrainer}), with the defaults used when a profile names
     * none (Hopper-class figures, unverified where the profile says so).
     *
     * @param kernelFloorUs        shortest GPU time of a kernel inside a training step, µs: kernels are launched ahead
     *                             of the GPU, so the eager-mode launch floor of an isolated timing does not apply
     * @param attentionForward     fused (flash) attention forward: achieved fraction of the 16-bit dense peak
     * @param attentionBackward    its backward, counting 2× the forward's FLOPs (model FLOPs)
     * @param memoryEfficiency     element-wise and reduction kernels: fraction of HBM bandwidth reached
     * @param fp8GemmEfficiency    an FP8 GEMM's efficiency relative to a 16-bit GEMM of the same shape (of its own peak)
     * @param stepEfficiency       a training step's compute throughput relative to the isolated kernels above:
     *                             sustained clocks under a step's power draw and the framework's gaps between kernels;
     *                             fitted once per GPU generation on published training runs ({@code LlmCalibrationTest})
     * @param hostLinkGBps         the GPU's link to its host's memory, GB/s (10^9 B/s) per direction — what activation
     *                             offloading to CPU memory moves over (default PCIe Gen5 x16, 64)
     * @param moeHostUs            the shortest forward of a MoE layer on one micro-batch, µs: the token dispatcher waits
     *                             for the router's per-expert token counts on the host (a device-to-host synchronisation),
     *                             so the GPU then runs only as fast as the host issues the rest of the layer's kernels
     *                             ({@code LlmTrainer}); 0: no floor. Fitted once on published MoE runs
     *                             ({@code LlmPublishedRunsTest}); the default every bundled profile uses
     */
    public record KernelParams(double kernelFloorUs, double attentionForward, double attentionBackward, double memoryEfficiency,
                               double fp8GemmEfficiency, double stepEfficiency, double hostLinkGBps, double moeHostUs) {
        public static final KernelParams DEFAULT = new KernelParams(4, 0.45, 0.36, 0.8, 0.85, 1.0, 64, MOE_HOST_US);

        public KernelParams withStepEfficiency(double x) {
            return new KernelParams(kernelFloorUs, attentionForward, attentionBackward, memoryEfficiency, fp8GemmEfficiency,
                    x, hostLinkGBps, moeHostUs);
        }

        public KernelParams withMoeHostUs(double x) {
            return new KernelParams(kernelFloorUs, attentionForward, attentionBackward, memoryEfficiency, fp8GemmEfficiency,
                    stepEfficiency, hostLinkGBps, x);
        }
    }

    /** {@link KernelParams#moeHostUs()}'s fitted default, µs (LlmPublishedRunsTest re-fits and checks it). */
    static final double MOE_HOST_US = 6541;

    public GpuProfile withKernels(KernelParams k) {
        return new GpuProfile(name, source, sms, peakTflops, hbmGB, hbmGBps, gemm, k);
    }

    /** HBM capacity in bytes: the marketed "80 GB" of an HBM stack is binary (80 GiB), as the devices report. */
    public double hbmCapacityBytes() {
        return hbmGB * org.astradse.network.Units.BINARY_GB_BYTES;
    }

    public double peakTflops(String precision) {
        Double p = peakTflops.get(precision);
        if (p == null)
            throw new InputException("GPU " + name + " has no " + precision + " peak (its profile's peak-tflops gives "
                    + new java.util.TreeSet<>(peakTflops.keySet()) + "): choose one of those precisions, or another GPU");
        return p;
    }

    /** The precisions a profile's peak-tflops may give (GemmModel.bytes knows their element sizes). */
    public static final List<String> PRECISIONS = List.of("bf16", "fp16", "fp8", "tf32", "fp32");

    private static final Profiles<GpuProfile> PROFILES = new Profiles<>("GPU", "gpus", NAMES, GpuProfile::fromTree);

    /** A bundled profile by name, or a profile file (YAML with the same fields). */
    public static GpuProfile named(String nameOrFile) {
        return PROFILES.named(nameOrFile);
    }

    /** {@link #named(String)} with a file name relative to {@code base}. */
    public static GpuProfile named(String nameOrFile, Path base) {
        return PROFILES.named(nameOrFile, base);
    }

    static GpuProfile fromTree(JsonNode t, Path file) {
        org.astradse.Keys.allow(t, file, "", List.of("name", "source", "sms", "peak-tflops", "hbm-gb", "hbm-gbps", "gemm",
                "kernels"));
        String name = text(t, "name", file);
        Map<String, Double> peaks = new HashMap<>();
        JsonNode pk = t.get("peak-tflops");
        if (pk == null || !pk.isObject() || pk.isEmpty())
            throw InputException.at(file, "peak-tflops", "expected a mapping precision → dense TFLOP/s, e.g. {bf16: 989.4}");
        for (var it = pk.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!PRECISIONS.contains(e.getKey()))
                throw InputException.at(file, "peak-tflops." + e.getKey(), "unknown precision; expected one of " + PRECISIONS);
            peaks.put(e.getKey(), positive(e.getValue(), "peak-tflops." + e.getKey(), file));
        }
        if (!peaks.containsKey("bf16"))
            throw InputException.at(file, "peak-tflops.bf16", "missing; the 16-bit peak is the basis of every model (MFU included)");
        JsonNode g = t.get("gemm");
        if (g == null || !g.isObject()) throw InputException.at(file, "gemm", "expected the GEMM efficiency parameters");
        org.astradse.Keys.allow(g, file, "gemm.", List.of("launch-floor-us", "max-efficiency", "tile-intensity",
                "input-bw-efficiency", "exposed-write-fraction", "split-k-fixup-us", "fitted-on"));
        GemmParams gp = new GemmParams(positiveMicros(g.get("launch-floor-us"), "gemm.launch-floor-us", file),
                fraction(g.get("max-efficiency"), "gemm.max-efficiency", file),
                positive(g.get("tile-intensity"), "gemm.tile-intensity", file),
                fraction(g.get("input-bw-efficiency"), "gemm.input-bw-efficiency", file),
                fraction(g.get("exposed-write-fraction"), "gemm.exposed-write-fraction", file),
                g.has("split-k-fixup-us") ? micros(g.get("split-k-fixup-us"), "gemm.split-k-fixup-us", file) : 0,
                g.path("fitted-on").asText(""));
        JsonNode sms = t.get("sms");
        if (sms == null || !sms.isIntegralNumber() || sms.asLong() < 1 || sms.asLong() > 100_000)
            throw InputException.expected(file, "sms", "expected a whole number of streaming multiprocessors >= 1", sms);
        KernelParams d = KernelParams.DEFAULT;
        JsonNode k = t.path("kernels");
        if (!k.isMissingNode() && !k.isNull() && !k.isObject())
            throw InputException.at(file, "kernels", "expected a mapping of the training kernels' parameters, found " + k);
        org.astradse.Keys.allow(k, file, "kernels.", List.of("kernel-floor-us", "attention-forward", "attention-backward",
                "memory-efficiency", "fp8-gemm-efficiency", "step-efficiency", "host-link-gbps", "moe-host-us"));
        KernelParams kp = k.isObject() ? new KernelParams(
                k.has("kernel-floor-us") ? positiveMicros(k.get("kernel-floor-us"), "kernels.kernel-floor-us", file) : d.kernelFloorUs(),
                k.has("attention-forward") ? fraction(k.get("attention-forward"), "kernels.attention-forward", file) : d.attentionForward(),
                k.has("attention-backward") ? fraction(k.get("attention-backward"), "kernels.attention-backward", file) : d.attentionBackward(),
                k.has("memory-efficiency") ? fraction(k.get("memory-efficiency"), "kernels.memory-efficiency", file) : d.memoryEfficiency(),
                k.has("fp8-gemm-efficiency") ? fraction(k.get("fp8-gemm-efficiency"), "kernels.fp8-gemm-efficiency", file) : d.fp8GemmEfficiency(),
                k.has("step-efficiency") ? fraction(k.get("step-efficiency"), "kernels.step-efficiency", file) : d.stepEfficiency(),
                k.has("host-link-gbps") ? positive(k.get("host-link-gbps"), "kernels.host-link-gbps", file) : d.hostLinkGBps(),
                k.has("moe-host-us") ? micros(k.get("moe-host-us"), "kernels.moe-host-us", file) : d.moeHostUs())
                : d;
        return new GpuProfile(name, t.path("source").asText(""), sms.asInt(), Map.copyOf(peaks),
                positive(t.get("hbm-gb"), "hbm-gb", file), positive(t.get("hbm-gbps"), "hbm-gbps", file), gp, kp);
    }

    private static String text(JsonNode t, String key, Path file) {
        JsonNode v = t.get(key);
        if (v == null || !v.isTextual()) throw InputException.at(file, key, "missing; expected a string");
        if (v.asText().isBlank()) throw InputException.at(file, key, "has no value; expected the profile's name");
        return v.asText();
    }

    /**
     * A positive figure of a GPU (TFLOP/s, GB, GB/s, FLOP per byte) from 10^-3 to 10^6: beyond them a value is a unit
     * mistake (a peak of 10^300 TFLOP/s, an HBM of 10^200 GB ran, with 300-digit times), six orders of magnitude from
     * any GPU in either direction.
     */
    private static double positive(JsonNode v, String key, Path file) {
        if (v == null || !v.isNumber() || !(v.asDouble() >= 1e-3) || !(v.asDouble() <= 1e6))
            throw InputException.expected(file, key, "expected a positive number from 10^-3 to 10^6", v);
        return v.asDouble();
    }

    /** A duration in µs above 0 and at most 10 s. */
    private static double positiveMicros(JsonNode v, String key, Path file) {
        return micros(v, key, file, false);
    }

    /** A duration in µs from 0 to 10 s. */
    private static double micros(JsonNode v, String key, Path file) {
        return micros(v, key, file, true);
    }

    /**
     * A duration in µs: above 0 (or at least 0 when {@code zeroAllowed}) and at most 10 s — a larger one is a unit
     * mistake, and overflows later.
     */
    private static double micros(JsonNode v, String key, Path file, boolean zeroAllowed) {
        double x = v == null || !v.isNumber() ? Double.NaN : v.asDouble();
        if (!(zeroAllowed ? x >= 0 : x > 0) || !(x <= 1e7))
            throw InputException.expected(file, key, "expected a duration in µs " + (zeroAllowed ? "from 0" : "above 0") + " to 10^7 (10 s)", v);
        return x;
    }

    private static double fraction(JsonNode v, String key, Path file) {
        if (v == null || !v.isNumber() || !(v.asDouble() > 0))
            throw InputException.expected(file, key, "expected a positive number", v);
        double x = v.asDouble();
        if (x > 1 || x < FabricProfile.MIN_FRACTION) throw InputException.at(file, key, "expected a fraction from 10^-6 to 1, found " + x);
        return x;
    }
}
