namespace MedCam.Imaging.Png;

/// <summary>Pixel layouts the encoder writes (PNG colour type and bit depth).</summary>
public enum PngPixelFormat
{
    /// <summary>8-bit greyscale (colour type 0, depth 8).</summary>
    Gray8,

    /// <summary>16-bit greyscale (colour type 0, depth 16), samples big-endian in the file.</summary>
    Gray16,

    /// <summary>8-bit RGB interleaved (colour type 2, depth 8).</summary>
    Rgb8,

    /// <summary>8-bit RGBA interleaved (colour type 6, depth 8).</summary>
    Rgba8,
}

internal static class PngPixelFormatExtensions
{
    public static int BytesPerPixel(this PngPixelFormat f) => f switch
    {
        PngPixelFormat.Gray8 => 1,
        PngPixelFormat.Gray16 => 2,
        PngPixelFormat.Rgb8 => 3,
        PngPixelFormat.Rgba8 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(f), f, "Unknown PNG pixel format."),
    };

    public static (byte ColorType, byte BitDepth) Header(this PngPixelFormat f) => f switch
    {
        PngPixelFormat.Gray8 => (0, 8),
        PngPixelFormat.Gray16 => (0, 16),
        PngPixelFormat.Rgb8 => (2, 8),
        PngPixelFormat.Rgba8 => (6, 8),
        _ => throw new ArgumentOutOfRangeException(nameof(f), f, "Unknown PNG pixel format."),
    };
}
