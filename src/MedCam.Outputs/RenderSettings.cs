using System.Globalization;
using MedCam.Imaging.Rendering;

namespace MedCam.Outputs;

/// <summary>How heatmaps are drawn over the source (colour map, opacity, threshold, CT window).</summary>
public sealed record RenderSettings
{
    public static RenderSettings Default { get; } = new();

    public HeatmapStyle Heatmap { get; init; } = new();

    /// <summary>CT window; the source's stored window (else lung) when null. Ignored for ultrasound and histology.</summary>
    public VoiWindow? Window { get; init; }

    /// <summary>
    /// Text and colour bar placement. Corners keep the source size so pixel spacing still holds; the default, Auto,
    /// uses corners from 256 pixels up and bands on a magnified frame below (a 128-pixel CT or ultrasound frame would
    /// otherwise be half covered by text).
    /// </summary>
    public AnnotationPlacement Placement { get; init; } = AnnotationPlacement.Auto;

    /// <summary>True when the rendered frames of a <paramref name="columns"/> x <paramref name="rows"/> source keep its grid (corners), so Pixel Spacing may be copied.</summary>
    public bool KeepsSourceGrid(int columns, int rows) =>
        AnnotationPlacements.Resolve(Placement, columns, rows).Placement == AnnotationPlacement.Corners;

    /// <summary>Everything that changes rendered pixels, for the UID key of rendered objects.</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture,
        $"{Heatmap.ColorMap.Name}|{Heatmap.Opacity:R}|{Heatmap.Threshold:R}|{Window?.Center:R}|{Window?.Width:R}|{Placement}");
}
