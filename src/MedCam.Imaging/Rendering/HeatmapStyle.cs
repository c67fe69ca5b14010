using MedCam.Imaging.ColorMaps;

namespace MedCam.Imaging.Rendering;

/// <summary>How a CAM in [0, 1] is drawn over the source image.</summary>
public sealed record HeatmapStyle
{
    private readonly float _opacity = 0.4f;
    private readonly float _threshold = 0.2f;

    public ColorMap ColorMap { get; init; } = ColorMap.Jet;

    /// <summary>Heatmap weight in the blend, in [0, 1]: out = source · (1 − opacity) + colour · opacity.</summary>
    public float Opacity
    {
        get => _opacity;
        init => _opacity = value is >= 0f and <= 1f
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "Heatmap opacity must be within [0, 1].");
    }

    /// <summary>CAM values below this (and NaN) leave the source pixel untouched.</summary>
    public float Threshold
    {
        get => _threshold;
        init => _threshold = float.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "Heatmap threshold must be a finite number.");
    }
}
