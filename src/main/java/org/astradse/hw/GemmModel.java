package org.astradse.hw;

import org.astradse.InputException;
import org.astradse.network.Units;

/**
 * Time of one dense GEMM {@code C[M,N] = A[M,K] · B[K,N]} on a GPU: the main loop or the operand reads, whichever is
 * longer, then the result write — and never less than the launch floor, which a short kernel hides behind (a smooth
 * maximum: the call's fixed cost and a small kernel overlap rather than add).
 * <pre>
 *   t = (floor⁴ + body⁴)^¼,   body = max(t_loop, t_in) + t_out
 *   t_loop = min over tiles (tm × tn) of  waves · 2·tm·tn·K / (peak/SMs · e(tile)),
 *            waves = ⌈⌈M/tm⌉·⌈N/tn⌉ / SMs⌉,  e(tile) = e_max · min(1, (tm·tn/(tm+tn)) / I*)
 *   t_in  = (M·K + K·N) · bytes / (HBM · η_in),   t_out = γ · M·N · bytes / HBM
 * </pre>
 * The tiles are the output tiles Hopper-class GEMM kernels use (256×128 … 64×64); a library picks the one that
 * finishes first, so the model does. Wave quantisation makes shapes with few tiles slow (one wave of eight tiles
 * leaves most SMs idle); a small tile reuses less of what it loads (its intensity tm·tn/(tm+tn) is lower), so it
 * runs below e_max; the part γ of the result write that is not hidden behind the main loop adds to it (a GEMM with a
 * short K is bound by writing its result).
 * <p>
 * <b>Split-K for a short M.</b> PyTorch hands a row-major {@code A·B} to cuBLAS as the column-major {@code Bᵀ·Aᵀ}, whose
 * second dimension is M. When M is at most one wide tile ({@value #SPLIT_K_MAX_M} rows) and the output has fewer
 * 128×128 tiles than SMs, cuBLAS runs a split-K kernel instead of choosing by time: K is cut into the largest power of
 * two s ≤ {@value #SPLIT_K_MAX_SPLITS} slices with tiles·s ≤ SMs and slices at least one k-block deep, each CTA runs one slice, and the s partial tiles are
 * added one after another (a serial fix-up: each waits for the previous slice's write), at φ per slice:
 * <pre>
 *   t_loop = 2·128·128·⌈K/s⌉ / (peak/SMs · e(128×128)) + s·φ
 * </pre>
 * That is why, measured on an H100, a 256×1024 output takes ~32 µs from K = 2,048 to 16,384 while 1024×256 takes
 * 15–21 µs: the split costs its fix-ups whatever K is. The rule applies only to M (the transposed problem's n): the
 * visible N = 256 shapes show no such floor. A profile with φ = 0 splits nothing.
 * <p>
 * The six parameters (floor, e_max, I*, η_in, γ, φ) are fitted per GPU technology from measurements
 * ({@code GemmCalibrationTest}), not per shape.
 */
public final class GemmModel {
    private GemmModel() {
    }

    private static final int[][] TILES = {{256, 128}, {128, 256}, {128, 128}, {128, 64}, {64, 128}, {64, 64}};
    /** Largest M for which cuBLAS splits K (one 256-row tile: the transposed problem's n fits one tile). */
    static final int SPLIT_K_MAX_M = 256;
    /** Most K-slices of a split-K GEMM; more would make the serial fix-up longer than what the slices save. */
    static final int SPLIT_K_MAX_SPLITS = 16;
    /** A K-slice holds at least one k-block of the Hopper main loop (64 bf16 elements deep). */
    static final int SPLIT_K_MIN_SLICE = 64;
    private static final int SPLIT_TILE = 128;

    /**
     * A modelled GEMM: time (µs), achieved TFLOP/s and its fraction of the precision's peak, the output tile and the
     * K-slices of a split-K kernel (1: not split).
     */
    public record Result(double timeUs, double tflops, double efficiency, int tileM, int tileN, int splitK) {
    }

    /** Bytes per element of a precision. */
    public static int bytes(String precision) {
        return switch (precision) {
            case "fp8" -> 1;
            case "bf16", "fp16" -> 2;
            case "tf32", "fp32" -> 4;
            default -> throw new InputException("unknown precision '" + precision + "'; expected bf16, fp16, fp8 or tf32");
        };
    }

    public static Result time(GpuProfile gpu, long m, long n, long k, String precision) {
        return time(gpu.gemm(), gpu.sms(), gpu.peakTflops(precision), gpu.hbmGBps(), m, n, k, bytes(precision));
    }

    /** The model with explicit parameters (used by the calibration). */
    public static Result time(GpuProfile.GemmParams p, int sms, double peakTflops, double hbmGBps, long m, long n, long k,
                              int bytesPerElement) {
        return time(p, sms, peakTflops, hbmGBps, m, n, k, bytesPerElement, 1);
    }

    /**
     * A grouped GEMM: {@code groups} independent products of the same shape in one kernel (a MoE layer's experts, each
     * with its own weights and its own tokens). Its output tiles are every group's, scheduled over the SMs together —
     * so the waves count all of them and the launch floor is paid once — and it reads every group's operands and writes
     * every group's result: a weight-gradient GEMM per expert writes one gradient per expert, however few tokens each
     * has. One group is the plain GEMM; a grouped GEMM is not split along K.
     */
    public static Result time(GpuProfile.GemmParams p, int sms, double peakTflops, double hbmGBps, long m, long n, long k,
                              int bytesPerElement, long groups) {
        if (m < 1 || n < 1 || k < 1 || m > Integer.MAX_VALUE || n > Integer.MAX_VALUE || k > Integer.MAX_VALUE)
            throw new InputException("GEMM dimensions must be in [1, 2^31), found M=" + m + " N=" + n + " K=" + k);
        if (groups < 1) throw new InputException("a grouped GEMM has at least one group, found " + groups);
        double perSm = Units.tflopsToFlopsPerSecond(peakTflops) / sms; // FLOP/s of one SM at peak
        double best = Double.POSITIVE_INFINITY;
        int bm = 0;
        int bn = 0;
        int s = groups > 1 ? 1 : splitK(p, sms, m, n, k);
        if (s > 1) {
            best = 2.0 * SPLIT_TILE * SPLIT_TILE * ceil(k, s) / (perSm * tileEfficiency(p, SPLIT_TILE, SPLIT_TILE))
                    + s * Units.microsToSeconds(p.splitKFixupUs());
            bm = SPLIT_TILE;
            bn = SPLIT_TILE;
        } else {
            for (int[] t : TILES) {
                long tiles = groups * ceil(m, t[0]) * ceil(n, t[1]);
                long waves = ceil(tiles, sms);
                double loop = waves * 2.0 * t[0] * t[1] * k / (perSm * tileEfficiency(p, t[0], t[1]));
                if (loop < best) {
                    best = loop;
                    bm = t[0];
                    bn = t[1];
                }
            }
        }
        double hbm = Units.decimalGBpsToBytesPerSecond(hbmGBps);
        double in = (double) groups * (m * k + k * n) * bytesPerElement / (hbm * p.inputBwEfficiency());
        double out = p.exposedWriteFraction() * groups * m * n * bytesPerElement / hbm;
        // the launch floor overlaps a short kernel rather than adding to it: a smooth maximum (4-norm) of the two
        double body = Math.max(best, in) + out;
        double floor = Units.microsToSeconds(p.launchFloorUs());
        double seconds = smoothMax(floor, body);
        double flops = 2.0 * groups * m * n * k;
        double tflops = Units.flopsPerSecondToTflops(flops / seconds);
        return new Result(Units.secondsToMicros(seconds), tflops, tflops / peakTflops, bm, bn, s);
    }

    /**
     * The K-slices cuBLAS cuts a GEMM into: the largest power of two s ≤ {@value #SPLIT_K_MAX_SPLITS} with
     * tiles·s ≤ SMs and at least one {@value #SPLIT_K_MIN_SLICE}-deep k-block per slice, for M ≤ {@value #SPLIT_K_MAX_M};
     * 1 (no split) otherwise.
     */
    static int splitK(GpuProfile.GemmParams p, int sms, long m, long n, long k) {
        if (p.splitKFixupUs() <= 0 || m > SPLIT_K_MAX_M) return 1;
        long tiles = ceil(m, SPLIT_TILE) * ceil(n, SPLIT_TILE);
        int s = 1;
        while (s < SPLIT_K_MAX_SPLITS && tiles * s * 2 <= sms && k >= (long) SPLIT_K_MIN_SLICE * s * 2) s *= 2;
        return s;
    }

    /** (a⁴ + b⁴)^¼, computed as max · (1 + (min/max)⁴)^¼ so that no power overflows. */
    static double smoothMax(double a, double b) {
        double hi = Math.max(a, b);
        if (hi <= 0) return 0;
        double r = Math.min(a, b) / hi;
        return hi * Math.pow(1 + r * r * r * r, 0.25);
    }

    /** e(tile) = e_max · min(1, (tm·tn/(tm+tn)) / I*): a small tile reuses less of what it loads. */
    private static double tileEfficiency(GpuProfile.GemmParams p, int tm, int tn) {
        double intensity = (double) tm * tn / (tm + tn);
        return p.maxEfficiency() * Math.min(1.0, intensity / p.tileIntensity());
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }
}
