namespace MedCam.Imaging.Thresholding;

/// <summary>
/// Otsu's threshold (Otsu, 1979) on a histogram of <c>bins</c> equal bins between the minimum and maximum, the same
/// construction as <c>skimage.filters.threshold_otsu</c>: the threshold is the centre of the bin that maximises the
/// between-class variance; foreground is <c>value &gt; threshold</c>. A constant input returns that constant (so
/// nothing is foreground). Non-finite values are ignored.
/// </summary>
public static class OtsuThreshold
{
    public static float Compute(ReadOnlySpan<float> values, int bins = 256)
    {
        if (bins < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(bins), bins, "Otsu needs at least 2 bins.");
        }

        var min = float.PositiveInfinity;
        var max = float.NegativeInfinity;
        foreach (var v in values)
        {
            if (float.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        if (float.IsPositiveInfinity(min))
        {
            throw new ArgumentException("Otsu needs at least one finite value.", nameof(values));
        }

        if (min == max)
        {
            return min;
        }

        var hist = new double[bins];
        var width = ((double)max - min) / bins;
        foreach (var v in values)
        {
            if (float.IsFinite(v))
            {
                var b = (int)((v - min) / width);
                hist[Math.Min(b, bins - 1)]++;
            }
        }

        var centres = new double[bins];
        for (var b = 0; b < bins; b++)
        {
            centres[b] = min + ((b + 0.5) * width);
        }

        // weight1/mean1: classes [0..b]; weight2/mean2: classes [b+1..]; variance12 = w1·w2·(μ1−μ2)².
        var totalWeight = hist.Sum();
        double totalMoment = 0;
        for (var b = 0; b < bins; b++)
        {
            totalMoment += hist[b] * centres[b];
        }

        double w1 = 0;
        double m1 = 0;
        var best = -1.0;
        var bestIndex = 0;
        for (var b = 0; b < bins - 1; b++)
        {
            w1 += hist[b];
            m1 += hist[b] * centres[b];
            var w2 = totalWeight - w1;
            if (w1 == 0 || w2 == 0)
            {
                continue;
            }

            var mu1 = m1 / w1;
            var mu2 = (totalMoment - m1) / w2;
            var variance = w1 * w2 * (mu1 - mu2) * (mu1 - mu2);
            if (variance > best)
            {
                best = variance;
                bestIndex = b;
            }
        }

        return (float)centres[bestIndex];
    }

    /// <summary>The foreground mask <c>value &gt; Otsu threshold</c>.</summary>
    public static bool[] Mask(ReadOnlySpan<float> values, int bins = 256)
    {
        var t = Compute(values, bins);
        var mask = new bool[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            mask[i] = values[i] > t;
        }

        return mask;
    }
}
