using MedCam.Explain.Maps;
using MedCam.Torch;

namespace MedCam.Explain.Methods;

/// <summary>
/// Score-CAM (Wang et al. 2020), the paper's form: H^k = minmax(Up(A^k)) with linear/bilinear/trilinear upsampling
/// (align_corners = false) to the input grid (a constant channel gives H = 0); s_k = the target's probability
/// (softmax of the class logit; a function target's value) on X ∘ H^k (H broadcast over input channels);
/// L = ReLU(Σ_k s_k A^k). Optionally s_k minus the probability of the all-zero baseline input
/// (<see cref="CamOptions.ScoreCamSubtractBaseline"/>, off by default). No softmax across channels (the
/// pytorch-grad-cam/torch-cam deviation). The C masked inputs of a sample go to the model in batches of
/// <see cref="CamOptions.MaxBatch"/>; each is built straight into its batch slot (upsample, normalise, multiply; channels
/// in parallel), one managed buffer reused across batches, one copy into the runtime per batch.
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
        var activations = context.Activations;
        var input = context.Input.Data;
        var inputOffset = (int)(context.Sample * context.Input.SampleLength);
        var sampleLength = inputChannels * inputPositions;
        float[]? batch = null;
        for (var start = 0; start < c; start += chunk)
        {
            var count = Math.Min(chunk, c - start);
            shape[0] = count;
            if (batch is null || batch.Length != count * sampleLength)
            {
                batch = new float[count * sampleLength];
            }

            // Each masked input is built in its batch slot: H^k = minmax(Up(A^k)) in the last input channel's
            // place, then X ∘ H^k channel by channel (the last one in place). Channels are independent: the two
            // masks of a chunk are built in parallel (the model is idle meanwhile).
            var slots = batch;
            var first = start;
            Parallel.For(
                0,
                count,
                new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                () => new MapResampler(),
                (j, _, resampler) =>
                {
                    var slot = slots.AsSpan(j * sampleLength, sampleLength);
                    var mask = slot.Slice((inputChannels - 1) * inputPositions, inputPositions);
                    resampler.Resize(activations.Span.Slice((first + j) * z, z), context.LayerShape, mask, context.InputShape);
                    MapMath.MinMaxNormalise(mask);
                    var x = input.AsSpan(inputOffset, sampleLength);
                    for (var ch = 0; ch < inputChannels; ch++)
                    {
                        System.Numerics.Tensors.TensorPrimitives.Multiply(
                            x.Slice(ch * inputPositions, inputPositions),
                            mask,
                            slot.Slice(ch * inputPositions, inputPositions));
                    }

                    return resampler;
                },
                _ => { });

            var logits = context.Model.ForwardBatched(new Tensor(batch, (int[])shape.Clone()), chunk);
            for (var j = 0; j < count; j++)
            {
                weights[start + j] = context.Target.Probability(logits.SampleSpan(j)) - baseline;
            }
        }

        return weights;
    }
}
