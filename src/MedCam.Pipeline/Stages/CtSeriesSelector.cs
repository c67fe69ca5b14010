using MedCam.Dicom.Geometry;

namespace MedCam.Pipeline.Stages;

/// <summary>
/// Select-series stage for CT: an axial (slice normal within ~25° of the patient's z axis), single-frame CT Image
/// series with at least <see cref="MinimumSlices"/> slices, not a localizer; among those, the one with most slices.
/// Every skipped series is logged with the reason.
/// </summary>
public static class CtSeriesSelector
{
    public const int MinimumSlices = 16;

    public static SeriesInfo Select(PipelineContext context, StudyInventory inventory)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(inventory);
        var accepted = new List<SeriesInfo>();
        var reasons = new List<string>();
        foreach (var series in inventory.Series)
        {
            var reason = Unsuitable(series);
            if (reason is null)
            {
                accepted.Add(series);
            }
            else
            {
                reasons.Add($"{series.SeriesInstanceUid}: {reason}");
                context.Log(PipelineStage.SelectSeries, $"skipped series {series.SeriesInstanceUid}: {reason}");
            }
        }

        if (accepted.Count == 0)
        {
            throw new PipelineException(string.Join(", ", context.Input.Paths), "no usable CT series: " + string.Join("; ", reasons));
        }

        var chosen = accepted.OrderByDescending(s => s.Instances).ThenBy(s => s.SeriesInstanceUid, StringComparer.Ordinal).First();
        context.Log(PipelineStage.SelectSeries, $"selected {chosen} (axial CT, {chosen.Instances} slices >= {MinimumSlices}{(accepted.Count > 1 ? $"; most slices of {accepted.Count} candidates" : "")})");
        return chosen;
    }

    /// <summary>Why a series cannot be the covid-ct input, or null when it can.</summary>
    public static string? Unsuitable(SeriesInfo series)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Modality != "CT")
        {
            return $"modality {series.Modality}, not CT";
        }

        if (series.SopClassUid != SopClassNames.CtImage)
        {
            return $"SOP class {SopClassNames.Describe(series.SopClassUid)}, not CT Image Storage";
        }

        if (series.ImageType.Any(t => t is "LOCALIZER" or "SCOUT"))
        {
            return "a localizer";
        }

        if (series.ImageOrientation is not { } iop)
        {
            return "no Image Orientation (Patient)";
        }

        var normal = new Vector3D(iop[0], iop[1], iop[2]).Cross(new Vector3D(iop[3], iop[4], iop[5]));
        var cosine = Math.Abs(normal.Z) / Math.Max(1e-9, normal.Length);
        if (cosine < 0.9)
        {
            return $"not axial (slice normal {Math.Acos(Math.Min(1, cosine)) * 180 / Math.PI:0}° from the patient's z axis)";
        }

        return series.Instances < MinimumSlices ? $"{series.Instances} slice(s), fewer than {MinimumSlices}" : null;
    }
}
