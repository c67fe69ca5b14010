namespace MedCam.Explain.Methods;

/// <summary>
/// LayerCAM (Jiang et al. 2021): L = Σ_k ReLU(g^k) ⊙ A^k (then ReLU); optional rescale tanh(γ · L / max L), γ = 2,
/// for shallow layers (<see cref="CamOptions.LayerCamTanhRescale"/>). Several layers (CamOptions.Layers) are fused by
/// the template's element-wise maximum on the input grid.
/// </summary>
public sealed class LayerCam : CamMethod
{
    public override string Name => "layercam";

    protected override void LayerMap(LayerContext context, Span<float> map)
    {
        ArgumentNullException.ThrowIfNull(context);
        var a = context.Activations.Span;
        var g = context.Gradients.Span;
        var z = context.Positions;
        map.Clear();
        for (var k = 0; k < context.Channels; k++)
        {
            for (var i = 0; i < z; i++)
            {
                var gi = g[(k * z) + i];
                if (gi > 0)
                {
                    map[i] += gi * a[(k * z) + i];
                }
            }
        }

        if (context.Options.LayerCamTanhRescale)
        {
            var max = 0f;
            foreach (var v in map)
            {
                max = Math.Max(max, v);
            }

            if (max > 0)
            {
                for (var i = 0; i < z; i++)
                {
                    map[i] = map[i] > 0 ? (float)Math.Tanh(context.Options.LayerCamGamma * map[i] / max) : 0;
                }
            }
        }
    }
}
