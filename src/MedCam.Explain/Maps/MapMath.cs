using System.Numerics.Tensors;

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

        ReplaceNonFinite(map);
        var min = TensorPrimitives.Min(map);
        var max = TensorPrimitives.Max(map);
        var range = max - min;
        var scale = Math.Max(Math.Abs(max), Math.Abs(min));
        if (!(range > RelativeEpsilon * scale) || !float.IsFinite(range))
        {
            map.Clear();
            return;
        }

        TensorPrimitives.Subtract(map, min, map);
        TensorPrimitives.Multiply(map, 1f / range, map);
        TensorPrimitives.Clamp(map, 0f, 1f, map);
    }

    /// <summary>x / max (CF-CAM's normalisation): a map whose max is ≤ 0, or a constant map, becomes zeros.</summary>
    public static void MaxNormalise(Span<float> map)
    {
        if (map.IsEmpty)
        {
            return;
        }

        ReplaceNonFinite(map);
        var max = TensorPrimitives.Max(map);
        var min = TensorPrimitives.Min(map);
        if (!(max > 0) || !float.IsFinite(max) || !(max - min > RelativeEpsilon * Math.Max(Math.Abs(max), Math.Abs(min))))
        {
            map.Clear();
            return;
        }

        TensorPrimitives.Multiply(map, 1f / max, map);
        TensorPrimitives.Clamp(map, 0f, 1f, map);
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
