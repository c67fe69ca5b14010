using System.Globalization;
using MedCam.Imaging.ColorMaps;

namespace MedCam.Imaging.Rendering;

/// <summary>Where burned-in text and the colour bar go.</summary>
public enum AnnotationPlacement
{
    /// <summary>Small translucent boxes in the four corners of the image (the frame keeps its size).</summary>
    Corners,

    /// <summary>Opaque bands added above and below the image: nothing of the image is covered (the frame grows).</summary>
    Bands,

    /// <summary>
    /// <see cref="Corners"/> on frames whose shorter side has at least <see cref="AnnotationPlacements.SmallFrameLimit"/>
    /// pixels; on smaller frames (where corner text would cover much of the image and no line fits beside another)
    /// <see cref="Bands"/>, with the image magnified by a whole factor (pixel replication) to at least that size so
    /// the text has room and stays legible.
    /// </summary>
    Auto,
}

/// <summary>Resolves <see cref="AnnotationPlacement.Auto"/> for a frame size.</summary>
public static class AnnotationPlacements
{
    /// <summary>Frames whose shorter side is below this many pixels get bands and magnification under <see cref="AnnotationPlacement.Auto"/>.</summary>
    public const int SmallFrameLimit = 256;

    /// <summary>The placement used for a <paramref name="width"/> x <paramref name="height"/> source, and the whole magnification of the image (1: none).</summary>
    public static (AnnotationPlacement Placement, int Zoom) Resolve(AnnotationPlacement placement, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (placement != AnnotationPlacement.Auto)
        {
            return (placement, 1);
        }

        var shorter = Math.Min(width, height);
        return shorter >= SmallFrameLimit
            ? (AnnotationPlacement.Corners, 1)
            : (AnnotationPlacement.Bands, (SmallFrameLimit + shorter - 1) / shorter);
    }
}

/// <summary>What the burned-in text says about the result.</summary>
public sealed record OverlayAnnotations
{
    public required string ModelName { get; init; }

    public string? ModelVersion { get; init; }

    /// <summary>CAM method, e.g. "Grad-CAM".</summary>
    public required string Method { get; init; }

    public string? TargetClass { get; init; }

    /// <summary>Model probability of the target class, in [0, 1].</summary>
    public double? Probability { get; init; }

    /// <summary>An extra short line, e.g. "slice 12/40" or "frame 7".</summary>
    public string? Detail { get; init; }

    internal string ModelLine => string.IsNullOrWhiteSpace(ModelVersion) ? ModelName : $"{ModelName} {ModelVersion}";

    internal string? TargetLine => TargetClass is null && Probability is null
        ? null
        : string.Create(CultureInfo.InvariantCulture, $"{TargetClass}{(TargetClass is not null && Probability is not null ? " " : "")}{(Probability is { } p ? $"p={p:0.00}" : "")}");
}

/// <summary>Everything <see cref="OverlayRenderer"/> needs besides the pixels.</summary>
public sealed record OverlayOptions
{
    public static OverlayOptions Default { get; } = new();

    public HeatmapStyle Heatmap { get; init; } = new();

    /// <summary>Model, method and target text; null draws only the disclaimer and colour bar.</summary>
    public OverlayAnnotations? Annotations { get; init; }

    /// <summary>Always burned in unless set to null or empty.</summary>
    public string? Disclaimer { get; init; } = "NOT FOR DIAGNOSTIC USE";

    public bool ShowColorBar { get; init; } = true;

    public AnnotationPlacement Placement { get; init; } = AnnotationPlacement.Corners;

    /// <summary>Font pixel size; 0 picks one from the frame size (1 up to ~575 pixels, then one more per ~384).</summary>
    public int TextScale { get; init; }

    /// <summary>Opacity of the boxes behind text in <see cref="AnnotationPlacement.Corners"/>.</summary>
    public float BoxOpacity { get; init; } = 0.6f;

    public Rgb8 TextColor { get; init; } = Rgb8.White;

    public Rgb8 DisclaimerColor { get; init; } = new(255, 210, 0);

    public Rgb8 BoxColor { get; init; } = Rgb8.Black;
}
