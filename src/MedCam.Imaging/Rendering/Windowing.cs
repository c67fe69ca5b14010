using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MedCam.Imaging.Rendering;

/// <summary>
/// The linear VOI function of PS3.3 C.11.2.1.2.1 to 8-bit grey:
/// x ≤ c − 0.5 − (w−1)/2 → 0; x > c − 0.5 + (w−1)/2 → 255; otherwise ((x − (c − 0.5)) / (w−1) + 0.5) · 255,
/// truncated to an integer as dcmtk's renderer does (dcmj2pnm +Ww agrees within one grey level, tested).
/// Written as one clamped line, y = clamp((x − lower) · 255/(w−1), 0, 255), which equals the
/// piecewise form (at both edges the line is exactly 0 and 255); width 1 is the step at c − 0.5.
/// </summary>
public static class Windowing
{
    /// <summary>One value (the reference the vector path is tested against).</summary>
    public static byte Apply(float value, VoiWindow window)
    {
        var (lower, scale) = Line(window);
        if (scale == 0)
        {
            return value <= lower ? (byte)0 : (byte)255;
        }

        var y = (value - lower) * scale;
        y = y < 0 ? 0 : y > 255 ? 255 : y;
        return (byte)(int)y;
    }

    /// <summary>Windows modality values (e.g. Hounsfield units) to 8-bit grey.</summary>
    public static void Apply(ReadOnlySpan<float> values, Span<byte> grey, VoiWindow window)
    {
        if (grey.Length < values.Length)
        {
            throw new ArgumentException($"Destination holds {grey.Length} bytes; {values.Length} needed.", nameof(grey));
        }

        var (lower, scale) = Line(window);
        var i = 0;
        if (scale != 0 && Vector256.IsHardwareAccelerated && values.Length >= 32)
        {
            var vLower = Vector256.Create(lower);
            var vScale = Vector256.Create(scale);
            var vMax = Vector256.Create(255f);
            ref var src = ref MemoryMarshal.GetReference(values);
            ref var dst = ref MemoryMarshal.GetReference(grey);
            for (; i <= values.Length - 32; i += 32)
            {
                // 4 x 8 floats -> 32 bytes: compute, clamp, truncate, narrow int32 -> int16 -> uint8.
                var a = Quantise(Vector256.LoadUnsafe(ref src, (nuint)i), vLower, vScale, vMax);
                var b = Quantise(Vector256.LoadUnsafe(ref src, (nuint)(i + 8)), vLower, vScale, vMax);
                var c = Quantise(Vector256.LoadUnsafe(ref src, (nuint)(i + 16)), vLower, vScale, vMax);
                var d = Quantise(Vector256.LoadUnsafe(ref src, (nuint)(i + 24)), vLower, vScale, vMax);
                var ab = Vector256.Narrow(a, b).AsUInt16();
                var cd = Vector256.Narrow(c, d).AsUInt16();
                Vector256.Narrow(ab, cd).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        for (; i < values.Length; i++)
        {
            grey[i] = Apply(values[i], window);
        }
    }

    /// <summary>Windows stored integer values after the modality rescale (value · slope + intercept).</summary>
    public static void Apply(ReadOnlySpan<short> stored, Span<byte> grey, VoiWindow window, double rescaleSlope = 1, double rescaleIntercept = 0)
    {
        if (grey.Length < stored.Length)
        {
            throw new ArgumentException($"Destination holds {grey.Length} bytes; {stored.Length} needed.", nameof(grey));
        }

        // 65536 possible inputs: a lookup table is exact and cheaper than per-pixel arithmetic for big frames.
        if (stored.Length >= 1 << 15)
        {
            var lut = new byte[1 << 16];
            for (var v = short.MinValue; ; v++)
            {
                lut[(ushort)v] = Apply((float)((v * rescaleSlope) + rescaleIntercept), window);
                if (v == short.MaxValue)
                {
                    break;
                }
            }

            for (var i = 0; i < stored.Length; i++)
            {
                grey[i] = lut[(ushort)stored[i]];
            }

            return;
        }

        for (var i = 0; i < stored.Length; i++)
        {
            grey[i] = Apply((float)((stored[i] * rescaleSlope) + rescaleIntercept), window);
        }
    }

    private static Vector256<int> Quantise(Vector256<float> x, Vector256<float> lower, Vector256<float> scale, Vector256<float> max)
    {
        var y = Vector256.Min(Vector256.Max((x - lower) * scale, Vector256<float>.Zero), max);
        return Vector256.ConvertToInt32(y);
    }

    private static (float Lower, float Scale) Line(VoiWindow w)
    {
        var lower = (float)(w.Center - 0.5 - ((w.Width - 1) / 2));
        var scale = w.Width <= 1 ? 0f : (float)(255.0 / (w.Width - 1));
        return (w.Width <= 1 ? (float)(w.Center - 0.5) : lower, scale);
    }
}
