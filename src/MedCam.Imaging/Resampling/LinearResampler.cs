using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MedCam.Imaging.Resampling;

/// <summary>What a destination voxel whose source coordinate lies outside the source grid receives.</summary>
public enum OutsideMode
{
    /// <summary>The nearest border value (torch's behaviour for <c>interpolate</c>).</summary>
    Clamp,

    /// <summary>A constant fill value, for coordinates more than half a voxel outside the grid.</summary>
    Fill,
}

/// <summary>
/// N-dimensional (multi)linear resampling of dense row-major float arrays. Linear interpolation along every axis is
/// separable, so the N-d map is applied one axis at a time: the result equals <c>linear</c>, <c>bilinear</c> and
/// <c>trilinear</c> interpolation (the tensor-product weights) up to float rounding, for any rank. Axes whose map is
/// the identity are skipped, so leading batch/channel axes of equal size pass through unchanged.
/// </summary>
public static class LinearResampler
{
    /// <summary>
    /// Resizes to <paramref name="destinationShape"/> exactly as <c>torch.nn.functional.interpolate(mode=
    /// "linear"|"bilinear"|"trilinear", size=..., align_corners=False)</c> does for the axes that change.
    /// Shapes have the same rank (include batch and channel axes with equal sizes to carry them through).
    /// </summary>
    public static float[] Resize(ReadOnlySpan<float> source, ReadOnlySpan<int> sourceShape, ReadOnlySpan<int> destinationShape)
    {
        var destination = new float[Count(destinationShape)];
        Resize(source, sourceShape, destination, destinationShape);
        return destination;
    }

    /// <inheritdoc cref="Resize(ReadOnlySpan{float}, ReadOnlySpan{int}, ReadOnlySpan{int})"/>
    public static void Resize(ReadOnlySpan<float> source, ReadOnlySpan<int> sourceShape, Span<float> destination, ReadOnlySpan<int> destinationShape)
    {
        CheckRank(sourceShape, destinationShape);
        Span<AxisMap> maps = stackalloc AxisMap[sourceShape.Length];
        for (var a = 0; a < maps.Length; a++)
        {
            maps[a] = sourceShape[a] == destinationShape[a] ? AxisMap.Identity : AxisMap.AlignCornersFalse(sourceShape[a], destinationShape[a]);
        }

        Resample(source, sourceShape, destination, destinationShape, maps, OutsideMode.Clamp, 0);
    }

    /// <summary>
    /// General separable resampling: for each axis, destination index i samples the source at
    /// <c>maps[axis].Scale · i + maps[axis].Offset</c> with linear interpolation.
    /// </summary>
    public static void Resample(
        ReadOnlySpan<float> source,
        ReadOnlySpan<int> sourceShape,
        Span<float> destination,
        ReadOnlySpan<int> destinationShape,
        ReadOnlySpan<AxisMap> maps,
        OutsideMode outside = OutsideMode.Clamp,
        float fillValue = 0)
    {
        CheckRank(sourceShape, destinationShape);
        if (maps.Length != sourceShape.Length)
        {
            throw new ArgumentException($"{maps.Length} axis maps given for rank {sourceShape.Length}.", nameof(maps));
        }

        if (source.Length != Count(sourceShape))
        {
            throw new ArgumentException($"Source holds {source.Length} values but its shape ({string.Join(", ", sourceShape.ToArray())}) needs {Count(sourceShape)}.", nameof(source));
        }

        if (destination.Length != Count(destinationShape))
        {
            throw new ArgumentException($"Destination holds {destination.Length} values but its shape needs {Count(destinationShape)}.", nameof(destination));
        }

        for (var a = 0; a < sourceShape.Length; a++)
        {
            if (sourceShape[a] <= 0 || destinationShape[a] <= 0)
            {
                throw new ArgumentException("Resampling needs non-empty axes.", nameof(sourceShape));
            }

            if (maps[a].IsIdentity && sourceShape[a] != destinationShape[a])
            {
                throw new ArgumentException($"Axis {a} has an identity map but sizes {sourceShape[a]} and {destinationShape[a]}.", nameof(maps));
            }
        }

        // Order the passes so shrinking axes go first: the intermediate arrays stay as small as possible.
        var order = new int[sourceShape.Length];
        for (var a = 0; a < order.Length; a++)
        {
            order[a] = a;
        }

        var src = sourceShape.ToArray();
        var dst = destinationShape.ToArray();
        Array.Sort(order, (x, y) => ((double)dst[x] / src[x]).CompareTo((double)dst[y] / src[y]));
        var identity = new bool[order.Length];
        for (var a = 0; a < identity.Length; a++)
        {
            identity[a] = maps[a].IsIdentity;
        }

        var active = order.Where(a => !identity[a]).ToArray();
        if (active.Length == 0)
        {
            source.CopyTo(destination);
            return;
        }

        var current = src.ToArray();
        float[]? bufferA = null;
        float[]? bufferB = null;
        ReadOnlySpan<float> input = source;
        for (var p = 0; p < active.Length; p++)
        {
            var axis = active[p];
            var next = current.ToArray();
            next[axis] = dst[axis];
            Span<float> output;
            if (p == active.Length - 1)
            {
                output = destination;
            }
            else
            {
                var needed = (int)Count(next);
                var buffer = p % 2 == 0 ? (bufferA ??= new float[needed]) : (bufferB ??= new float[needed]);
                if (buffer.Length < needed)
                {
                    buffer = new float[needed];
                    if (p % 2 == 0)
                    {
                        bufferA = buffer;
                    }
                    else
                    {
                        bufferB = buffer;
                    }
                }

                output = buffer.AsSpan(0, needed);
            }

            ResampleAxis(input, current, axis, output, dst[axis], maps[axis], outside, fillValue);
            input = output;
            current = next;
        }
    }

    private static void ResampleAxis(ReadOnlySpan<float> input, int[] shape, int axis, Span<float> output, int outSize, AxisMap map, OutsideMode outside, float fill)
    {
        var inSize = shape[axis];
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

        var i0 = new int[outSize];
        var i1 = new int[outSize];
        var w0 = new float[outSize];
        var w1 = new float[outSize];
        var isFill = new bool[outSize];
        for (var o = 0; o < outSize; o++)
        {
            var x = (map.Scale * o) + map.Offset;
            if (outside == OutsideMode.Fill && (x < -0.5 || x > inSize - 0.5))
            {
                isFill[o] = true;
                continue;
            }

            x = Math.Clamp(x, 0, inSize - 1);
            var lo = (int)Math.Floor(x);
            var hi = Math.Min(lo + 1, inSize - 1);
            var lambda = (float)(x - lo);
            i0[o] = lo;
            i1[o] = hi;
            w1[o] = lambda;
            w0[o] = 1f - lambda;
        }

        for (long b = 0; b < outer; b++)
        {
            var inBlock = input.Slice((int)(b * inSize * inner), inSize * inner);
            var outBlock = output.Slice((int)(b * outSize * inner), outSize * inner);
            if (inner == 1)
            {
                for (var o = 0; o < outSize; o++)
                {
                    outBlock[o] = isFill[o] ? fill : (w0[o] * inBlock[i0[o]]) + (w1[o] * inBlock[i1[o]]);
                }

                continue;
            }

            for (var o = 0; o < outSize; o++)
            {
                var target = outBlock.Slice(o * inner, inner);
                if (isFill[o])
                {
                    target.Fill(fill);
                }
                else
                {
                    Lerp(inBlock.Slice(i0[o] * inner, inner), inBlock.Slice(i1[o] * inner, inner), w0[o], w1[o], target);
                }
            }
        }
    }

    /// <summary>target = wa·a + wb·b, Vector256 with a scalar tail.</summary>
    internal static void Lerp(ReadOnlySpan<float> a, ReadOnlySpan<float> b, float wa, float wb, Span<float> target)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated && target.Length >= Vector256<float>.Count)
        {
            ref var ra = ref MemoryMarshal.GetReference(a);
            ref var rb = ref MemoryMarshal.GetReference(b);
            ref var rt = ref MemoryMarshal.GetReference(target);
            var va = Vector256.Create(wa);
            var vb = Vector256.Create(wb);
            for (; i <= target.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var x = Vector256.LoadUnsafe(ref ra, (nuint)i);
                var y = Vector256.LoadUnsafe(ref rb, (nuint)i);
                ((x * va) + (y * vb)).StoreUnsafe(ref rt, (nuint)i);
            }
        }

        for (; i < target.Length; i++)
        {
            target[i] = (wa * a[i]) + (wb * b[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long Count(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            n *= d;
        }

        return n;
    }

    private static void CheckRank(ReadOnlySpan<int> sourceShape, ReadOnlySpan<int> destinationShape)
    {
        if (sourceShape.Length != destinationShape.Length)
        {
            throw new ArgumentException($"Source rank {sourceShape.Length} and destination rank {destinationShape.Length} differ.", nameof(destinationShape));
        }

        if (sourceShape.Length == 0)
        {
            throw new ArgumentException("Resampling needs at least one axis.", nameof(sourceShape));
        }
    }
}
