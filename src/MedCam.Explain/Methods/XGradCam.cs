namespace MedCam.Explain.Methods;

/// <summary>XGrad-CAM (Fu et al. 2020): w_k = Σ_ij (A^k_ij / (Σ_ab A^k_ab + ε)) · g^k_ij, ε = 1e-7.</summary>
public sealed class XGradCam : CamMethod
{
    private const double Epsilon = 1e-7;

    public override string Name => "xgradcam";

    protected override float[] ChannelWeights(LayerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var a = context.Activations.Span;
        var g = context.Gradients.Span;
        var z = context.Positions;
        var w = new float[context.Channels];
        for (var k = 0; k < w.Length; k++)
        {
            double sumA = 0;
            double sumAg = 0;
            for (var i = k * z; i < (k + 1) * z; i++)
            {
                sumA += a[i];
                sumAg += (double)a[i] * g[i];
            }

            w[k] = (float)(sumAg / (sumA + Epsilon));
        }

        return w;
    }
}
