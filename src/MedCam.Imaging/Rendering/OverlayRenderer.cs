using System.Buffers;

namespace MedCam.Imaging.Rendering;

/// <summary>A rendered RGB frame (rows x cols x 3, interleaved), ready for a Secondary Capture or a PNG.</summary>
public sealed record RenderedFrame(byte[] Pixels, int Width, int Height)
{
    /// <summary>True when text was burned in: (0028,0301) Burned In Annotation = YES.</summary>
    public bool BurnedInAnnotation { get; init; }

    /// <summary>First output row showing source row 0 (non-zero with <see cref="AnnotationPlacement.Bands"/>).</summary>
    public int ImageTop { get; init; }

    /// <summary>Output pixels per source pixel along each axis (above 1 when <see cref="AnnotationPlacement.Auto"/> magnified a small frame).</summary>
    public int Zoom { get; init; } = 1;
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
        var (placement, zoom) = AnnotationPlacements.Resolve(options.Placement, width, height);
        if (placement == AnnotationPlacement.Corners)
        {
            return (width, height);
        }

        var layout = AnnotationLayout.Create(width * zoom, height * zoom, options with { Placement = placement });
        return (width * zoom, (height * zoom) + layout.TopBand + layout.BottomBand);
    }

    /// <summary>Renders into a new frame.</summary>
    /// <param name="source">The source frame.</param>
    /// <param name="cam">The CAM on the source grid (rows x cols), values in [0, 1].</param>
    /// <param name="options">Style, text and placement; defaults when null.</param>
    public static RenderedFrame Render(SourceFrame source, ReadOnlySpan<float> cam, OverlayOptions? options = null)
    {
        options ??= OverlayOptions.Default;
        var (width, height) = OutputSize(source.Width, source.Height, options);
        var pixels = new byte[width * height * 3];
        var (hasText, top, zoom) = RenderInto(source, cam, options, pixels);
        return new RenderedFrame(pixels, width, height) { BurnedInAnnotation = hasText, ImageTop = top, Zoom = zoom };
    }

    /// <summary>Renders into <paramref name="destination"/> sized by <see cref="OutputSize"/>; returns whether text was burned in.</summary>
    public static bool Render(SourceFrame source, ReadOnlySpan<float> cam, OverlayOptions options, Span<byte> destination) =>
        RenderInto(source, cam, options, destination).HasText;

    private static (bool HasText, int Top, int Zoom) RenderInto(SourceFrame source, ReadOnlySpan<float> cam, OverlayOptions options, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (placement, zoom) = AnnotationPlacements.Resolve(options.Placement, source.Width, source.Height);
        options = options with { Placement = placement };
        var width = source.Width * zoom;
        var layout = AnnotationLayout.Create(width, source.Height * zoom, options);
        var bands = placement == AnnotationPlacement.Bands;
        var top = bands ? layout.TopBand : 0;
        var height = (source.Height * zoom) + (bands ? layout.TopBand + layout.BottomBand : 0);
        if (destination.Length < width * height * 3)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; a {width}x{height} RGB frame needs {width * height * 3}.", nameof(destination));
        }

        if (zoom == 1)
        {
            Blend(source, cam, options, destination.Slice(top * width * 3, source.Width * source.Height * 3));
        }
        else
        {
            var blended = ArrayPool<byte>.Shared.Rent(source.Width * source.Height * 3);
            try
            {
                Blend(source, cam, options, blended.AsSpan(0, source.Width * source.Height * 3));
                Magnify(blended, source.Width, source.Height, zoom, destination.Slice(top * width * 3, width * source.Height * zoom * 3));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(blended);
            }
        }

        var canvas = new RgbCanvas(destination[..(width * height * 3)], width, height);
        if (bands)
        {
            canvas.FillSolid(0, 0, width, top, options.BoxColor);
            canvas.FillSolid(0, top + (source.Height * zoom), width, height - top - (source.Height * zoom), options.BoxColor);
        }

        layout.Draw(canvas, options, boxes: !bands);
        return (layout.HasText, top, zoom);
    }

    /// <summary>Pixel replication by a whole factor: every source pixel becomes a zoom x zoom block, values unchanged.</summary>
    private static void Magnify(ReadOnlySpan<byte> rgb, int width, int height, int zoom, Span<byte> destination)
    {
        var outRow = width * zoom * 3;
        for (var y = 0; y < height; y++)
        {
            var first = destination.Slice(y * zoom * outRow, outRow);
            var src = rgb.Slice(y * width * 3, width * 3);
            for (var x = 0; x < width; x++)
            {
                var pixel = src.Slice(x * 3, 3);
                for (var z = 0; z < zoom; z++)
                {
                    pixel.CopyTo(first.Slice(((x * zoom) + z) * 3, 3));
                }
            }

            for (var z = 1; z < zoom; z++)
            {
                first.CopyTo(destination.Slice(((y * zoom) + z) * outRow, outRow));
            }
        }
    }

    private static void Blend(SourceFrame source, ReadOnlySpan<float> cam, OverlayOptions options, Span<byte> image)
    {
        var pixelCount = source.Width * source.Height;
        if (cam.Length != pixelCount)
        {
            throw new ArgumentException(
                $"The CAM has {cam.Length} values but the {source.Width}x{source.Height} source has {pixelCount} pixels: resample it onto the source grid first.",
                nameof(cam));
        }

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
    }
}
