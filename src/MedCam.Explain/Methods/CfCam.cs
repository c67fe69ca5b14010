using MedCam.Explain.Maps;

namespace MedCam.Explain.Methods;

/// <summary>
/// CF-CAM (He, Pan, Yao 2025, arXiv 2504.00060). Only the abstract is public; MedCam follows the authors' released
/// code (jerryp-hfut/CF-CAM, cfcam.py), made N-dimensional:
/// 1. A and g at the layer as Grad-CAM.
/// 2. Channels whose activation L2 norm ≥ the 75th percentile (linear interpolation, numpy's default) are important:
///    they keep their raw gradient and their weight is its spatial mean.
/// 3. The other channels' flattened activations are clustered with DBSCAN: eps = 25th percentile of all off-diagonal
///    pairwise Euclidean distances (each pair counted twice, as the authors' full matrix does; floor 1e-5),
///    min_samples = max(2, ⌊0.05 · N_remaining⌋), neighbourhoods include the point itself (sklearn semantics);
///    noise channels are discarded.
/// 4. Per cluster the mean gradient G is filtered with the authors' "bilateral" kernel: a kernel the size of the
///    layer grid, centred at n/2 on each axis, weight exp(−|q − n/2|² / 2σ_s²) · exp(−(G(q) − mean G)² / 2σ_r²)
///    (σ_s = 5 positions, σ_r = 0.1), divided by (its sum + 1e-6), applied as a zero-padded "same" correlation
///    (torch conv2d padding='same'); each member channel takes that filtered gradient, weight = its mean.
/// 5. L = ReLU(Σ softmax(w)_k A^k) over kept channels; resample; divide by the max (not min-max).
/// </summary>
public sealed class CfCam : CamMethod
{
    private const double SigmaSpatial = 5.0;
    private const double SigmaRange = 0.1;

    public override string Name => "cfcam";

    protected override bool NormaliseByMaxOnly => true;

    protected override void LayerMap(LayerContext context, Span<float> map)
    {
        ArgumentNullException.ThrowIfNull(context);
        var a = context.Activations.Span;
        var g = context.Gradients.Span;
        var c = context.Channels;
        var z = context.Positions;

        var norms = new double[c];
        for (var k = 0; k < c; k++)
        {
            norms[k] = Math.Sqrt(ChannelDistance.SumOfSquares(a.Slice(k * z, z)));
        }

        var threshold = Percentile(norms, 75);
        var important = Enumerable.Range(0, c).Where(k => norms[k] >= threshold).ToArray();
        var remaining = Enumerable.Range(0, c).Where(k => norms[k] < threshold).ToArray();

        var kept = new List<int>();
        var weights = new List<double>();
        foreach (var k in important)
        {
            kept.Add(k);
            weights.Add(Mean(g.Slice(k * z, z)));
        }

        if (remaining.Length > 0)
        {
            var labels = Cluster(a, z, remaining);
            var clusters = labels.Where(l => l >= 0).Distinct().Order().ToArray();
            foreach (var cluster in clusters)
            {
                var members = remaining.Where((_, i) => labels[i] == cluster).ToArray();
                var meanGradient = new double[z];
                foreach (var k in members)
                {
                    var gk = g.Slice(k * z, z);
                    for (var i = 0; i < z; i++)
                    {
                        meanGradient[i] += gk[i];
                    }
                }

                for (var i = 0; i < z; i++)
                {
                    meanGradient[i] /= members.Length;
                }

                // Only the spatial mean of the filtered gradient is used (it is the weight): computed from box sums
                // in O(Z) instead of the O(Z²) full-grid correlation.
                var w = EdgePreservingFilterMean(meanGradient, context.LayerShape);
                foreach (var k in members)
                {
                    kept.Add(k);
                    weights.Add(w);
                }
            }
        }

        // Softmax of the kept channels' weights.
        var max = weights.Count == 0 ? 0 : weights.Max();
        var exp = weights.Select(w => Math.Exp(w - max)).ToArray();
        var sum = exp.Sum();
        map.Clear();
        for (var j = 0; j < kept.Count; j++)
        {
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(a.Slice(kept[j] * z, z), (float)(exp[j] / sum), map, map);
        }
    }

    /// <summary>numpy.percentile with linear interpolation.</summary>
    internal static double Percentile(IReadOnlyList<double> values, double percent)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return 0;
        }

        var position = percent / 100.0 * (sorted.Length - 1);
        var lo = (int)Math.Floor(position);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((position - lo) * (sorted[hi] - sorted[lo]));
    }

    internal static int[] Cluster(ReadOnlySpan<float> a, int z, int[] channels)
    {
        var n = channels.Length;
        var distance = new double[n, n];
        var all = new List<double>(n * n);
        for (var i = 0; i < n; i++)
        {
            var ai = a.Slice(channels[i] * z, z);
            for (var j = i + 1; j < n; j++)
            {
                distance[i, j] = distance[j, i] = Math.Sqrt(ChannelDistance.SquaredEuclidean(ai, a.Slice(channels[j] * z, z)));
                all.Add(distance[i, j]);
                all.Add(distance[i, j]);
            }
        }

        var eps = Math.Max(all.Count == 0 ? 0 : Percentile(all, 25), 1e-5);
        var minSamples = Math.Max(2, (int)(n * 0.05));
        return Dbscan.Run(distance, eps, minSamples);
    }

    /// <summary>The authors' cluster kernel (grid-sized, normalised by its sum + 1e-6) for the mean gradient G.</summary>
    private static double[] EdgePreservingKernel(double[] gradient, int[] shape)
    {
        var z = gradient.Length;
        var rank = shape.Length;
        var mean = gradient.Average();
        var kernel = new double[z];
        var index = new int[rank];
        double sum = 0;
        for (var p = 0; p < z; p++)
        {
            double d2 = 0;
            for (var ax = 0; ax < rank; ax++)
            {
                var d = index[ax] - (shape[ax] / 2.0);
                d2 += d * d;
            }

            var dev = gradient[p] - mean;
            kernel[p] = Math.Exp(-d2 / (2 * SigmaSpatial * SigmaSpatial)) * Math.Exp(-(dev * dev) / (2 * SigmaRange * SigmaRange));
            sum += kernel[p];
            Increment(index, shape);
        }

        for (var p = 0; p < z; p++)
        {
            kernel[p] /= sum + 1e-6;
        }

        return kernel;
    }

    /// <summary>
    /// The spatial mean of <see cref="EdgePreservingFilter"/>'s output without computing it. Summing the zero-padded
    /// "same" correlation over every output position gives Σ_j K[j] · (sum of G over the box that tap j reaches),
    /// the box being [max(0, d), min(n, n + d)) per axis with d = j − ⌊(n − 1)/2⌋; each box sum comes from a summed-area
    /// table by inclusion–exclusion (2^rank corners). Exact up to rounding (double throughout), O(Z · 2^rank) instead of
    /// O(Z²): 16×32×32 layers go from ~2.7·10⁸ multiply-adds to ~1.3·10⁵ table reads.
    /// </summary>
    internal static double EdgePreservingFilterMean(double[] gradient, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        ArgumentNullException.ThrowIfNull(shape);
        var z = gradient.Length;
        if (z == 0)
        {
            return 0;
        }

        var kernel = EdgePreservingKernel(gradient, shape);
        var table = SummedAreaTable(gradient, shape, out var tableStrides);
        var rank = shape.Length;
        var corners = 1 << rank;
        var tap = new int[rank];
        var lo = new int[rank];
        var hi = new int[rank];
        double total = 0;
        for (var q = 0; q < z; q++, Increment(tap, shape))
        {
            var empty = false;
            for (var ax = 0; ax < rank; ax++)
            {
                var d = tap[ax] - ((shape[ax] - 1) / 2);
                lo[ax] = Math.Max(0, d);
                hi[ax] = Math.Min(shape[ax], shape[ax] + d);
                empty |= lo[ax] >= hi[ax];
            }

            if (empty)
            {
                continue;
            }

            double box = 0;
            for (var corner = 0; corner < corners; corner++)
            {
                var offset = 0;
                var lowCorners = 0;
                for (var ax = 0; ax < rank; ax++)
                {
                    if ((corner & (1 << ax)) != 0)
                    {
                        offset += hi[ax] * tableStrides[ax];
                    }
                    else
                    {
                        offset += lo[ax] * tableStrides[ax];
                        lowCorners++;
                    }
                }

                box += (lowCorners & 1) == 0 ? table[offset] : -table[offset];
            }

            total += kernel[q] * box;
        }

        return total / z;
    }

    /// <summary>S[i] = Σ_{m &lt; i} G[m] per axis (inclusive prefix sums on a grid one larger per axis, zero first row).</summary>
    private static double[] SummedAreaTable(double[] gradient, int[] shape, out int[] strides)
    {
        var rank = shape.Length;
        var extended = shape.Select(n => n + 1).ToArray();
        strides = new int[rank];
        var size = 1;
        for (var ax = rank - 1; ax >= 0; ax--)
        {
            strides[ax] = size;
            size *= extended[ax];
        }

        var table = new double[size];
        var index = new int[rank];
        for (var p = 0; p < gradient.Length; p++, Increment(index, shape))
        {
            var offset = 0;
            for (var ax = 0; ax < rank; ax++)
            {
                offset += (index[ax] + 1) * strides[ax];
            }

            table[offset] = gradient[p];
        }

        // Cumulative sum along each axis in turn.
        for (var ax = 0; ax < rank; ax++)
        {
            var stride = strides[ax];
            for (var offset = 0; offset < size; offset++)
            {
                var position = offset / stride % extended[ax];
                if (position > 0)
                {
                    table[offset] += table[offset - stride];
                }
            }
        }

        return table;
    }

    internal static double[] EdgePreservingFilter(double[] gradient, int[] shape)
    {
        var z = gradient.Length;
        var rank = shape.Length;
        var kernel = EdgePreservingKernel(gradient, shape);

        // "same" correlation with zero padding: out[i] = Σ_j K[j] · G[i + j − left], left = (n − 1) / 2 per axis.
        // For each kernel tap j, the valid output box gets K[j] times the shifted gradient, one contiguous run of
        // the last axis at a time (vectorised multiply-add).
        var strides = new int[rank];
        var s = 1;
        for (var ax = rank - 1; ax >= 0; ax--)
        {
            strides[ax] = s;
            s *= shape[ax];
        }

        var source = gradient.Select(v => (float)v).ToArray();
        var output = new float[z];
        var last = rank - 1;
        var tap = new int[rank];
        var lo = new int[rank];
        var hi = new int[rank];
        var row = new int[rank];
        for (var q = 0; q < z; q++, Increment(tap, shape))
        {
            var w = (float)kernel[q];
            if (w == 0)
            {
                continue;
            }

            var empty = false;
            var shift = 0;
            for (var ax = 0; ax < rank; ax++)
            {
                var d = tap[ax] - ((shape[ax] - 1) / 2);
                lo[ax] = Math.Max(0, -d);
                hi[ax] = Math.Min(shape[ax], shape[ax] - d);
                empty |= lo[ax] >= hi[ax];
                shift += d * strides[ax];
            }

            if (empty)
            {
                continue;
            }

            var length = hi[last] - lo[last];
            for (var ax = 0; ax < last; ax++)
            {
                row[ax] = lo[ax];
            }

            while (true)
            {
                var start = lo[last];
                for (var ax = 0; ax < last; ax++)
                {
                    start += row[ax] * strides[ax];
                }

                var target = output.AsSpan(start, length);
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(source.AsSpan(start + shift, length), w, target, target);

                var ax2 = last - 1;
                for (; ax2 >= 0; ax2--)
                {
                    if (++row[ax2] < hi[ax2])
                    {
                        break;
                    }

                    row[ax2] = lo[ax2];
                }

                if (ax2 < 0)
                {
                    break;
                }
            }
        }

        return output.Select(v => (double)v).ToArray();
    }

    private static double Mean(ReadOnlySpan<float> values)
    {
        double s = 0;
        foreach (var v in values)
        {
            s += v;
        }

        return values.Length == 0 ? 0 : s / values.Length;
    }

    private static void Increment(int[] index, int[] shape)
    {
        for (var ax = index.Length - 1; ax >= 0; ax--)
        {
            if (++index[ax] < shape[ax])
            {
                return;
            }

            index[ax] = 0;
        }
    }
}

/// <summary>DBSCAN (Ester et al. 1996) on a precomputed distance matrix, sklearn's conventions: labels 0.. in order of discovery, −1 noise.</summary>
internal static class Dbscan
{
    public static int[] Run(double[,] distance, double eps, int minSamples)
    {
        var n = distance.GetLength(0);
        var neighbours = new List<int>[n];
        for (var i = 0; i < n; i++)
        {
            neighbours[i] = [];
            for (var j = 0; j < n; j++)
            {
                if (distance[i, j] <= eps)
                {
                    neighbours[i].Add(j);
                }
            }
        }

        var core = neighbours.Select(nb => nb.Count >= minSamples).ToArray();
        var labels = Enumerable.Repeat(-1, n).ToArray();
        var next = 0;
        for (var i = 0; i < n; i++)
        {
            if (labels[i] != -1 || !core[i])
            {
                continue;
            }

            var stack = new Stack<int>();
            stack.Push(i);
            labels[i] = next;
            while (stack.Count > 0)
            {
                var p = stack.Pop();
                if (!core[p])
                {
                    continue;
                }

                foreach (var q in neighbours[p])
                {
                    if (labels[q] == -1)
                    {
                        labels[q] = next;
                        stack.Push(q);
                    }
                }
            }

            next++;
        }

        return labels;
    }
}
