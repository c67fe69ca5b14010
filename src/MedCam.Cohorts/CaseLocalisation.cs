using System.Text.Json.Nodes;
using MedCam.Explain.Metrics;
using MedCam.Imaging.NumPy;
using MedCam.Pipeline;

namespace MedCam.Cohorts;

/// <summary>
/// Measures each method's map (the pipeline's source-grid .npy: cam.npy, or slide_heatmap.npy for slides) against a
/// lesion mask on the same grid.
/// </summary>
internal static class CaseLocalisation
{
    public static (IReadOnlyList<MethodLocalisation> Methods, bool Millimetres) Measure(PipelineResult result, string maskPath, double toleranceMm)
    {
        if (!File.Exists(maskPath))
        {
            throw new InvalidDataException($"{maskPath}: the lesion mask does not exist.");
        }

        var maskArray = NpyFile.Read(maskPath);
        var maskValues = maskArray.ToSingle();
        var mask = new bool[maskValues.Length];
        var any = false;
        for (var i = 0; i < mask.Length; i++)
        {
            mask[i] = maskValues[i] > 0;
            any |= mask[i];
        }

        if (!any)
        {
            return ([], false);
        }

        var spacing = SpacingOf(result.SummaryPath);
        var methods = new List<MethodLocalisation>();
        foreach (var method in result.Methods)
        {
            var slide = Path.Combine(method.Directory, "slide_heatmap.npy");
            var camPath = File.Exists(slide) ? slide : Path.Combine(method.Directory, "cam.npy");
            if (!File.Exists(camPath))
            {
                throw new InvalidDataException($"{method.Directory}: no cam.npy was written for {method.Method} (the cohort adds the npy output; was it removed?).");
            }

            var cam = NpyFile.ReadSingle(camPath, out var shape);
            if (cam.Length != mask.Length)
            {
                throw new InvalidDataException(
                    $"{maskPath}: mask shape [{string.Join(", ", maskArray.Shape)}] does not match the {method.Method} map [{string.Join(", ", shape)}] on the source grid.");
            }

            var fraction = mask.Count(m => m) / (double)mask.Length;
            var energy = LocalisationMetrics.EnergyPointingGame(cam, mask);
            var unitSpacing = spacing is null || spacing.Length != shape.Length;
            var hit = LocalisationMetrics.PointingGame(cam, mask, shape, toleranceMm, unitSpacing ? default : spacing);
            var (iou, ioa, _) = LocalisationMetrics.OtsuOverlap(cam, mask);
            methods.Add(new MethodLocalisation
            {
                Method = method.Method,
                EnergyInMask = energy,
                MaskFraction = fraction,
                EnergyRatio = energy / fraction,
                PointingHit = hit,
                Iou = iou,
                Ioa = ioa,
            });
        }

        return (methods, spacing is not null);
    }

    /// <summary>
    /// The source voxel spacing in array axis order (slice, row, column) from the pipeline's summary.json
    /// ("details.spacing_mm" is x, y, z), or null when the task reports none.
    /// </summary>
    internal static double[]? SpacingOf(string summaryPath)
    {
        if (!File.Exists(summaryPath) || JsonNode.Parse(File.ReadAllText(summaryPath))?["details"]?["spacing_mm"] is not JsonArray xyz)
        {
            return null;
        }

        var values = xyz.Select(v => v!.GetValue<double>()).ToArray();
        Array.Reverse(values);
        return values.All(v => v > 0 && double.IsFinite(v)) ? values : null;
    }
}
