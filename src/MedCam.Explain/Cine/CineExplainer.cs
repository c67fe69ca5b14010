using MedCam.Explain.Methods;
using MedCam.Explain.Models;
using MedCam.Explain.Targets;
using MedCam.Imaging.Filters;
using MedCam.Torch;

namespace MedCam.Explain.Cine;

/// <summary>Per-frame CAMs of a cine loop explained by a frame classifier, with the video-level decision.</summary>
public sealed record CineExplanation(
    Tensor Maps,
    Tensor FrameLogits,
    float[][] FrameProbabilities,
    float[] MeanProbabilities,
    int VideoClass,
    int[] DecisiveFrames);

/// <summary>
/// Lung-ultrasound cine as in POCOVID-Net (Born et al. 2021): a frame classifier scores every frame; the video class
/// is the argmax of the mean frame probabilities; a CAM is computed per frame for the video class (or a given target);
/// maps may be smoothed along time with a Gaussian of σ_t frames; "decisive" frames are those whose probability of the
/// video class exceeds 0.75 (or the top k). A video model (3D convolution over time, input [1, C, T, H, W]) needs
/// none of this: any <see cref="CamMethod"/> gives its native T×H×W map (<see cref="ExplainVideoModel"/>).
/// </summary>
public static class CineExplainer
{
    /// <param name="frames">[T, C, H, W]: frames as a batch.</param>
    /// <param name="temporalSigma">σ_t in frames (0: no smoothing).</param>
    /// <param name="decisiveThreshold">Probability above which a frame is decisive (Born et al.: 0.75).</param>
    /// <param name="topK">If set, the k most confident frames are decisive instead.</param>
    public static CineExplanation ExplainFrames(
        CamMethod method,
        IExplainableModel model,
        Tensor frames,
        CamTarget? target = null,
        CamOptions? options = null,
        double temporalSigma = 0,
        double decisiveThreshold = 0.75,
        int? topK = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(frames);
        options ??= CamOptions.Default;
        var t = frames.Shape[0];
        var chunk = Math.Max(1, options.MaxBatch);

        var logits = model.ForwardBatched(frames, chunk);
        var k = logits.Shape[1];
        var probabilities = Enumerable.Range(0, t).Select(f => Softmax(logits.SampleSpan(f))).ToArray();
        var mean = new float[k];
        foreach (var p in probabilities)
        {
            for (var c = 0; c < k; c++)
            {
                mean[c] += p[c] / t;
            }
        }

        var videoClass = PredictedClass.ArgMax(mean);
        var frameTarget = target ?? CamTarget.Class(videoClass);

        // Frames in chunks so a long loop never becomes one huge batch.
        var spatial = frames.Shape[2..];
        var perFrame = spatial.Aggregate(1, (a, b) => a * b);
        var maps = new float[t * perFrame];
        for (var start = 0; start < t; start += chunk)
        {
            var count = Math.Min(chunk, t - start);
            var shape = (int[])frames.Shape.Clone();
            shape[0] = count;
            var part = new Tensor(frames.Data.AsSpan((int)(start * frames.SampleLength), (int)(count * frames.SampleLength)).ToArray(), shape);
            var result = method.Compute(model, part, frameTarget, options);
            result.Maps.Data.CopyTo(maps, start * perFrame);
        }

        var mapShape = new int[1 + spatial.Length];
        mapShape[0] = t;
        spatial.CopyTo(mapShape, 1);
        if (temporalSigma > 0)
        {
            maps = SmoothTemporal(maps, mapShape, temporalSigma);
        }

        var classProbability = probabilities.Select(p => p[videoClass]).ToArray();
        return new CineExplanation(new Tensor(maps, mapShape), logits, probabilities, mean, videoClass, DecisiveFrames(classProbability, decisiveThreshold, topK));
    }

    /// <summary>A video model's native map: input [1, C, T, H, W] gives a T×H×W map in one call.</summary>
    public static CamResult ExplainVideoModel(CamMethod method, IExplainableModel model, Tensor clip, CamTarget target, CamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(clip);
        if (clip.Rank != 5)
        {
            throw new ArgumentException($"A video model takes [N, C, T, H, W]; got [{string.Join(", ", clip.Shape)}].", nameof(clip));
        }

        return method.Compute(model, clip, target, options);
    }

    /// <summary>Gaussian smoothing along the first (time) axis only, σ in frames (scipy "reflect" boundary).</summary>
    public static float[] SmoothTemporal(ReadOnlySpan<float> maps, int[] shape, double sigmaFrames)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var sigmas = new double[shape.Length];
        sigmas[0] = sigmaFrames;
        return GaussianFilter.Apply(maps, shape, sigmas);
    }

    /// <summary>Frames whose probability exceeds the threshold (ascending), or the top k by probability when k is given.</summary>
    public static int[] DecisiveFrames(IReadOnlyList<float> classProbability, double threshold = 0.75, int? topK = null)
    {
        ArgumentNullException.ThrowIfNull(classProbability);
        if (topK is int kk)
        {
            return Enumerable.Range(0, classProbability.Count).OrderByDescending(f => classProbability[f]).ThenBy(f => f).Take(kk).Order().ToArray();
        }

        return Enumerable.Range(0, classProbability.Count).Where(f => classProbability[f] > threshold).ToArray();
    }

    private static float[] Softmax(ReadOnlySpan<float> logits)
    {
        var result = new float[logits.Length];
        for (var c = 0; c < logits.Length; c++)
        {
            result[c] = CamTarget.Softmax(logits, c);
        }

        return result;
    }
}
