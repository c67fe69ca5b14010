using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MedCam.Imaging.Rendering;

/// <summary>
/// Blends a CAM over a source frame into 8-bit RGB interleaved output. Per pixel: when cam ≥ threshold,
/// out = (source · (256 − α) + colour · α + 128) / 256 with α = round(opacity · 256) (fixed point, ≤ 1 grey level from
/// the float formula); otherwise out = source. The colour index follows <see cref="ColorMaps.ColorMap.IndexOf"/>.
/// </summary>
public static class HeatmapBlender
{
    private const int Chunk = 512;

    /// <summary>Heatmap over an 8-bit grey source (rows x cols) into RGB.</summary>
    public static void BlendOverGray(ReadOnlySpan<byte> gray, ReadOnlySpan<float> cam, Span<byte> rgb, HeatmapStyle style)
    {
        ArgumentNullException.ThrowIfNull(style);
        Check(gray.Length, cam.Length, rgb.Length);
        var tables = new BlendTables(style);
        Span<int> index = stackalloc int[Chunk];
        for (var start = 0; start < cam.Length; start += Chunk)
        {
            var n = Math.Min(Chunk, cam.Length - start);
            Quantise(cam.Slice(start, n), style.Threshold, index);
            var src = gray.Slice(start, n);
            var dst = rgb.Slice(start * 3, n * 3);
            for (var p = 0; p < n; p++)
            {
                var g = src[p];
                var k = index[p];
                if (k < 0)
                {
                    dst[p * 3] = g;
                    dst[(p * 3) + 1] = g;
                    dst[(p * 3) + 2] = g;
                }
                else
                {
                    var kept = tables.Kept[g];
                    dst[p * 3] = (byte)((kept + tables.Colour[k]) >> 8);
                    dst[(p * 3) + 1] = (byte)((kept + tables.Colour[k + 1]) >> 8);
                    dst[(p * 3) + 2] = (byte)((kept + tables.Colour[k + 2]) >> 8);
                }
            }
        }
    }

    /// <summary>Heatmap over an RGB source into RGB; <paramref name="rgb"/> may be the source itself (in place).</summary>
    public static void BlendOverRgb(ReadOnlySpan<byte> source, ReadOnlySpan<float> cam, Span<byte> rgb, HeatmapStyle style)
    {
        ArgumentNullException.ThrowIfNull(style);
        if (source.Length != cam.Length * 3)
        {
            throw new ArgumentException($"The RGB source has {source.Length} bytes; the CAM's {cam.Length} pixels need {cam.Length * 3}.", nameof(source));
        }

        Check(cam.Length, cam.Length, rgb.Length);
        var tables = new BlendTables(style);
        Span<int> index = stackalloc int[Chunk];
        for (var start = 0; start < cam.Length; start += Chunk)
        {
            var n = Math.Min(Chunk, cam.Length - start);
            Quantise(cam.Slice(start, n), style.Threshold, index);
            var src = source.Slice(start * 3, n * 3);
            var dst = rgb.Slice(start * 3, n * 3);
            for (var p = 0; p < n; p++)
            {
                var k = index[p];
                var o = p * 3;
                if (k < 0)
                {
                    dst[o] = src[o];
                    dst[o + 1] = src[o + 1];
                    dst[o + 2] = src[o + 2];
                }
                else
                {
                    dst[o] = (byte)((tables.Kept[src[o]] + tables.Colour[k]) >> 8);
                    dst[o + 1] = (byte)((tables.Kept[src[o + 1]] + tables.Colour[k + 1]) >> 8);
                    dst[o + 2] = (byte)((tables.Kept[src[o + 2]] + tables.Colour[k + 2]) >> 8);
                }
            }
        }
    }

    /// <summary>
    /// CAM values to colour-table offsets (3 · index), or −1 where the value is below the threshold or NaN;
    /// eight values at a time with AVX.
    /// </summary>
    internal static void Quantise(ReadOnlySpan<float> cam, float threshold, Span<int> offsets)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vThreshold = Vector256.Create(threshold);
            var v256 = Vector256.Create(256f);
            var v255 = Vector256.Create(255f);
            var three = Vector256.Create(3);
            var none = Vector256.Create(-1);
            ref var src = ref MemoryMarshal.GetReference(cam);
            ref var dst = ref MemoryMarshal.GetReference(offsets);
            for (; i <= cam.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref src, (nuint)i);
                var shown = Vector256.GreaterThanOrEqual(v, vThreshold).AsInt32(); // false for NaN
                var scaled = Vector256.Min(Vector256.Max(v * v256, Vector256<float>.Zero), v255);
                var offset = Vector256.ConvertToInt32(scaled) * three;
                Vector256.ConditionalSelect(shown, offset, none).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        for (; i < cam.Length; i++)
        {
            var v = cam[i];
            offsets[i] = v >= threshold ? ColorMaps.ColorMap.IndexOf(v) * 3 : -1;
        }
    }

    private static void Check(int sourcePixels, int camPixels, int rgbBytes)
    {
        if (sourcePixels != camPixels)
        {
            throw new ArgumentException($"The source has {sourcePixels} pixels but the CAM has {camPixels}: the CAM must be on the source grid.");
        }

        if (rgbBytes < camPixels * 3)
        {
            throw new ArgumentException($"The RGB destination holds {rgbBytes} bytes; {camPixels * 3} needed.");
        }
    }

    /// <summary>Pre-multiplied tables: Kept[v] = v · (256 − α); Colour[3k + c] = lut · α + 128.</summary>
    private readonly struct BlendTables
    {
        public readonly int[] Kept;
        public readonly int[] Colour;

        public BlendTables(HeatmapStyle style)
        {
            var alpha = RgbCanvas.Alpha(style.Opacity);
            Kept = new int[256];
            for (var v = 0; v < 256; v++)
            {
                Kept[v] = v * (256 - alpha);
            }

            var lut = style.ColorMap.Lut;
            Colour = new int[lut.Length];
            for (var k = 0; k < lut.Length; k++)
            {
                Colour[k] = (lut[k] * alpha) + 128;
            }
        }
    }
}
