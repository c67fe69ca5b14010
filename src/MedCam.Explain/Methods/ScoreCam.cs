using MedCam.Imaging.Resampling;
using MedCam.Torch;

namespace MedCam.Explain.Methods;

/// <summary>
/// Score-CAM (Wang et al. 2020), the paper's form: H^k = minmax(Up(A^k)) with linear/bilinear/trilinear upsampling
/// (align_corners = false) to the input grid (a constant channel gives H = 0); s_k = the target's probability
/// (softmax of the class logit; a function target's value) on X ∘ H^k (H broadcast over input channels);
/// L = ReLU(Σ_k s_k A^k). Optionally s_k minus the probability of the all-zero baseline input
/// (<see cref="CamOptions.ScoreCamSubtractBaseline"/>, off by default). No softmax across channels (the
/// pytorch-grad-cam/torch-cam deviation). The C masked inputs of a sample go to the model in batches of
/// <see cref="CamOptions.MaxBatch"/>; they are built in managed memory (one copy into the runtime per batch).
/// Cost: C forward passes per sample.
/// </summary>
public sealed class ScoreCam : CamMethod
{
    public override string Name => "scorecam";

    public override bool UsesGradients => false;

    protected override float[] ChannelWeights(LayerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var c = context.Channels;
        var z = context.Positions;
        var inputChannels = context.Input.Shape[1];
        var inputPositions = (int)(context.Input.SampleLength / inputChannels);
        var x = context.SampleInput;

        // Up(A^k) for all channels in one separable pass: [C, layer...] -> [C, input...].
        var from = new int[1 + context.LayerShape.Length];
        var to = new int[1 + context.InputShape.Length];
        from[0] = to[0] = c;
        context.LayerShape.CopyTo(from, 1);
        context.InputShape.CopyTo(to, 1);
        var up = LinearResampler.Resize(context.Activations.Span[..(c * z)], from, to);
        for (var k = 0; k < c; k++)
        {
            Maps.MapMath.MinMaxNormalise(up.AsSpan(k * inputPositions, inputPositions));
        }

        float baseline = 0;
        if (context.Options.ScoreCamSubtractBaseline)
        {
            var zeros = (int[])context.Input.Shape.Clone();
            zeros[0] = 1;
            baseline = context.Target.Probability(context.Model.Forward(Tensor.Zeros(zeros)).SampleSpan(0));
        }

        var weights = new float[c];
        var chunk = Math.Max(1, context.Options.MaxBatch);
        var shape = (int[])context.Input.Shape.Clone();
        for (var start = 0; start < c; start += chunk)
        {
            var count = Math.Min(chunk, c - start);
            shape[0] = count;
            var batch = new float[count * inputChannels * inputPositions];
            for (var j = 0; j < count; j++)
            {
                var mask = up.AsSpan((start + j) * inputPositions, inputPositions);
                for (var ch = 0; ch < inputChannels; ch++)
                {
                    System.Numerics.Tensors.TensorPrimitives.Multiply(
                        x.Slice(ch * inputPositions, inputPositions),
                        mask,
                        batch.AsSpan(((j * inputChannels) + ch) * inputPositions, inputPositions));
                }
            }

            var logits = context.Model.ForwardBatched(new Tensor(batch, (int[])shape.Clone()), chunk);
            for (var j = 0; j < count; j++)
            {
                weights[start + j] = context.Target.Probability(logits.SampleSpan(j)) - baseline;
            }
        }

        return weights;
    }
}
