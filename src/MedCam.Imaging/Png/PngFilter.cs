using System.Runtime.Intrinsics;

namespace MedCam.Imaging.Png;

/// <summary>PNG scanline filters (PNG spec section 9) and the encoder's choice heuristic.</summary>
internal static class PngFilter
{
    public const byte None = 0;
    public const byte Sub = 1;
    public const byte Up = 2;
    public const byte Average = 3;
    public const byte Paeth = 4;

    /// <summary>Paeth predictor (PNG spec 9.4).</summary>
    public static byte Predict(byte a, byte b, byte c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc)
        {
            return a;
        }

        return pb <= pc ? b : c;
    }

    /// <summary>Filters <paramref name="row"/> with <paramref name="type"/> into <paramref name="output"/>.</summary>
    public static void Apply(byte type, ReadOnlySpan<byte> row, ReadOnlySpan<byte> previous, int bpp, Span<byte> output)
    {
        var n = row.Length;
        if (type == None)
        {
            row.CopyTo(output);
            return;
        }

        if (type > Paeth)
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "PNG filter types are 0..4.");
        }

        // The first pixel has no left neighbour (treated as 0).
        var head = Math.Min(bpp, n);
        for (var i = 0; i < head; i++)
        {
            output[i] = type switch
            {
                Sub => row[i],
                Average => (byte)(row[i] - (previous[i] >> 1)),
                _ => (byte)(row[i] - previous[i]), // Up, and Paeth whose predictor is b when a = c = 0
            };
        }

        var start = type == Up ? 0 : bpp;
        var v = Vector256.IsHardwareAccelerated ? ApplyVector(type, row, previous, bpp, output, start) : start;
        for (var i = v; i < n; i++)
        {
            output[i] = type switch
            {
                Sub => (byte)(row[i] - row[i - bpp]),
                Up => (byte)(row[i] - previous[i]),
                Average => (byte)(row[i] - ((row[i - bpp] + previous[i]) >> 1)),
                _ => (byte)(row[i] - Predict(row[i - bpp], previous[i], previous[i - bpp])),
            };
        }
    }

    /// <summary>32 bytes per step; returns the index where the scalar tail starts.</summary>
    private static int ApplyVector(byte type, ReadOnlySpan<byte> row, ReadOnlySpan<byte> previous, int bpp, Span<byte> output, int start)
    {
        var i = start;
        var step = Vector256<byte>.Count;
        for (; i <= row.Length - step; i += step)
        {
            var x = Vector256.Create(row.Slice(i, step));
            Vector256<byte> predicted;
            switch (type)
            {
                case Sub:
                    predicted = Vector256.Create(row.Slice(i - bpp, step));
                    break;
                case Up:
                    predicted = Vector256.Create(previous.Slice(i, step));
                    break;
                case Average:
                {
                    var a = Vector256.Create(row.Slice(i - bpp, step));
                    var b = Vector256.Create(previous.Slice(i, step));
                    predicted = (a & b) + Vector256.ShiftRightLogical(a ^ b, 1); // floor((a + b) / 2) without overflow
                    break;
                }

                default:
                {
                    var (aLo, aHi) = Vector256.Widen(Vector256.Create(row.Slice(i - bpp, step)));
                    var (bLo, bHi) = Vector256.Widen(Vector256.Create(previous.Slice(i, step)));
                    var (cLo, cHi) = Vector256.Widen(Vector256.Create(previous.Slice(i - bpp, step)));
                    predicted = Vector256.Narrow(
                        PaethVector(aLo.AsInt16(), bLo.AsInt16(), cLo.AsInt16()),
                        PaethVector(aHi.AsInt16(), bHi.AsInt16(), cHi.AsInt16()));
                    break;
                }
            }

            (x - predicted).CopyTo(output.Slice(i, step));
        }

        return i;
    }

    /// <summary>Paeth predictor on 16 lanes: pa = |b − c|, pb = |a − c|, pc = |a + b − 2c| (PNG spec 9.4).</summary>
    private static Vector256<ushort> PaethVector(Vector256<short> a, Vector256<short> b, Vector256<short> c)
    {
        var pa = Vector256.Abs(b - c);
        var pb = Vector256.Abs(a - c);
        var pc = Vector256.Abs(a + b - c - c);
        var useA = Vector256.LessThanOrEqual(pa, pb) & Vector256.LessThanOrEqual(pa, pc);
        var useB = Vector256.LessThanOrEqual(pb, pc);
        return Vector256.ConditionalSelect(useA, a, Vector256.ConditionalSelect(useB, b, c)).AsUInt16();
    }

    /// <summary>Reverses a filter in place; <paramref name="row"/> holds the filtered bytes on entry.</summary>
    public static void Undo(byte type, Span<byte> row, ReadOnlySpan<byte> previous, int bpp)
    {
        var n = row.Length;
        switch (type)
        {
            case None:
                break;
            case Sub:
                for (var i = bpp; i < n; i++)
                {
                    row[i] = (byte)(row[i] + row[i - bpp]);
                }

                break;
            case Up:
                for (var i = 0; i < n; i++)
                {
                    row[i] = (byte)(row[i] + previous[i]);
                }

                break;
            case Average:
                for (var i = 0; i < n; i++)
                {
                    var left = i >= bpp ? row[i - bpp] : 0;
                    row[i] = (byte)(row[i] + ((left + previous[i]) >> 1));
                }

                break;
            case Paeth:
                for (var i = 0; i < n; i++)
                {
                    var left = i >= bpp ? row[i - bpp] : (byte)0;
                    var upLeft = i >= bpp ? previous[i - bpp] : (byte)0;
                    row[i] = (byte)(row[i] + Predict(left, previous[i], upLeft));
                }

                break;
            default:
                throw new InvalidDataException($"PNG row uses filter type {type}; only 0..4 exist.");
        }
    }

    /// <summary>
    /// The adaptive heuristic the PNG spec recommends (12.8): filter the row every way and keep the one whose bytes,
    /// read as signed, have the smallest sum of absolute values.
    /// </summary>
    public static byte Choose(ReadOnlySpan<byte> row, ReadOnlySpan<byte> previous, int bpp, Span<byte> scratch, Span<byte> best)
    {
        var bestType = None;
        var bestScore = long.MaxValue;
        for (byte type = None; type <= Paeth; type++)
        {
            Apply(type, row, previous, bpp, scratch);
            var score = SignedAbsSum(scratch);
            if (score < bestScore)
            {
                bestScore = score;
                bestType = type;
                scratch.CopyTo(best);
            }
        }

        return bestType;
    }

    /// <summary>Sum of |b| over the bytes read as signed (min(b, 256 - b)), vectorised.</summary>
    internal static long SignedAbsSum(ReadOnlySpan<byte> data)
    {
        long sum = 0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated && data.Length >= Vector256<byte>.Count)
        {
            var acc = Vector256<ushort>.Zero;
            var rounds = 0;
            for (; i <= data.Length - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                var v = Vector256.Create(data.Slice(i, Vector256<byte>.Count));
                var (lo, hi) = Vector256.Widen(Vector256.Min(v, Vector256<byte>.Zero - v));
                acc += lo + hi;

                // each lane grows by at most 256 per round: fold before 65535
                if (++rounds == 250)
                {
                    sum += Fold(acc);
                    acc = Vector256<ushort>.Zero;
                    rounds = 0;
                }
            }

            sum += Fold(acc);
        }

        for (; i < data.Length; i++)
        {
            var b = data[i];
            sum += b < 128 ? b : 256 - b;
        }

        return sum;
    }

    private static long Fold(Vector256<ushort> acc)
    {
        var (lo, hi) = Vector256.Widen(acc);
        return Vector256.Sum(lo + hi);
    }
}
