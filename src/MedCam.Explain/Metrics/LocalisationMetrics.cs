using MedCam.Imaging.Thresholding;

namespace MedCam.Explain.Metrics;

/// <summary>Localisation metrics of a map against a ground-truth mask on the same grid (any number of axes).</summary>
public static class LocalisationMetrics
{
    /// <summary>
    /// Pointing game (Zhang et al. 2016): a hit when the map's maximum (first in C order on ties) lies inside the mask
    /// or within <paramref name="toleranceMm"/> millimetres of a mask voxel, distances measured with the voxel
    /// <paramref name="spacingMm"/> per axis (1 mm when null; the paper's 15 px is toleranceMm = 15 with unit spacing).
    /// An empty mask is a miss.
    /// </summary>
    public static bool PointingGame(ReadOnlySpan<float> map, ReadOnlySpan<bool> mask, ReadOnlySpan<int> shape, double toleranceMm = 15, ReadOnlySpan<double> spacingMm = default)
    {
        Check(map.Length, mask.Length, shape);
        var best = 0;
        for (var i = 1; i < map.Length; i++)
        {
            if (map[i] > map[best])
            {
                best = i;
            }
        }

        if (mask[best])
        {
            return true;
        }

        var rank = shape.Length;
        Span<double> spacing = stackalloc double[rank];
        for (var a = 0; a < rank; a++)
        {
            spacing[a] = spacingMm.IsEmpty ? 1.0 : spacingMm[a];
        }

        Span<int> peak = stackalloc int[rank];
        Span<int> at = stackalloc int[rank];
        Unravel(best, shape, peak);
        var tolerance2 = toleranceMm * toleranceMm;
        for (var i = 0; i < mask.Length; i++)
        {
            if (!mask[i])
            {
                continue;
            }

            Unravel(i, shape, at);
            double d2 = 0;
            for (var a = 0; a < rank; a++)
            {
                var d = (at[a] - peak[a]) * spacing[a];
                d2 += d * d;
            }

            if (d2 <= tolerance2)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Energy-based pointing game (Score-CAM): Σ L inside the mask / Σ L (0 for an all-zero map).</summary>
    public static double EnergyPointingGame(ReadOnlySpan<float> map, ReadOnlySpan<bool> mask)
    {
        if (map.Length != mask.Length)
        {
            throw new ArgumentException($"Map ({map.Length}) and mask ({mask.Length}) differ in size.", nameof(mask));
        }

        double inside = 0;
        double total = 0;
        for (var i = 0; i < map.Length; i++)
        {
            var v = Math.Max(0, map[i]);
            total += v;
            if (mask[i])
            {
                inside += v;
            }
        }

        return total > 0 ? inside / total : 0;
    }

    /// <summary>
    /// The map binarised at its Otsu threshold (value &gt; t) against the mask: IoU = |B ∩ M| / |B ∪ M| and
    /// IoA = |B ∩ M| / |M| (intersection over annotation: the share of the ground truth the map covers). Empty
    /// denominators give 0.
    /// </summary>
    public static (double IoU, double IoA, float Threshold) OtsuOverlap(ReadOnlySpan<float> map, ReadOnlySpan<bool> mask)
    {
        if (map.Length != mask.Length)
        {
            throw new ArgumentException($"Map ({map.Length}) and mask ({mask.Length}) differ in size.", nameof(mask));
        }

        var t = OtsuThreshold.Compute(map);
        long intersection = 0;
        long union = 0;
        long annotation = 0;
        for (var i = 0; i < map.Length; i++)
        {
            var b = map[i] > t;
            if (b && mask[i])
            {
                intersection++;
            }

            if (b || mask[i])
            {
                union++;
            }

            if (mask[i])
            {
                annotation++;
            }
        }

        return (union > 0 ? (double)intersection / union : 0, annotation > 0 ? (double)intersection / annotation : 0, t);
    }

    internal static void Unravel(int index, ReadOnlySpan<int> shape, Span<int> result)
    {
        for (var a = shape.Length - 1; a >= 0; a--)
        {
            result[a] = index % shape[a];
            index /= shape[a];
        }
    }

    private static void Check(int map, int mask, ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            n *= d;
        }

        if (map != n || mask != n)
        {
            throw new ArgumentException($"Map ({map}) and mask ({mask}) must both match the shape ({string.Join(", ", shape.ToArray())}).", nameof(shape));
        }
    }
}
