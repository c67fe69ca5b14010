using MedCam.Imaging.ColorMaps;
using MedCam.Imaging.Fonts;

namespace MedCam.Imaging.Rendering;

/// <summary>
/// Drawing on an 8-bit RGB interleaved frame (rows x cols x 3): translucent boxes, bitmap text, colour bars.
/// Everything is clipped to the frame.
/// </summary>
public readonly ref struct RgbCanvas
{
    public RgbCanvas(Span<byte> pixels, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (pixels.Length < checked(width * height * 3))
        {
            throw new ArgumentException($"A {width}x{height} RGB frame needs {width * height * 3} bytes; got {pixels.Length}.", nameof(pixels));
        }

        Pixels = pixels;
        Width = width;
        Height = height;
    }

    public Span<byte> Pixels { get; }

    public int Width { get; }

    public int Height { get; }

    public Rgb8 GetPixel(int x, int y)
    {
        var i = ((y * Width) + x) * 3;
        return new Rgb8(Pixels[i], Pixels[i + 1], Pixels[i + 2]);
    }

    /// <summary>Blends <paramref name="color"/> over a rectangle with <paramref name="opacity"/> in [0, 1].</summary>
    public void FillRect(int x, int y, int width, int height, Rgb8 color, float opacity = 1f)
    {
        var (x0, y0, x1, y1) = Clip(x, y, width, height);
        if (x0 >= x1 || y0 >= y1)
        {
            return;
        }

        var a = Alpha(opacity);
        var keep = 256 - a;
        int r = (color.R * a) + 128, g = (color.G * a) + 128, b = (color.B * a) + 128;
        for (var row = y0; row < y1; row++)
        {
            var line = Pixels.Slice(((row * Width) + x0) * 3, (x1 - x0) * 3);
            for (var i = 0; i < line.Length; i += 3)
            {
                line[i] = (byte)(((line[i] * keep) + r) >> 8);
                line[i + 1] = (byte)(((line[i + 1] * keep) + g) >> 8);
                line[i + 2] = (byte)(((line[i + 2] * keep) + b) >> 8);
            }
        }
    }

    /// <summary>
    /// Draws one line of text with its glyph cell's top-left at (<paramref name="x"/>, <paramref name="y"/>), each
    /// font pixel a <paramref name="scale"/> x <paramref name="scale"/> block. Returns the drawn width.
    /// </summary>
    public int DrawText(int x, int y, string text, Rgb8 color, int scale, BitmapFont? font = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        font ??= BitmapFont.Default;
        var penX = x;
        foreach (var c in text)
        {
            var rows = font.GlyphRows(c);
            for (var r = 0; r < rows.Length; r++)
            {
                var mask = rows[r];
                if (mask == 0)
                {
                    continue;
                }

                for (var col = 0; col < font.GlyphWidth; col++)
                {
                    if ((mask & (1 << (font.GlyphWidth - 1 - col))) != 0)
                    {
                        FillSolid(penX + (col * scale), y + (r * scale), scale, scale, color);
                    }
                }
            }

            penX += font.Advance * scale;
        }

        return font.MeasureWidth(text, scale);
    }

    /// <summary>
    /// A horizontal colour bar from value 0 (left) to 1 (right). The part below <paramref name="threshold"/> (drawn
    /// transparent on the image) is dimmed to a third so the legend tells which values are shown.
    /// </summary>
    public void DrawColorBar(int x, int y, int width, int height, ColorMap map, float threshold = 0f)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (width < 1 || height < 1)
        {
            return;
        }

        for (var i = 0; i < width; i++)
        {
            var value = width == 1 ? 1f : i / (float)(width - 1);
            var c = map.Map(value);
            if (value < threshold)
            {
                c = new Rgb8((byte)(c.R / 3), (byte)(c.G / 3), (byte)(c.B / 3));
            }

            FillSolid(x + i, y, 1, height, c);
        }
    }

    /// <summary>An opaque rectangle outline of thickness <paramref name="thickness"/>.</summary>
    public void DrawRect(int x, int y, int width, int height, Rgb8 color, int thickness = 1)
    {
        FillSolid(x, y, width, thickness, color);
        FillSolid(x, y + height - thickness, width, thickness, color);
        FillSolid(x, y, thickness, height, color);
        FillSolid(x + width - thickness, y, thickness, height, color);
    }

    /// <summary>An opaque rectangle.</summary>
    public void FillSolid(int x, int y, int width, int height, Rgb8 color)
    {
        var (x0, y0, x1, y1) = Clip(x, y, width, height);
        if (x0 >= x1 || y0 >= y1)
        {
            return;
        }

        for (var row = y0; row < y1; row++)
        {
            var line = Pixels.Slice(((row * Width) + x0) * 3, (x1 - x0) * 3);
            for (var i = 0; i < line.Length; i += 3)
            {
                line[i] = color.R;
                line[i + 1] = color.G;
                line[i + 2] = color.B;
            }
        }
    }

    internal static int Alpha(float opacity) => (int)MathF.Round(Math.Clamp(opacity, 0f, 1f) * 256f);

    private (int X0, int Y0, int X1, int Y1) Clip(int x, int y, int width, int height) =>
        (Math.Max(0, x), Math.Max(0, y), Math.Min(Width, x + Math.Max(0, width)), Math.Min(Height, y + Math.Max(0, height)));
}
