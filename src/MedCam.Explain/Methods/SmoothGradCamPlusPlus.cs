using MedCam.Explain.Models;
using MedCam.Explain.Targets;
using MedCam.Torch;

namespace MedCam.Explain.Methods;

/// <summary>
/// Smooth Grad-CAM++ (Omeiza et al. 2019): n noisy copies x + N(0, σ²) with σ = <see cref="CamOptions.SmoothNoiseFraction"/>
/// · (max − min) of each sample (defaults n = 8, 0.15); the first, second and third powers of the gradient are averaged
/// over the copies and fed to the Grad-CAM++ formula. MedCam's choices: the activations A are those of the clean input
/// (the map explains the actual image), the gradient's first power is the mean gradient, and all copies of all samples
/// go to the model in batches of <see cref="CamOptions.MaxBatch"/> (targets resolved once on the clean input).
/// </summary>
public sealed class SmoothGradCamPlusPlus : GradCamPlusPlus
{
    public override string Name => "smoothgradcam++";

    internal override ModelPass Gather(IExplainableModel model, Tensor input, CamTarget[] targets, IReadOnlyList<string> layers, CamOptions options)
    {
        var copies = Math.Max(1, options.SmoothSamples);
        var resolved = ResolveTargets(model, input, targets, out var weights);
        var n = input.Shape[0];
        var sampleLength = (int)input.SampleLength;

        // Clean pass: logits and the activations A.
        var clean = weights is null ? model.Explain(input, layers, ClassesOf(resolved)) : model.Explain(input, layers, weights);
        var mean = clean.Layers.Select(l => new float[l.Gradients.Length]).ToArray();
        var squared = clean.Layers.Select(l => new float[l.Gradients.Length]).ToArray();
        var cubed = clean.Layers.Select(l => new float[l.Gradients.Length]).ToArray();

        var noisyAll = NoisyCopies(input, options);
        var perChunk = Math.Max(1, options.MaxBatch);
        var jobs = Enumerable.Range(0, n * copies).ToArray();
        for (var start = 0; start < jobs.Length; start += perChunk)
        {
            var count = Math.Min(perChunk, jobs.Length - start);
            var shape = (int[])input.Shape.Clone();
            shape[0] = count;
            var batch = noisyAll.AsSpan(start * sampleLength, count * sampleLength).ToArray();
            var classes = new int[count];
            var batchWeights = weights is null ? null : new float[count * weights.Shape[1]];
            for (var j = 0; j < count; j++)
            {
                var s = jobs[start + j] / copies;
                classes[j] = resolved[s].ClassIndex ?? 0;
                if (batchWeights is not null)
                {
                    weights!.SampleSpan(s).CopyTo(batchWeights.AsSpan(j * weights.Shape[1], weights.Shape[1]));
                }
            }

            var noisyInput = new Tensor(batch, shape);
            var noisy = batchWeights is null
                ? model.Explain(noisyInput, layers, classes)
                : model.Explain(noisyInput, layers, new Tensor(batchWeights, count, weights!.Shape[1]));
            for (var l = 0; l < noisy.Layers.Count; l++)
            {
                var g = noisy.Layers[l].Gradients;
                var per = (int)g.SampleLength;
                for (var j = 0; j < count; j++)
                {
                    var s = jobs[start + j] / copies;
                    var src = g.SampleSpan(j);
                    var m1 = mean[l].AsSpan(s * per, per);
                    var m2 = squared[l].AsSpan(s * per, per);
                    var m3 = cubed[l].AsSpan(s * per, per);
                    for (var i = 0; i < per; i++)
                    {
                        var v = src[i] / copies;
                        m1[i] += v;
                        m2[i] += src[i] * v;
                        m3[i] += src[i] * src[i] * v;
                    }
                }
            }
        }

        var averaged = clean.Layers.Select((l, i) => new LayerActivation(l.Name, l.Activations, new Tensor(mean[i], l.Gradients.Shape))).ToArray();
        return new ModelPass(clean.Logits, resolved, averaged, squared, cubed);
    }

    /// <summary>The noisy copies, sample-major ([N · n, C, spatial...] flattened): copy j of sample s is x_s + N(0, σ_s²).</summary>
    internal static float[] NoisyCopies(Tensor input, CamOptions options)
    {
        var copies = Math.Max(1, options.SmoothSamples);
        var n = input.Shape[0];
        var sampleLength = (int)input.SampleLength;
        var result = new float[n * copies * sampleLength];
        var rng = new Random(options.Seed);
        for (var s = 0; s < n; s++)
        {
            var x = input.SampleSpan(s);
            var min = float.PositiveInfinity;
            var max = float.NegativeInfinity;
            foreach (var v in x)
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }

            var sigma = options.SmoothNoiseFraction * (max - min);
            for (var c = 0; c < copies; c++)
            {
                var dst = result.AsSpan(((s * copies) + c) * sampleLength, sampleLength);
                for (var i = 0; i < sampleLength; i++)
                {
                    dst[i] = x[i] + (float)(sigma * Gaussian(rng));
                }
            }
        }

        return result;
    }

    private static double Gaussian(Random rng)
    {
        // Box–Muller.
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
