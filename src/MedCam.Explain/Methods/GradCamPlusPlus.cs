using System.Runtime.Intrinsics;

namespace MedCam.Explain.Methods;

/// <summary>
/// Grad-CAM++ (Chattopadhay et al. 2018), the paper's closed form (eq. 19 with the exponential trick):
/// α^k_ij = g²_ij / (2 g²_ij + (Σ_ab A^k_ab) · g³_ij), α = 0 where g = 0, a zero denominator treated as 1;
/// w_k = Σ_ij α^k_ij · ReLU(g^k_ij). The exp(S) factor common to all channels is dropped (it overflows float32).
/// Note (Σ_ab A_ab)·g³_ij, per position, as in the paper, not torch-cam/MONAI/M3d-CAM's Σ_ab A_ab g³_ab.
/// When the gradient powers were averaged over noisy copies (Smooth Grad-CAM++) the averages are used.
/// </summary>
public class GradCamPlusPlus : CamMethod
{
    public override string Name => "gradcam++";

    protected override float[] ChannelWeights(LayerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var a = context.Activations.Span;
        var g = context.Gradients.Span;
        var averaged = context.GradientSquared.HasValue && context.GradientCubed.HasValue;
        var g2 = averaged ? context.GradientSquared!.Value.Span : default;
        var g3 = averaged ? context.GradientCubed!.Value.Span : default;
        var z = context.Positions;
        var w = new float[context.Channels];
        for (var k = 0; k < w.Length; k++)
        {
            var off = k * z;
            var sumA = SumAsDouble(a.Slice(off, z));
            w[k] = (float)(averaged
                ? ChannelWeight(g.Slice(off, z), g2.Slice(off, z), g3.Slice(off, z), sumA)
                : ChannelWeight(g.Slice(off, z), default, default, sumA));
        }

        return w;
    }

    /// <summary>
    /// Σ_i α_i · ReLU(g_i) of one channel in double, α = g² / (2g² + (Σ A)·g³), skipped where g² = 0 or g ≤ 0, a zero
    /// denominator counted as 1. Empty <paramref name="g2"/>/<paramref name="g3"/> mean g² and g³. Vector256 over
    /// widened doubles with the same per-element operations as the scalar tail (only the summation order differs).
    /// </summary>
    internal static double ChannelWeight(ReadOnlySpan<float> g, ReadOnlySpan<float> g2, ReadOnlySpan<float> g3, double sumA)
    {
        var averaged = !g2.IsEmpty;
        double weight = 0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated && g.Length >= Vector256<float>.Count)
        {
            var acc = Vector256<double>.Zero;
            var two = Vector256.Create(2.0);
            var vSumA = Vector256.Create(sumA);
            for (; i <= g.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var (gl, gu) = Vector256.Widen(Vector256.Create(g.Slice(i, Vector256<float>.Count)));
                Vector256<double> g2l, g2u, g3l, g3u;
                if (averaged)
                {
                    (g2l, g2u) = Vector256.Widen(Vector256.Create(g2.Slice(i, Vector256<float>.Count)));
                    (g3l, g3u) = Vector256.Widen(Vector256.Create(g3.Slice(i, Vector256<float>.Count)));
                }
                else
                {
                    g2l = gl * gl;
                    g2u = gu * gu;
                    g3l = g2l * gl;
                    g3u = g2u * gu;
                }

                acc += Term(gl, g2l, g3l, two, vSumA) + Term(gu, g2u, g3u, two, vSumA);
            }

            weight = Vector256.Sum(acc);
        }

        for (; i < g.Length; i++)
        {
            double gi = g[i];
            var gi2 = averaged ? g2[i] : gi * gi;
            var gi3 = averaged ? g3[i] : gi * gi * gi;
            if (gi2 == 0 || gi <= 0)
            {
                // α = 0 where g = 0; ReLU(g) = 0 where g <= 0: no contribution either way.
                continue;
            }

            var denominator = (2 * gi2) + (sumA * gi3);
            if (denominator == 0)
            {
                denominator = 1;
            }

            weight += gi2 / denominator * gi;
        }

        return weight;
    }

    private static Vector256<double> Term(Vector256<double> g, Vector256<double> g2, Vector256<double> g3, Vector256<double> two, Vector256<double> sumA)
    {
        var denominator = (two * g2) + (sumA * g3);
        denominator = Vector256.ConditionalSelect(Vector256.Equals(denominator, Vector256<double>.Zero), Vector256<double>.One, denominator);
        var term = g2 / denominator * g;
        var contributes = ~Vector256.Equals(g2, Vector256<double>.Zero) & Vector256.GreaterThan(g, Vector256<double>.Zero);
        return Vector256.ConditionalSelect(contributes, term, Vector256<double>.Zero);
    }

    private static double SumAsDouble(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (var v in values)
        {
            sum += v;
        }

        return sum;
    }
}
