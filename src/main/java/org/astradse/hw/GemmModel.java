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
 * short K is bound by writing its result). The five parameters (floor, e_max, I*, η_in, γ) are fitted per GPU
 * technology from
 * measurements ({@code GemmCalibrationTest}), not per shape.
 */
public final class GemmModel {
    private GemmModel() {
    }

    private static final int[][] TILES = {{256, 128}, {128, 256}, {128, 128}, {128, 64}, {64, 128}, {64, 64}};

    /** A modelled GEMM: time (µs), achieved TFLOP/s and its fraction of the precision's peak. */
    public record Result(double timeUs, double tflops, double efficiency, int tileM, int tileN) {
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
        if (m < 1 || n < 1 || k < 1 || m > Integer.MAX_VALUE || n > Integer.MAX_VALUE || k > Integer.MAX_VALUE)
            throw new InputException("GEMM dimensions must be in [1, 2^31), found M=" + m + " N=" + n + " K=" + k);
        double perSm = Units.tflopsToFlopsPerSecond(peakTflops) / sms; // FLOP/s of one SM at peak
        double best = Double.POSITIVE_INFINITY;
        int bm = 0;
        int bn = 0;
        for (int[] t : TILES) {
            double intensity = (double) t[0] * t[1] / (t[0] + t[1]);
            double eff = p.maxEfficiency() * Math.min(1.0, intensity / p.tileIntensity());
            long tiles = ceil(m, t[0]) * ceil(n, t[1]);
            long waves = ceil(tiles, sms);
            double loop = waves * 2.0 * t[0] * t[1] * k / (perSm * eff);
            if (loop < best) {
                best = loop;
                bm = t[0];
                bn = t[1];
            }
        }
        double hbm = Units.decimalGBpsToBytesPerSecond(hbmGBps);
        double in = (double) (m * k + k * n) * bytesPerElement / (hbm * p.inputBwEfficiency());
        double out = p.exposedWriteFraction() * m * n * bytesPerElement / hbm;
        // the launch floor overlaps a short kernel rather than adding to it: a smooth maximum (4-norm) of the two
        double body = Math.max(best, in) + out;
        double floor = Units.microsToSeconds(p.launchFloorUs());
        double seconds = Math.pow(Math.pow(floor, 4) + Math.pow(body, 4), 0.25);
        double flops = 2.0 * m * n * k;
        double tflops = Units.flopsPerSecondToTflops(flops / seconds);
        return new Result(Units.secondsToMicros(seconds), tflops, tflops / peakTflops, bm, bn);
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }
}
