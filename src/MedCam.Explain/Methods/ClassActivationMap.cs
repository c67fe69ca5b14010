using System.Runtime.CompilerServices;
using MedCam.Explain.Models;
using MedCam.Torch;

namespace MedCam.Explain.Methods;

/// <summary>
/// CAM (Zhou et al. 2016) for heads that are global average pooling + one linear layer: L = Σ_k W_{c,k} A^k.
/// The weights are read from the model itself without knowing its format: the head's response to an all-zero
/// activation is the bias b, to channel k set to 1 everywhere it is W[:, k] + b (C + 1 batched head evaluations,
/// cached per model and layer). Each call checks the head really is GAP + linear on the actual activations
/// (W · mean(A) + b must reproduce the logits) and says so clearly otherwise. For a non-class target the weight is
/// Σ_c (dTarget/dy_c) · W[c, k].
/// </summary>
public sealed class ClassActivationMap : CamMethod
{
    private static readonly ConditionalWeakTable<IExplainableModel, Dictionary<string, HeadWeights>> Cache = [];

    public override string Name => "cam";

    public override bool UsesGradients => false;

    protected override float[] ChannelWeights(LayerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var head = WeightsOf(context);
        var k = head.Classes;
        var c = context.Channels;
        var z = context.Positions;

        // Check GAP + linear: predicted logits from the channel means must match the model's.
        var a = context.Activations.Span;
        for (var cls = 0; cls < k; cls++)
        {
            double predicted = head.Bias[cls];
            for (var ch = 0; ch < c; ch++)
            {
                double mean = System.Numerics.Tensors.TensorPrimitives.Sum(a.Slice(ch * z, z)) / z;
                predicted += head.Weights[(cls * c) + ch] * mean;
            }

            var actual = context.Logits[cls];
            if (Math.Abs(predicted - actual) > 1e-3 * (1 + Math.Abs(actual)))
            {
                throw new InvalidOperationException($"CAM needs a head that is global average pooling followed by one linear layer, but the head after '{context.Layer}' is not (class {cls}: GAP+linear predicts {predicted:G5}, the model gives {actual:G5}). Use gradcam, which equals CAM up to scale for such heads and works for any head.");
            }
        }

        var t = new float[k];
        context.Target.Gradient(context.Logits, t);
        var w = new float[c];
        for (var ch = 0; ch < c; ch++)
        {
            double sum = 0;
            for (var cls = 0; cls < k; cls++)
            {
                sum += t[cls] * head.Weights[(cls * c) + ch];
            }

            w[ch] = (float)sum;
        }

        return w;
    }

    private static HeadWeights WeightsOf(LayerContext context)
    {
        var perModel = Cache.GetOrCreateValue(context.Model);
        lock (perModel)
        {
            if (perModel.TryGetValue(context.Layer, out var cached) && cached.Channels == context.Channels && cached.Positions == context.Positions)
            {
                return cached;
            }

            var head = Probe(context);
            perModel[context.Layer] = head;
            return head;
        }
    }

    private static HeadWeights Probe(LayerContext context)
    {
        var c = context.Channels;
        var z = context.Positions;
        var probes = c + 1;
        var chunk = Math.Max(1, context.Options.MaxBatch);
        float[]? bias = null;
        float[]? weights = null;
        var k = 0;
        for (var start = 0; start < probes; start += chunk)
        {
            var count = Math.Min(chunk, probes - start);
            var data = new float[count * c * z];
            for (var j = 0; j < count; j++)
            {
                var probe = start + j;
                if (probe > 0)
                {
                    data.AsSpan((j * c * z) + ((probe - 1) * z), z).Fill(1f);
                }
            }

            var shape = new int[2 + context.LayerShape.Length];
            shape[0] = count;
            shape[1] = c;
            context.LayerShape.CopyTo(shape, 2);
            var logits = context.Model.Head(context.Layer, new Tensor(data, shape));
            k = logits.Shape[1];
            bias ??= logits.SampleSpan(0).ToArray();
            weights ??= new float[k * c];
            for (var j = 0; j < count; j++)
            {
                var probe = start + j;
                if (probe == 0)
                {
                    continue;
                }

                var row = logits.SampleSpan(j);
                for (var cls = 0; cls < k; cls++)
                {
                    weights[(cls * c) + probe - 1] = row[cls] - bias[cls];
                }
            }
        }

        return new HeadWeights(weights!, bias!, k, c, z);
    }

    private sealed record HeadWeights(float[] Weights, float[] Bias, int Classes, int Channels, int Positions);
}
