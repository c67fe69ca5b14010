using MedCam.Explain.Targets;
using MedCam.Torch;

namespace MedCam.Explain;

/// <summary>Maps of one method for a batch, on the model input grid, each normalised to [0, 1].</summary>
public sealed class CamResult
{
    internal CamResult(string method, Tensor maps, Tensor logits, IReadOnlyList<string> targets, int?[] targetClasses, IReadOnlyList<string> layers, TimeSpan modelTime, TimeSpan totalTime)
    {
        Method = method;
        Maps = maps;
        Logits = logits;
        Targets = targets;
        TargetClasses = targetClasses;
        Layers = layers;
        ModelTime = modelTime;
        TotalTime = totalTime;
    }

    public string Method { get; }

    /// <summary>[N, spatial...] of the input, float32 in [0, 1], high = important.</summary>
    public Tensor Maps { get; }

    /// <summary>Logits [N, K] of the unmodified input.</summary>
    public Tensor Logits { get; }

    /// <summary>Each sample's resolved target, in words.</summary>
    public IReadOnlyList<string> Targets { get; }

    /// <summary>Each sample's target class, where the target is a class.</summary>
    public IReadOnlyList<int?> TargetClasses { get; }

    public IReadOnlyList<string> Layers { get; }

    /// <summary>Time spent in the model's gradient/activation pass.</summary>
    public TimeSpan ModelTime { get; }

    public TimeSpan TotalTime { get; }

    /// <summary>Softmax of the logits, per sample.</summary>
    public float[] Probabilities(int sample)
    {
        var k = Logits.Shape[1];
        var row = Logits.Data.AsSpan(sample * k, k);
        var result = new float[k];
        for (var c = 0; c < k; c++)
        {
            result[c] = CamTarget.Softmax(row, c);
        }

        return result;
    }

    /// <summary>The map of one sample.</summary>
    public ReadOnlySpan<float> Map(int sample) => Maps.SampleSpan(sample);
}
