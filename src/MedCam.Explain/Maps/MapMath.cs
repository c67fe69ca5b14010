using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MedCam.Explain.Maps;

/// <summary>The map operations every method shares: ReLU, normalisation without NaN or inversion, fusion.</summary>
public static class MapMath
{
    /// <summary>A range below this fraction of the largest magnitude counts as a constant map.</summary>
    public const float RelativeEpsilon = 1e-6f;

    public static void Relu(Span<float> map) => TensorPrimitives.Max(map, 0f, map);

    /// <summary>
    /// (x − min) / (max − min). A constant (or non-finite) map becomes all zeros; never NaN, never inverted
    /// (the transform is increasing).
    /// </summary>
    public static void MinMaxNormalise(Span<float> map)
    {
        if (map.IsEmpty)
        {
            return;
        }

        var (min, max) = FiniteRange(map);
        var range = max - min;
        var scale = Math.Max(Math.Abs(max), Math.Abs(min));
        if (!(range > RelativeEpsilon * scale) || !float.IsFinite(range))
        {
            map.Clear();
            return;
        }

        ScaleAndClamp(map, min, 1f / range);
    }

    /// <summary>x / max (CF-CAM's normalisation): a map whose max is ≤ 0, or a constant map, becomes zeros.</summary>
    public static void MaxNormalise(Span<float> map)
    {
        if (map.IsEmpty)
        {
            return;
        }

        var (min, max) = FiniteRange(map);
        if (!(max > 0) || !float.IsFinite(max) || !(max - min > RelativeEpsilon * Math.Max(Math.Abs(max), Math.Abs(min))))
        {
            map.Clear();
            return;
        }

        ScaleAndClamp(map, 0f, 1f / max);
    }

    /// <summary>map = Σ_k w_k A^k, A as [C, Z].</summary>
    public static void WeightedChannelSum(ReadOnlySpan<float> activations, ReadOnlySpan<float> weights, Span<float> map)
    {
        var z = map.Length;
        map.Clear();
        for (var k = 0; k < weights.Length; k++)
        {
            var w = weights[k];
            if (w != 0)
            {
                TensorPrimitives.MultiplyAdd(activations.Slice(k * z, z), w, map, map);
            }
        }
    }

    /// <summary>
    /// map = clamp((x − offset) · scale, 0, 1) in one pass over the map (the same roundings as subtract, multiply,
    /// clamp done one after the other: maps on the input grid hold millions of values). Vector256 with a scalar tail.
    /// </summary>
    private static void ScaleAndClamp(Span<float> map, float offset, float scale)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated && map.Length >= Vector256<float>.Count)
        {
            ref var r = ref MemoryMarshal.GetReference(map);
            var vo = Vector256.Create(offset);
            var vs = Vector256.Create(scale);
            var zero = Vector256<float>.Zero;
            var one = Vector256<float>.One;
            for (; i <= map.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var x = (Vector256.LoadUnsafe(ref r, (nuint)i) - vo) * vs;
                Vector256.Min(Vector256.Max(x, zero), one).StoreUnsafe(ref r, (nuint)i);
            }
        }

        for (; i < map.Length; i++)
        {
            map[i] = Math.Clamp((map[i] - offset) * scale, 0f, 1f);
        }
    }

    /// <summary>
    /// Min and max after zeroing non-finite values. TensorPrimitives' Min/Max propagate NaN and an infinity shows in
    /// one of them, so the element-wise scan for non-finite values runs only when one of them is not finite.
    /// </summary>
    private static (float Min, float Max) FiniteRange(Span<float> map)
    {
        var min = TensorPrimitives.Min(map);
        var max = TensorPrimitives.Max(map);
        if (float.IsFinite(min) && float.IsFinite(max))
        {
            return (min, max);
        }

        ReplaceNonFinite(map);
        return (TensorPrimitives.Min(map), TensorPrimitives.Max(map));
    }

    private static void ReplaceNonFinite(Span<float> map)
    {
        for (var i = 0; i < map.Length; i++)
        {
            if (!float.IsFinite(map[i]))
            {
                map[i] = 0;
            }
        }
    }
}
