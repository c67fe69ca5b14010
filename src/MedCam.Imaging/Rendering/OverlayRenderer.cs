using System.Buffers;

namespace MedCam.Imaging.Rendering;

/// <summary>A rendered RGB frame (rows x cols x 3, interleaved), ready for a Secondary Capture or a PNG.</summary>
public sealed record RenderedFrame(byte[] Pixels, int Width, int Height)
{
    /// <summary>True when text was burned in: (0028,0301) Burned In Annotation = YES.</summary>
    public bool BurnedInAnnotation { get; init; }

    /// <summary>First output row showing source row 0 (non-zero with <see cref="AnnotationPlacement.Bands"/>).</summary>
    public int ImageTop { get; init; }
}

/// <summary>
/// Draws a CAM over its source frame: windowing (modality frames), heatmap blending above a threshold, then the
/// colour bar and burned-in text laid out so they cover as little of the image as possible.
/// </summary>
public static class OverlayRenderer
{
    /// <summary>Output size for a source of <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static (int Width, int Height) OutputSize(int width, int height, OverlayOptions? options = null)
    {
        options ??= OverlayOptions.Default;
        if (options.Placement == AnnotationPlacement.Corners)
        {
            return (width, height);
        }

        var layout = AnnotationLayout.Create(width, height, options);
        return (width, height + layout.TopBand + layout.BottomBand);
    }

    /// <summary>Renders into a new frame.</summary>
    /// <param name="source">The source frame.</param>
    /// <param name="cam">The CAM on the source grid (rows x cols), values in [0, 1].</param>
    /// <param name="options">Style, text and placement; defaults when null.</param>
    public static RenderedFrame Render(SourceFrame source, ReadOnlySpan<float> cam, OverlayOptions? options = null)
    {
        options ??= OverlayOptions.Default;
        var layout = AnnotationLayout.Create(source.Width, source.Height, options);
        var bands = options.Placement == AnnotationPlacement.Bands;
        var top = bands ? layout.TopBand : 0;
        var height = source.Height + (bands ? layout.TopBand + layout.BottomBand : 0);
        var pixels = new byte[source.Width * height * 3];
        Render(source, cam, options, layout, pixels, top, height);
        return new RenderedFrame(pixels, source.Width, height) { BurnedInAnnotation = layout.HasText, ImageTop = top };
    }

    /// <summary>Renders into <paramref name="destination"/> sized by <see cref="OutputSize"/>; returns whether text was burned in.</summary>
    public static bool Render(SourceFrame source, ReadOnlySpan<float> cam, OverlayOptions options, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(options);
        var layout = AnnotationLayout.Create(source.Width, source.Height, options);
        var bands = options.Placement == AnnotationPlacement.Bands;
        var top = bands ? layout.TopBand : 0;
        var height = source.Height + (bands ? layout.TopBand + layout.BottomBand : 0);
        if (destination.Length < source.Width * height * 3)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; a {source.Width}x{height} RGB frame needs {source.Width * height * 3}.", nameof(destination));
        }

        Render(source, cam, options, layout, destination, top, height);
        return layout.HasText;
    }

    private static void Render(SourceFrame source, ReadOnlySpan<float> cam, OverlayOptions options, AnnotationLayout layout, Span<byte> destination, int top, int height)
    {
        var pixelCount = source.Width * source.Height;
        if (cam.Length != pixelCount)
        {
            throw new ArgumentException(
                $"The CAM has {cam.Length} values but the {source.Width}x{source.Height} source has {pixelCount} pixels: resample it onto the source grid first.",
                nameof(cam));
        }

        var image = destination.Slice(top * source.Width * 3, pixelCount * 3);
        switch (source.Kind)
        {
            case SourceFrameKind.Gray8:
                HeatmapBlender.BlendOverGray(source.Bytes.Span, cam, image, options.Heatmap);
                break;
            case SourceFrameKind.Rgb8:
                HeatmapBlender.BlendOverRgb(source.Bytes.Span, cam, image, options.Heatmap);
                break;
            case SourceFrameKind.Modality:
                var grey = ArrayPool<byte>.Shared.Rent(pixelCount);
                try
                {
                    Windowing.Apply(source.Values.Span, grey, source.Window);
                    HeatmapBlender.BlendOverGray(grey.AsSpan(0, pixelCount), cam, image, options.Heatmap);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(grey);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(source), source.Kind, "Unknown source frame kind.");
        }

        var canvas = new RgbCanvas(destination[..(source.Width * height * 3)], source.Width, height);
        var bands = options.Placement == AnnotationPlacement.Bands;
        if (bands)
        {
            canvas.FillSolid(0, 0, source.Width, top, options.BoxColor);
            canvas.FillSolid(0, top + source.Height, source.Width, height - top - source.Height, options.BoxColor);
        }

        layout.Draw(canvas, options, boxes: !bands);
    }
}
