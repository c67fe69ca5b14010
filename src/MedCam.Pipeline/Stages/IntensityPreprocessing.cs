using System.Numerics.Tensors;
using MedCam.Torch;

namespace MedCam.Pipeline.Stages;

/// <summary>
/// The model card's intensity preprocessing, in the card's order: window clip and scale to [0, 1] (CT), or scale
/// 8-bit samples to [0, 1] (<c>scale_to_unit</c>), then <c>(x − mean) / std</c> per channel.
/// </summary>
public static class IntensityPreprocessing
{
    /// <summary>CT: clip HU to the card's window and scale to [0, 1] (identity when the card has no window).</summary>
    public static void ApplyWindow(Span<float> values, Windowing? window)
    {
        if (window is null)
        {
            return;
        }

        var lo = (float)(window.Center - (window.Width / 2));
        var hi = (float)(window.Center + (window.Width / 2));
        TensorPrimitives.Clamp(values, lo, hi, values);
        TensorPrimitives.Subtract(values, lo, values);
        TensorPrimitives.Multiply(values, 1f / (hi - lo), values);
    }

    /// <summary><c>(x − mean[c]) / std[c]</c> on one channel's values (identity without normalisation).</summary>
    public static void Normalise(Span<float> channelValues, Normalisation? normalisation, int channel)
    {
        if (normalisation is null || normalisation.Mean.Count == 0)
        {
            return;
        }

        var mean = (float)normalisation.Mean[Math.Min(channel, normalisation.Mean.Count - 1)];
        var std = normalisation.Std.Count == 0 ? 1f : (float)normalisation.Std[Math.Min(channel, normalisation.Std.Count - 1)];
        TensorPrimitives.Subtract(channelValues, mean, channelValues);
        TensorPrimitives.Multiply(channelValues, 1f / std, channelValues);
    }

    /// <summary>The model grid's spatial shape: the card's resize, else the input shape's spatial part.</summary>
    public static int[] ModelSpatialShape(ModelCard card, int rank, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (card.Preprocessing.Resize is { } resize && resize.Count == rank)
        {
            return [.. resize];
        }

        if (card.Input.Shape.Count == rank + 2 && card.Input.Shape.Skip(2).All(d => d > 0))
        {
            return [.. card.Input.Shape.Skip(2)];
        }

        throw new PipelineException(modelPath, $"the model card gives no {rank}-D input size (preprocessing.resize or input.shape)");
    }
}
