namespace MedCam.Explain.Metrics;

/// <summary>
/// ROAD's noisy linear imputation (Rong et al. 2022), N-dimensional. Every removed value equals the weighted mean of
/// its neighbours (removed or not): in 2D the 8-neighbourhood with weights 1/6 (axial) and 1/12 (diagonal), as ROAD;
/// MedCam generalises to any rank with weight ∝ 1 / (number of axes the offset moves along), i.e. axial 1,
/// two-axis diagonal 1/2, three-axis corner 1/3 (the 2D case is ROAD's 2:1 ratio). Neighbours outside the grid are
/// left out and the weights renormalised. The equations of all removed positions form a sparse, diagonally dominant
/// linear system, solved per channel by Gauss–Seidel iteration to a relative change below 1e-6 (at most 2,000
/// sweeps). Then N(0, σ = 0.01) noise is added to the imputed values.
/// </summary>
public static class NoisyLinearImputation
{
    public const double NoiseSigma = 0.01;

    public static float[] Impute(ReadOnlySpan<float> data, int channels, int[] spatial, ReadOnlySpan<bool> removed, int seed)
    {
        var rank = spatial.Length;
        var positions = removed.Length;
        var strides = new int[rank];
        var s = 1;
        for (var a = rank - 1; a >= 0; a--)
        {
            strides[a] = s;
            s *= spatial[a];
        }

        // Neighbour offsets with weights.
        var offsets = new List<(int[] Delta, double Weight)>();
        var count = (int)Math.Pow(3, rank);
        for (var o = 0; o < count; o++)
        {
            var delta = new int[rank];
            var rem = o;
            var moved = 0;
            for (var a = rank - 1; a >= 0; a--)
            {
                delta[a] = (rem % 3) - 1;
                rem /= 3;
                if (delta[a] != 0)
                {
                    moved++;
                }
            }

            if (moved > 0)
            {
                offsets.Add((delta, 1.0 / moved));
            }
        }

        var unknown = new List<int>();
        for (var i = 0; i < positions; i++)
        {
            if (removed[i])
            {
                unknown.Add(i);
            }
        }

        // Sparse rows: for each unknown, its in-grid neighbours with normalised weights.
        var neighbours = new (int Index, double Weight)[unknown.Count][];
        var index = new int[rank];
        for (var u = 0; u < unknown.Count; u++)
        {
            LocalisationMetrics.Unravel(unknown[u], spatial, index);
            var row = new List<(int, double)>();
            double total = 0;
            foreach (var (delta, weight) in offsets)
            {
                var flat = 0;
                var inside = true;
                for (var a = 0; a < rank; a++)
                {
                    var j = index[a] + delta[a];
                    if (j < 0 || j >= spatial[a])
                    {
                        inside = false;
                        break;
                    }

                    flat += j * strides[a];
                }

                if (inside)
                {
                    row.Add((flat, weight));
                    total += weight;
                }
            }

            neighbours[u] = row.Select(r => (r.Item1, r.Item2 / total)).ToArray();
        }

        var result = data.ToArray();
        var rng = new Random(seed);
        var values = new double[positions];
        for (var c = 0; c < channels; c++)
        {
            var offset = c * positions;
            double known = 0;
            var knownCount = 0;
            for (var i = 0; i < positions; i++)
            {
                values[i] = result[offset + i];
                if (!removed[i])
                {
                    known += values[i];
                    knownCount++;
                }
            }

            // Start the iteration from the mean of the known values (everything removed: zeros).
            var start = knownCount > 0 ? known / knownCount : 0;
            foreach (var i in unknown)
            {
                values[i] = start;
            }

            if (knownCount > 0)
            {
                for (var sweep = 0; sweep < 2000; sweep++)
                {
                    double change = 0;
                    double scale = 1e-12;
                    for (var u = 0; u < unknown.Count; u++)
                    {
                        double v = 0;
                        foreach (var (j, w) in neighbours[u])
                        {
                            v += w * values[j];
                        }

                        change = Math.Max(change, Math.Abs(v - values[unknown[u]]));
                        scale = Math.Max(scale, Math.Abs(v));
                        values[unknown[u]] = v;
                    }

                    if (change <= 1e-6 * scale)
                    {
                        break;
                    }
                }
            }

            foreach (var i in unknown)
            {
                result[offset + i] = (float)(values[i] + (NoiseSigma * Gaussian(rng)));
            }
        }

        return result;
    }

    private static double Gaussian(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
