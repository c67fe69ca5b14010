using MedCam.Explain.Models;
using MedCam.Explain.Targets;
using MedCam.Imaging.Filters;
using MedCam.Torch;

namespace MedCam.Explain.Metrics;

/// <summary>The substrate deleted positions are replaced with (deletion) or start from (insertion).</summary>
public enum Substrate
{
    Zeros,

    /// <summary>The input blurred by a Gaussian, σ = 5 voxels per spatial axis (RISE uses σ = 5).</summary>
    Blurred,
}

/// <summary>A probability curve and its normalised area.</summary>
public sealed record CurveResult(double Auc, IReadOnlyList<double> Fractions, IReadOnlyList<double> Probabilities);

/// <summary>ROAD at each removal percentile: the class probability and its change from the unmodified input.</summary>
public sealed record RoadResult(IReadOnlyList<double> Percentiles, IReadOnlyList<double> Probabilities, IReadOnlyList<double> Changes, double OriginalProbability);

/// <summary>
/// Faithfulness metrics: they perturb one input sample [1, C, spatial...] guided by its map (on the input grid) and
/// read the target's probability (softmax for class targets) from the model. Perturbed inputs go to the model in
/// batches of <c>maxBatch</c>.
/// </summary>
public static class FaithfulnessMetrics
{
    /// <summary>
    /// Deletion (RISE, Petsiuk et al. 2018): positions ranked by saliency (ties by index) are replaced by the substrate
    /// in <paramref name="steps"/> equal steps (all channels at once); the class probability is read at each of the
    /// steps + 1 points p_0 … p_steps (p_0: the unmodified input). AUC = (Σ p − p_0/2 − p_steps/2) / steps, the
    /// normalised trapezoid (lower is better).
    /// </summary>
    public static CurveResult Deletion(IExplainableModel model, Tensor sample, ReadOnlySpan<float> map, CamTarget target, int steps = 50, Substrate substrate = Substrate.Zeros, int maxBatch = 16) =>
        Curve(model, sample, map, target, steps, substrate, insertion: false, maxBatch);

    /// <summary>Insertion: start from the blurred input and insert the original values most-salient first (higher is better).</summary>
    public static CurveResult Insertion(IExplainableModel model, Tensor sample, ReadOnlySpan<float> map, CamTarget target, int steps = 50, int maxBatch = 16) =>
        Curve(model, sample, map, target, steps, Substrate.Blurred, insertion: true, maxBatch);

    /// <summary>Normalised trapezoid area of equally spaced points: (Σ p − p_first/2 − p_last/2) / (n − 1).</summary>
    public static double NormalisedAuc(IReadOnlyList<double> p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.Count < 2)
        {
            throw new ArgumentException("An AUC needs at least two points.", nameof(p));
        }

        return (p.Sum() - (p[0] / 2) - (p[^1] / 2)) / (p.Count - 1);
    }

    /// <summary>
    /// Average Drop and Increase in Confidence (Grad-CAM++, Chattopadhay et al. 2018) over a batch: with E = L ∘ I
    /// (the map multiplies every input channel), Y = probability on I, O = probability on E,
    /// AvgDrop = mean(max(0, Y − O) / Y) × 100, IncConf = mean(1[Y &lt; O]) × 100 (relative drop, divided by Y).
    /// </summary>
    public static (double AverageDrop, double IncreaseInConfidence) AverageDropIncrease(IExplainableModel model, Tensor input, Tensor maps, IReadOnlyList<CamTarget> targets, int maxBatch = 16)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(targets);
        var n = input.Shape[0];
        var channels = input.Shape[1];
        var positions = (int)(input.SampleLength / channels);
        var explained = new float[input.Length];
        for (var s = 0; s < n; s++)
        {
            var map = maps.SampleSpan(s);
            for (var c = 0; c < channels; c++)
            {
                var offset = ((s * channels) + c) * positions;
                System.Numerics.Tensors.TensorPrimitives.Multiply(input.Data.AsSpan(offset, positions), map, explained.AsSpan(offset, positions));
            }
        }

        var original = model.ForwardBatched(input, maxBatch);
        var masked = model.ForwardBatched(new Tensor(explained, input.Shape), maxBatch);
        double drop = 0;
        double increase = 0;
        for (var s = 0; s < n; s++)
        {
            var t = targets[targets.Count == 1 ? 0 : s].Resolve(original.SampleSpan(s));
            var y = t.Probability(original.SampleSpan(s));
            var o = t.Probability(masked.SampleSpan(s));
            drop += y > 0 ? Math.Max(0, y - o) / y : 0;
            increase += y < o ? 1 : 0;
        }

        return (drop / n * 100, increase / n * 100);
    }

    /// <summary>
    /// ROAD (Rong et al. 2022): remove the given percentiles of positions most-relevant-first (MoRF) or
    /// least-relevant-first (LeRF) and fill them by noisy linear imputation (<see cref="NoisyLinearImputation"/>);
    /// report the class probability and its change from the unmodified input. 2D and 3D (any rank).
    /// </summary>
    public static RoadResult Road(IExplainableModel model, Tensor sample, ReadOnlySpan<float> map, CamTarget target, IReadOnlyList<double> percentiles, bool mostRelevantFirst, int seed = 0, int maxBatch = 16)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(percentiles);
        var spatial = sample.Shape[2..];
        var positions = map.Length;
        var order = Rank(map);
        if (!mostRelevantFirst)
        {
            Array.Reverse(order);
        }

        var batch = new float[percentiles.Count * sample.Length];
        var removed = new bool[positions];
        for (var j = 0; j < percentiles.Count; j++)
        {
            Array.Clear(removed);
            var count = (int)Math.Round(percentiles[j] / 100.0 * positions);
            for (var i = 0; i < count; i++)
            {
                removed[order[i]] = true;
            }

            var imputed = NoisyLinearImputation.Impute(sample.Data, sample.Shape[1], spatial, removed, seed + j);
            imputed.CopyTo(batch.AsSpan((int)(j * sample.Length), (int)sample.Length));
        }

        var shape = (int[])sample.Shape.Clone();
        shape[0] = percentiles.Count;
        var logits = model.ForwardBatched(new Tensor(batch, shape), maxBatch);
        var originalLogits = model.Forward(sample).SampleSpan(0);
        var resolved = target.Resolve(originalLogits);
        var original = resolved.Probability(originalLogits);
        var probabilities = Enumerable.Range(0, percentiles.Count).Select(j => (double)resolved.Probability(logits.SampleSpan(j))).ToArray();
        return new RoadResult(percentiles.ToArray(), probabilities, probabilities.Select(p => p - original).ToArray(), original);
    }

    private static CurveResult Curve(IExplainableModel model, Tensor sample, ReadOnlySpan<float> map, CamTarget target, int steps, Substrate substrate, bool insertion, int maxBatch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(target);
        if (sample.Shape[0] != 1)
        {
            throw new ArgumentException("Deletion/insertion work on one sample [1, C, spatial...].", nameof(sample));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        var channels = sample.Shape[1];
        var positions = (int)(sample.SampleLength / channels);
        if (map.Length != positions)
        {
            throw new ArgumentException($"The map has {map.Length} positions, the input grid {positions}.", nameof(map));
        }

        var spatial = sample.Shape[2..];
        var background = substrate == Substrate.Zeros ? new float[sample.Length] : Blur(sample.Data, channels, spatial);
        var start = insertion ? background : sample.Data;
        var source = insertion ? sample.Data : background;
        var order = Rank(map);
        var originalLogits = model.Forward(sample).SampleSpan(0);
        var resolved = target.Resolve(originalLogits);

        var points = steps + 1;
        var batch = new float[points * sample.Length];
        var current = (float[])start.Clone();
        var done = 0;
        for (var p = 0; p < points; p++)
        {
            var upTo = (int)Math.Round((double)p * positions / steps);
            for (; done < upTo; done++)
            {
                var pos = order[done];
                for (var c = 0; c < channels; c++)
                {
                    current[(c * positions) + pos] = source[(c * positions) + pos];
                }
            }

            current.CopyTo(batch.AsSpan((int)(p * sample.Length), (int)sample.Length));
        }

        var shape = (int[])sample.Shape.Clone();
        shape[0] = points;
        var logits = model.ForwardBatched(new Tensor(batch, shape), maxBatch);
        var probabilities = Enumerable.Range(0, points).Select(p => (double)resolved.Probability(logits.SampleSpan(p))).ToArray();
        var fractions = Enumerable.Range(0, points).Select(p => (double)p / steps).ToArray();
        return new CurveResult(NormalisedAuc(probabilities), fractions, probabilities);
    }

    /// <summary>Positions by descending saliency, ties by ascending index.</summary>
    internal static int[] Rank(ReadOnlySpan<float> map)
    {
        var order = Enumerable.Range(0, map.Length).ToArray();
        var values = map.ToArray();
        Array.Sort(order, (a, b) =>
        {
            var c = values[b].CompareTo(values[a]);
            return c != 0 ? c : a.CompareTo(b);
        });
        return order;
    }

    private static float[] Blur(float[] data, int channels, int[] spatial)
    {
        var shape = new int[1 + spatial.Length];
        shape[0] = channels;
        spatial.CopyTo(shape, 1);
        var sigmas = new double[shape.Length];
        for (var a = 1; a < sigmas.Length; a++)
        {
            sigmas[a] = 5.0;
        }

        return GaussianFilter.Apply(data, shape, sigmas);
    }
}
