namespace MedCam.Explain.Methods;

/// <summary>HiResCAM (Draelos &amp; Carin 2020): L = Σ_k g^k ⊙ A^k, the gradient not averaged.</summary>
public sealed class HiResCam : CamMethod
{
    public override string Name => "hirescam";

    protected override void LayerMap(LayerContext context, Span<float> map)
    {
        ArgumentNullException.ThrowIfNull(context);
        var a = context.Activations.Span;
        var g = context.Gradients.Span;
        var z = context.Positions;
        map.Clear();
        for (var k = 0; k < context.Channels; k++)
        {
            System.Numerics.Tensors.TensorPrimitives.FusedMultiplyAdd(a.Slice(k * z, z), g.Slice(k * z, z), map, map);
        }
    }
}
