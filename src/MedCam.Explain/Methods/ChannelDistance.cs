using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MedCam.Explain.Methods;

/// <summary>
/// Float activations compared in double precision: each element is widened to double before it is subtracted and
/// squared, as a scalar double loop does (only the summation order differs), so DBSCAN's neighbourhoods and the
/// percentile thresholds see the same distances. Vector256 with a scalar tail.
/// </summary>
internal static class ChannelDistance
{
    /// <summary>Σ (x_i − y_i)² with the difference taken in double.</summary>
    public static double SquaredEuclidean(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"Channels of different lengths ({x.Length} and {y.Length}).", nameof(y));
        }

        var i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<float>.Count)
        {
            ref var rx = ref MemoryMarshal.GetReference(x);
            ref var ry = ref MemoryMarshal.GetReference(y);
            var acc0 = Vector256<double>.Zero;
            var acc1 = Vector256<double>.Zero;
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var (xl, xu) = Vector256.Widen(Vector256.LoadUnsafe(ref rx, (nuint)i));
                var (yl, yu) = Vector256.Widen(Vector256.LoadUnsafe(ref ry, (nuint)i));
                var dl = xl - yl;
                var du = xu - yu;
                acc0 += dl * dl;
                acc1 += du * du;
            }

            sum = Vector256.Sum(acc0 + acc1);
        }

        for (; i < x.Length; i++)
        {
            var d = (double)x[i] - y[i];
            sum += d * d;
        }

        return sum;
    }

    /// <summary>Σ x_i² in double.</summary>
    public static double SumOfSquares(ReadOnlySpan<float> x)
    {
        var i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<float>.Count)
        {
            ref var rx = ref MemoryMarshal.GetReference(x);
            var acc0 = Vector256<double>.Zero;
            var acc1 = Vector256<double>.Zero;
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var (xl, xu) = Vector256.Widen(Vector256.LoadUnsafe(ref rx, (nuint)i));
                acc0 += xl * xl;
                acc1 += xu * xu;
            }

            sum = Vector256.Sum(acc0 + acc1);
        }

        for (; i < x.Length; i++)
        {
            sum += (double)x[i] * x[i];
        }

        return sum;
    }
}
