using System.Numerics.Tensors;

namespace MedCam.Explain.Methods;

/// <summary>Grad-CAM (Selvaraju et al. 2016, eq. 1): w_k = (1/Z) Σ_ij g^k_ij.</summary>
public sealed class GradCam : CamMethod
{
    public override string Name => "gradcam";

    protected override float[] ChannelWeights(LayerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var g = context.Gradients.Span;
        var z = context.Positions;
        var w = new float[context.Channels];
        for (var k = 0; k < w.Length; k++)
        {
            w[k] = TensorPrimitives.Sum(g.Slice(k * z, z)) / z;
        }

        return w;
    }
}
