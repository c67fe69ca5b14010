using System.Runtime.CompilerServices;
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

    /// <summary>Code of a pixel left as is: Kept[256 + v] = v · 256 and Colour[768..770] = 128.</summary>
    internal const int Hidden = (256 << 16) | 768;

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
            ref var kept = ref MemoryMarshal.GetArrayDataReference(tables.Kept);
            ref var colour = ref MemoryMarshal.GetArrayDataReference(tables.Colour);
            for (var p = 0; p < n; p++)
            {
                // Branch-free: hidden pixels select the identity half of Kept and a colour entry of 128 (rounding only).
                // Table reads are unchecked: codes are built by Quantise (k <= 768, half <= 256) and bytes are < 256.
                var code = index[p];
                var k = code & 0xFFFF;
                var g = Unsafe.Add(ref kept, (code >> 16) + src[p]);
                dst[p * 3] = (byte)((g + Unsafe.Add(ref colour, k)) >> 8);
                dst[(p * 3) + 1] = (byte)((g + Unsafe.Add(ref colour, k + 1)) >> 8);
                dst[(p * 3) + 2] = (byte)((g + Unsafe.Add(ref colour, k + 2)) >> 8);
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
            ref var kept = ref MemoryMarshal.GetArrayDataReference(tables.Kept);
            ref var colour = ref MemoryMarshal.GetArrayDataReference(tables.Colour);
            for (var p = 0; p < n; p++)
            {
                var code = index[p];
                var k = code & 0xFFFF;
                var half = code >> 16;
                var o = p * 3;
                dst[o] = (byte)((Unsafe.Add(ref kept, half + src[o]) + Unsafe.Add(ref colour, k)) >> 8);
                dst[o + 1] = (byte)((Unsafe.Add(ref kept, half + src[o + 1]) + Unsafe.Add(ref colour, k + 1)) >> 8);
                dst[o + 2] = (byte)((Unsafe.Add(ref kept, half + src[o + 2]) + Unsafe.Add(ref colour, k + 2)) >> 8);
            }
        }
    }

    /// <summary>
    /// CAM values to table codes: the colour-table offset (3 · index) for shown values, or
    /// <see cref="Hidden"/> (identity half of Kept, neutral colour entry) where the value is below the threshold or
    /// NaN; eight values at a time with AVX.
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
            var none = Vector256.Create(Hidden);
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
            offsets[i] = v >= threshold ? ColorMaps.ColorMap.IndexOf(v) * 3 : Hidden;
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

    /// <summary>
    /// Pre-multiplied tables: Kept[v] = v · (256 − α), Kept[256 + v] = v · 256 (hidden pixels);
    /// Colour[3k + c] = lut · α + 128, Colour[768..770] = 128 (hidden pixels).
    /// </summary>
    private readonly struct BlendTables
    {
        public readonly int[] Kept;
        public readonly int[] Colour;

        public BlendTables(HeatmapStyle style)
        {
            var alpha = RgbCanvas.Alpha(style.Opacity);
            Kept = new int[512];
            for (var v = 0; v < 256; v++)
            {
                Kept[v] = v * (256 - alpha);
                Kept[256 + v] = v * 256;
            }

            var lut = style.ColorMap.Lut;
            Colour = new int[lut.Length + 3];
            for (var k = 0; k < lut.Length; k++)
            {
                Colour[k] = (lut[k] * alpha) + 128;
            }

            Colour[lut.Length] = Colour[lut.Length + 1] = Colour[lut.Length + 2] = 128;
        }
    }
}
