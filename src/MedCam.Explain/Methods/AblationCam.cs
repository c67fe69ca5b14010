using MedCam.Torch;

namespace MedCam.Explain.Methods;

/// <summary>
/// Ablation-CAM (Desai &amp; Ramaswamy 2020): w_k = (y^c − y^c_{A^k=0}) / y^c, L = ReLU(Σ_k w_k A^k). Only the part of
/// the model after the layer runs on the ablated activations (<c>Head</c>), C per sample, in batches of
/// <see cref="CamOptions.MaxBatch"/>. y is the target's pre-softmax score; where |y^c| &lt; 1e-7 the denominator is
/// ±1e-7 (its sign kept) so the weights stay finite.
/// </summary>
public sealed class AblationCam : CamMethod
{
    public override string Name => "ablationcam";

    public override bool UsesGradients => false;

    protected override float[] ChannelWeights(LayerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var c = context.Channels;
        var z = context.Positions;
        var a = context.Activations.Span;
        var y = context.Target.Score(context.Logits);
        var denominator = Math.Abs(y) < 1e-7f ? (y < 0 ? -1e-7f : 1e-7f) : y;
        var weights = new float[c];
        var chunk = Math.Max(1, context.Options.MaxBatch);
        var shape = new int[2 + context.LayerShape.Length];
        shape[1] = c;
        context.LayerShape.CopyTo(shape, 2);
        for (var start = 0; start < c; start += chunk)
        {
            var count = Math.Min(chunk, c - start);
            shape[0] = count;
            var batch = new float[count * c * z];
            for (var j = 0; j < count; j++)
            {
                var block = batch.AsSpan(j * c * z, c * z);
                a[..(c * z)].CopyTo(block);
                block.Slice((start + j) * z, z).Clear();
            }

            var logits = context.Model.Head(context.Layer, new Tensor(batch, (int[])shape.Clone()));
            for (var j = 0; j < count; j++)
            {
                weights[start + j] = (y - context.Target.Score(logits.SampleSpan(j))) / denominator;
            }
        }

        return weights;
    }
}
