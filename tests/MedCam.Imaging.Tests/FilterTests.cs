using MedCam.Imaging.Filters;
using MedCam.Imaging.NumPy;

namespace MedCam.Imaging.Tests;

public class FilterTests
{
    [Theory]
    [InlineData(new[] { 31 }, new[] { 1.5 })]
    [InlineData(new[] { 12, 17 }, new[] { 1.0, 2.5 })]
    [InlineData(new[] { 6, 9, 11 }, new[] { 0.0, 1.2, 0.7 })]
    [InlineData(new[] { 3, 5, 40 }, new[] { 2.0, 0.5, 3.0 })]
    public void Gaussian_MatchesScipyNdimage(int[] shape, double[] sigmas)
    {
        var dir = NpyPython.TempDir();
        var rng = new Random(3);
        var n = shape.Aggregate(1, (a, b) => a * b);
        var data = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
        NpyFile.Write(Path.Combine(dir, "in.npy"), data, shape);
        NpyPython.Run("""
import numpy as np, sys, os
from scipy import ndimage
d = sys.argv[1]
s = [float(v) for v in sys.argv[2].split(',')]
x = np.load(os.path.join(d, 'in.npy')).astype(np.float64)
np.save(os.path.join(d, 'out.npy'), ndimage.gaussian_filter(x, s, mode='reflect', truncate=4.0))
""", dir, string.Join(",", sigmas.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var want = NpyFile.Read(Path.Combine(dir, "out.npy")).ToSingle();
        var got = GaussianFilter.Apply(data, shape, sigmas);
        for (var i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(want[i] - got[i]) < 1e-5, $"{i}: scipy {want[i]} vs {got[i]}");
        }
    }

    [Fact]
    public void RankGaussian_HandComputedWindow()
    {
        // 1-D, k = 3: at index 1 the window is {0, 3, 9}: mean 4, std sqrt(14), σ = sqrt(14)/4.
        float[] x = [0, 3, 9, 9];
        var y = RankGaussianFilter.Apply(x, [4]);
        var sigma = Math.Sqrt(14.0) / 4;
        var w = new[] { Math.Exp(-1 / (2 * sigma * sigma)), 1.0, Math.Exp(-1 / (2 * sigma * sigma)) };
        var expected = ((w[0] * 0) + (w[1] * 3) + (w[2] * 9)) / w.Sum();
        Assert.Equal(expected, y[1], 5);

        // Index 3 with reflect padding (whole-sample): window {9, 9, 9}: constant -> 9.
        Assert.Equal(9f, y[3]);
    }

    [Fact]
    public void RankGaussian_NonPositiveMean_GivesZero()
    {
        float[] x = [-1, -2, 0, -3, 1, -4, 0, 0, -1];
        var y = RankGaussianFilter.Apply(x, [3, 3]);
        Assert.Equal(0f, y[0]);
        Assert.All(y, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void RankGaussian_ImpulseIsSuppressedLikeMedian()
    {
        // A lone spike: low mean-relative variation in flat regions, the spike's window is mean-like, not a copy.
        var x = new float[9 * 9 * 9];
        Array.Fill(x, 1f);
        x[(4 * 81) + (4 * 9) + 4] = 100f;
        var y = RankGaussianFilter.Apply(x, [9, 9, 9]);
        Assert.True(y[(4 * 81) + (4 * 9) + 4] < 100f);
        Assert.Equal(1f, y[0]);
    }
}
