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
            double sumA = 0;
            for (var i = 0; i < z; i++)
            {
                sumA += a[off + i];
            }

            double weight = 0;
            for (var i = 0; i < z; i++)
            {
                double gi = g[off + i];
                double gi2 = averaged ? g2[off + i] : gi * gi;
                double gi3 = averaged ? g3[off + i] : gi * gi * gi;
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

            w[k] = (float)weight;
        }

        return w;
    }
}
