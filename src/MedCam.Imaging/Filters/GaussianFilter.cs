using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MedCam.Imaging.Filters;

/// <summary>
/// Separable N-dimensional Gaussian smoothing with a sigma per axis (in voxels; 0 leaves an axis alone, e.g. the
/// time axis of a cine map or a batch axis). Matches <c>scipy.ndimage.gaussian_filter</c>: kernel radius
/// <c>⌊truncate·σ + 0.5⌋</c> (truncate = 4), weights <c>exp(−x²/2σ²)</c> normalised to sum 1, boundary mode
/// "reflect" (half-sample symmetric).
/// </summary>
public static class GaussianFilter
{
    public static float[] Apply(ReadOnlySpan<float> source, ReadOnlySpan<int> shape, ReadOnlySpan<double> sigmas, double truncate = 4.0)
    {
        var result = new float[source.Length];
        Apply(source, shape, result, sigmas, truncate);
        return result;
    }

    public static void Apply(ReadOnlySpan<float> source, ReadOnlySpan<int> shape, Span<float> destination, ReadOnlySpan<double> sigmas, double truncate = 4.0)
    {
        if (sigmas.Length != shape.Length)
        {
            throw new ArgumentException($"{sigmas.Length} sigmas given for rank {shape.Length}.", nameof(sigmas));
        }

        long count = 1;
        foreach (var d in shape)
        {
            count *= d;
        }

        if (source.Length != count || destination.Length != count)
        {
            throw new ArgumentException($"Array length does not match shape ({string.Join(", ", shape.ToArray())}).", nameof(source));
        }

        foreach (var s in sigmas)
        {
            if (!(s >= 0) || double.IsInfinity(s))
            {
                throw new ArgumentException($"Gaussian sigma must be finite and >= 0, got {s}.", nameof(sigmas));
            }
        }

        source.CopyTo(destination);
        var scratch = new float[count];
        for (var axis = 0; axis < shape.Length; axis++)
        {
            if (sigmas[axis] == 0 || shape[axis] == 1)
            {
                continue;
            }

            var kernel = Kernel(sigmas[axis], truncate);
            destination.CopyTo(scratch);
            ConvolveAxis(scratch, shape, axis, destination, kernel);
        }
    }

    /// <summary>Normalised 1-D Gaussian kernel of length 2r+1.</summary>
    public static float[] Kernel(double sigma, double truncate = 4.0)
    {
        var radius = (int)((truncate * sigma) + 0.5);
        var weights = new double[(2 * radius) + 1];
        double sum = 0;
        for (var x = -radius; x <= radius; x++)
        {
            var w = Math.Exp(-0.5 * x * x / (sigma * sigma));
            weights[x + radius] = w;
            sum += w;
        }

        return weights.Select(w => (float)(w / sum)).ToArray();
    }

    private static void ConvolveAxis(ReadOnlySpan<float> input, ReadOnlySpan<int> shape, int axis, Span<float> output, float[] kernel)
    {
        var n = shape[axis];
        long outer = 1;
        for (var a = 0; a < axis; a++)
        {
            outer *= shape[a];
        }

        var inner = 1;
        for (var a = axis + 1; a < shape.Length; a++)
        {
            inner *= shape[a];
        }

        var radius = kernel.Length / 2;
        var line = new float[n + (2 * radius)];
        for (long b = 0; b < outer; b++)
        {
            var inBlock = input.Slice((int)(b * n * inner), n * inner);
            var outBlock = output.Slice((int)(b * n * inner), n * inner);
            if (inner == 1)
            {
                for (var i = -radius; i < n + radius; i++)
                {
                    line[i + radius] = inBlock[BoundaryIndex.HalfSample(i, n)];
                }

                for (var i = 0; i < n; i++)
                {
                    outBlock[i] = Dot(line.AsSpan(i, kernel.Length), kernel);
                }

                continue;
            }

            // Rows of `inner` contiguous values: accumulate whole rows (vectorised) per kernel tap.
            for (var i = 0; i < n; i++)
            {
                var target = outBlock.Slice(i * inner, inner);
                target.Clear();
                for (var k = -radius; k <= radius; k++)
                {
                    var j = BoundaryIndex.HalfSample(i + k, n);
                    MultiplyAdd(inBlock.Slice(j * inner, inner), kernel[k + radius], target);
                }
            }
        }
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>target += w·x, Vector256 with a scalar tail.</summary>
    internal static void MultiplyAdd(ReadOnlySpan<float> x, float w, Span<float> target)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated && target.Length >= Vector256<float>.Count)
        {
            ref var rx = ref MemoryMarshal.GetReference(x);
            ref var rt = ref MemoryMarshal.GetReference(target);
            var vw = Vector256.Create(w);
            for (; i <= target.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var t = Vector256.LoadUnsafe(ref rt, (nuint)i);
                (t + (Vector256.LoadUnsafe(ref rx, (nuint)i) * vw)).StoreUnsafe(ref rt, (nuint)i);
            }
        }

        for (; i < target.Length; i++)
        {
            target[i] += w * x[i];
        }
    }
}
