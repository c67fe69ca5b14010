using MedCam.Explain;
using MedCam.Explain.Methods;
using MedCam.Explain.Models;
using MedCam.Explain.Targets;
using MedCam.Torch;

namespace MedCam.Pipeline.Stages;

/// <summary>Explain stage helpers: the methods a run asks for, their display names, and softmax.</summary>
public static class CamStage
{
    private static readonly Dictionary<string, string> DisplayNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["cam"] = "CAM",
        ["gradcam"] = "Grad-CAM",
        ["gradcam++"] = "Grad-CAM++",
        ["smoothgradcam++"] = "Smooth Grad-CAM++",
        ["xgradcam"] = "XGrad-CAM",
        ["layercam"] = "Layer-CAM",
        ["hirescam"] = "HiResCAM",
        ["eigencam"] = "Eigen-CAM",
        ["scorecam"] = "Score-CAM",
        ["ablationcam"] = "Ablation-CAM",
        ["cfcam"] = "CF-CAM",
    };

    /// <summary>The method a run uses when none is named, and the primary method of "all".</summary>
    public const string DefaultMethod = "gradcam";

    /// <summary>
    /// The methods of a run, created, in order; throws naming an unknown one. The first is the run's primary method
    /// (its FHIR bundle is the study's, see <see cref="PipelineResult.PrimaryMethod"/>): the first one named, and for
    /// "all" the default, Grad-CAM, followed by every other method.
    /// </summary>
    public static IReadOnlyList<CamMethod> Methods(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var expanded = names.Count == 1 && names[0].Equals("all", StringComparison.OrdinalIgnoreCase)
            ? [DefaultMethod, .. CamMethods.Names.Where(n => n != DefaultMethod)]
            : names;
        return expanded.Count == 0 ? [CamMethods.Create(DefaultMethod)] : expanded.Select(CamMethods.Create).DistinctBy(m => m.Name).ToArray();
    }

    /// <summary>The method as people write it (Grad-CAM), for DICOM and FHIR.</summary>
    public static string DisplayName(string method) => DisplayNames.GetValueOrDefault(method, method);

    /// <summary>File-safe folder name of a method ("++" becomes "pp").</summary>
    public static string FolderName(string method) => method.Replace("++", "pp", StringComparison.Ordinal);

    public static double[] Softmax(ReadOnlySpan<float> logits)
    {
        var result = new double[logits.Length];
        double max = double.NegativeInfinity, sum = 0;
        foreach (var v in logits)
        {
            max = Math.Max(max, v);
        }

        for (var c = 0; c < logits.Length; c++)
        {
            result[c] = Math.Exp(logits[c] - max);
            sum += result[c];
        }

        for (var c = 0; c < logits.Length; c++)
        {
            result[c] /= sum;
        }

        return result;
    }

    /// <summary>
    /// Runs one method, or returns null (logged) when it does not apply to this model (CAM needs a GAP + linear
    /// head) and several methods were asked for.
    /// </summary>
    public static CamResult? TryCompute(PipelineContext context, CamMethod method, IExplainableModel model, Tensor input, CamTarget target, bool several)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(method);
        try
        {
            var result = method.Compute(model, input, target, CamOptions.Default);
            context.Log(PipelineStage.Explain, $"{DisplayName(method.Name)} at {string.Join("+", result.Layers)}: {result.TotalTime.TotalMilliseconds:0} ms");
            return result;
        }
        catch (Exception e) when (several && e is InvalidOperationException or NotSupportedException)
        {
            context.Log(PipelineStage.Explain, $"{DisplayName(method.Name)} skipped: {e.Message}");
            return null;
        }
    }

    public static string Describe(IReadOnlyList<double> probabilities, ModelCard card) =>
        string.Join(", ", probabilities.Select((p, i) => $"{card.ClassName(i)} {p:0.000}"));
}
