namespace MedCam.Pipeline.Synthetic;

/// <summary>
/// Separable Gaussian smoothing of dense row-major fields, used to turn white noise into correlated noise and
/// sharp phantom edges into the blurred edges a scanner's point-spread function gives.
/// </summary>
internal static class NoiseFields
{
    /// <summary>Smooths axis <paramref name="axis"/> of a field of shape <paramref name="shape"/> in place (clamped edges).</summary>
    public static void SmoothAxis(float[] data, int[] shape, int axis, double sigma)
    {
        if (sigma <= 0)
        {
            return;
        }

        var kernel = Kernel(sigma);
        var radius = kernel.Length / 2;
        var n = shape[axis];
        var stride = 1;
        for (var a = shape.Length - 1; a > axis; a--)
        {
            stride *= shape[a];
        }

        var outer = data.Length / (n * stride);
        var line = new float[n];
        for (var o = 0; o < outer; o++)
        {
            for (var s = 0; s < stride; s++)
            {
                var start = o * n * stride + s;
                for (var i = 0; i < n; i++)
                {
                    line[i] = data[start + i * stride];
                }

                for (var i = 0; i < n; i++)
                {
                    var acc = 0f;
                    for (var k = -radius; k <= radius; k++)
                    {
                        var j = Math.Clamp(i + k, 0, n - 1);
                        acc += kernel[k + radius] * line[j];
                    }

                    data[start + i * stride] = acc;
                }
            }
        }
    }

    /// <summary>Smooths every axis with its own sigma (in samples).</summary>
    public static void Smooth(float[] data, int[] shape, params double[] sigmas)
    {
        for (var axis = 0; axis < shape.Length; axis++)
        {
            SmoothAxis(data, shape, axis, sigmas[axis]);
        }
    }

    /// <summary>Correlated Gaussian noise of unit standard deviation.</summary>
    public static float[] Correlated(SyntheticRandom random, int[] shape, params double[] sigmas)
    {
        var length = 1;
        foreach (var s in shape)
        {
            length *= s;
        }

        var field = new float[length];
        random.FillGaussian(field);
        Smooth(field, shape, sigmas);
        Normalise(field);
        return field;
    }

    /// <summary>Rescales to zero mean and unit standard deviation.</summary>
    public static void Normalise(float[] field)
    {
        double sum = 0, sumSq = 0;
        foreach (var v in field)
        {
            sum += v;
            sumSq += (double)v * v;
        }

        var mean = sum / field.Length;
        var sd = Math.Sqrt(Math.Max(sumSq / field.Length - mean * mean, 1e-12));
        for (var i = 0; i < field.Length; i++)
        {
            field[i] = (float)((field[i] - mean) / sd);
        }
    }

    /// <summary>Smooth step from 0 (at <paramref name="edge0"/>) to 1 (at <paramref name="edge1"/>).</summary>
    public static double SmoothStep(double edge0, double edge1, double x)
    {
        var t = Math.Clamp((x - edge0) / (edge1 - edge0), 0, 1);
        return t * t * (3 - 2 * t);
    }

    private static float[] Kernel(double sigma)
    {
        var radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var k = new float[2 * radius + 1];
        double sum = 0;
        for (var i = -radius; i <= radius; i++)
        {
            var w = Math.Exp(-0.5 * i * i / (sigma * sigma));
            k[i + radius] = (float)w;
            sum += w;
        }

        for (var i = 0; i < k.Length; i++)
        {
            k[i] = (float)(k[i] / sum);
        }

        return k;
    }
}
