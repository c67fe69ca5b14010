namespace MedCam.Imaging.Filters;

/// <summary>
/// The rank Gaussian filter of TAM (xmed-lab, ICCV 2025), N-dimensional. At each position the k×…×k window
/// (reflect padding, whole-sample symmetric as <c>torch.nn.functional.pad(mode="reflect")</c>) is sorted ascending;
/// σ = the window's coefficient of variation (population std / mean); weights over rank offsets
/// r ∈ {−(m−1)/2 … (m−1)/2} are <c>exp(−r²/2σ²)</c>, normalised; the output is the weighted sum of the sorted values.
/// Small variation gives a median-like output, large variation a mean-like one. Where the window mean is ≤ 0 the
/// output is 0 (as the reference defines); σ = 0 (a constant window) gives the median.
/// </summary>
public static class RankGaussianFilter
{
    public static float[] Apply(ReadOnlySpan<float> source, ReadOnlySpan<int> shape, int kernelSize = 3)
    {
        var result = new float[source.Length];
        Apply(source, shape, result, kernelSize);
        return result;
    }

    public static void Apply(ReadOnlySpan<float> source, ReadOnlySpan<int> shape, Span<float> destination, int kernelSize = 3)
    {
        if (kernelSize < 1 || kernelSize % 2 == 0)
        {
            throw new ArgumentException($"The rank Gaussian window must be odd and positive, got {kernelSize}.", nameof(kernelSize));
        }

        var rank = shape.Length;
        long count = 1;
        foreach (var d in shape)
        {
            count *= d;
        }

        if (source.Length != count || destination.Length != count)
        {
            throw new ArgumentException($"Array length does not match shape ({string.Join(", ", shape.ToArray())}).", nameof(source));
        }

        var dims = shape.ToArray();
        var strides = new int[rank];
        var s = 1;
        for (var a = rank - 1; a >= 0; a--)
        {
            strides[a] = s;
            s *= dims[a];
        }

        var m = 1;
        for (var a = 0; a < rank; a++)
        {
            m *= kernelSize;
        }

        var half = kernelSize / 2;
        var window = new float[m];
        var weights = new double[m];
        var index = new int[rank];
        var offset = new int[rank];
        for (long p = 0; p < count; p++)
        {
            // Gather the window.
            for (var w = 0; w < m; w++)
            {
                var rem = w;
                var flat = 0;
                for (var a = rank - 1; a >= 0; a--)
                {
                    offset[a] = (rem % kernelSize) - half;
                    rem /= kernelSize;
                    flat += BoundaryIndex.WholeSample(index[a] + offset[a], dims[a]) * strides[a];
                }

                window[w] = source[flat];
            }

            destination[(int)p] = Reduce(window, weights);

            for (var a = rank - 1; a >= 0; a--)
            {
                if (++index[a] < dims[a])
                {
                    break;
                }

                index[a] = 0;
            }
        }
    }

    private static float Reduce(float[] window, double[] weights)
    {
        var m = window.Length;
        double sum = 0;
        foreach (var v in window)
        {
            sum += v;
        }

        var mean = sum / m;
        if (mean <= 0)
        {
            return 0f;
        }

        double ss = 0;
        foreach (var v in window)
        {
            ss += (v - mean) * (v - mean);
        }

        var sigma = Math.Sqrt(ss / m) / mean;
        Array.Sort(window);
        var centre = (m - 1) / 2.0;
        if (sigma < 1e-12)
        {
            return window[m / 2];
        }

        double wsum = 0;
        for (var i = 0; i < m; i++)
        {
            var r = i - centre;
            weights[i] = Math.Exp(-r * r / (2 * sigma * sigma));
            wsum += weights[i];
        }

        double result = 0;
        for (var i = 0; i < m; i++)
        {
            result += weights[i] / wsum * window[i];
        }

        return (float)result;
    }
}
