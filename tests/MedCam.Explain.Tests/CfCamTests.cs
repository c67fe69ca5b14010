using MedCam.Explain.Methods;
using MedCam.Explain.Tests.Support;
using MedCam.Imaging.NumPy;

namespace MedCam.Explain.Tests;

public class CfCamTests
{
    [Theory]
    [InlineData(new[] { 7, 9 })]
    [InlineData(new[] { 8, 6 })]
    [InlineData(new[] { 4, 5, 6 })]
    public void EdgePreservingFilter_MatchesAuthorsKernelInTorch(int[] shape)
    {
        var rng = new Random(4);
        var n = shape.Aggregate(1, (a, b) => a * b);
        var g = Enumerable.Range(0, n).Select(_ => (rng.NextDouble() - 0.5) * 0.3).ToArray();
        var dir = Fixtures.TempDir();
        NpyFile.Write(Path.Combine(dir, "g.npy"), NpyArray.FromDouble(g, shape));
        Python.Run(Path.Combine(Fixtures.RepositoryRoot, "tests", "MedCam.Explain.Tests", "reference", "cfcam_filter.py"), Path.Combine(dir, "g.npy"), Path.Combine(dir, "out.npy"));
        var want = NpyFile.Read(Path.Combine(dir, "out.npy")).ToDouble();
        var got = CfCam.EdgePreservingFilter(g, shape);
        for (var i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(want[i] - got[i]) < 1e-6, $"{i}: torch {want[i]} vs {got[i]}");
        }

        // The weight CF-CAM uses is the filtered gradient's mean, computed without the full correlation.
        Assert.Equal(want.Average(), CfCam.EdgePreservingFilterMean(g, shape), 9);
    }

    [Theory]
    [InlineData(new[] { 13 })]
    [InlineData(new[] { 1, 1 })]
    [InlineData(new[] { 16, 12 })]
    [InlineData(new[] { 5, 8, 11 })]
    [InlineData(new[] { 6, 6, 4 })]
    [InlineData(new[] { 2, 3, 4, 5 })]
    public void EdgePreservingFilterMean_AnyRank_EqualsMeanOfFullFilter(int[] shape)
    {
        var rng = new Random(shape.Sum());
        var n = shape.Aggregate(1, (a, b) => a * b);
        var g = Enumerable.Range(0, n).Select(_ => (rng.NextDouble() - 0.3) * 0.4).ToArray();
        var full = CfCam.EdgePreservingFilter(g, shape).Average();
        var mean = CfCam.EdgePreservingFilterMean(g, shape);
        Assert.True(Math.Abs(full - mean) <= 1e-6 * Math.Max(1e-3, Math.Abs(full)), $"full filter mean {full} vs box-sum mean {mean}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(33)]
    [InlineData(1000)]
    public void ChannelDistance_AnyLength_EqualsScalarDoubleLoop(int length)
    {
        var rng = new Random(length);
        var x = Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 10)).ToArray();
        var y = Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 10)).ToArray();
        double squared = 0;
        double norm = 0;
        for (var i = 0; i < length; i++)
        {
            var d = (double)x[i] - y[i];
            squared += d * d;
            norm += (double)x[i] * x[i];
        }

        Assert.Equal(squared, ChannelDistance.SquaredEuclidean(x, y), 1e-9 * Math.Max(1, squared));
        Assert.Equal(norm, ChannelDistance.SumOfSquares(x), 1e-9 * Math.Max(1, norm));
    }

    [Fact]
    public void Dbscan_TwoGroupsAndNoise_SklearnLabels()
    {
        // Points on a line: {0, 0.1, 0.2}, {5, 5.1}, {9}: eps 0.15, min_samples 2 -> clusters 0 and 1, noise.
        double[] x = [0, 0.1, 0.2, 5, 5.1, 9];
        var d = new double[6, 6];
        for (var i = 0; i < 6; i++)
        {
            for (var j = 0; j < 6; j++)
            {
                d[i, j] = Math.Abs(x[i] - x[j]);
            }
        }

        Assert.Equal(new[] { 0, 0, 0, 1, 1, -1 }, Dbscan.Run(d, 0.15, 2));
    }

    [Fact]
    public void Percentile_MatchesNumpyLinear()
    {
        // numpy.percentile([1, 2, 3, 4], 75) = 3.25; 25 -> 1.75.
        Assert.Equal(3.25, CfCam.Percentile([4, 1, 3, 2], 75), 12);
        Assert.Equal(1.75, CfCam.Percentile([4, 1, 3, 2], 25), 12);
    }
}

public class SmoothGradCamPlusPlusTests
{
    [Fact]
    public void Compute_ZeroNoise_EqualsGradCamPlusPlus()
    {
        // Without noise every copy is the input itself: the averaged powers are g, g², g³.
        var model = new ManagedCnn(1, 5, 3, squared: true);
        var input = ManagedCnn.RandomInput(21, 2, 1, 8, 8);
        Explain.Targets.CamTarget[] targets = [Explain.Targets.CamTarget.Class(0), Explain.Targets.CamTarget.Class(2)];
        var smooth = new SmoothGradCamPlusPlus().Compute(model, input, targets, new CamOptions { SmoothNoiseFraction = 0, SmoothSamples = 4, MaxBatch = 3 });
        var plain = new GradCamPlusPlus().Compute(model, input, targets);
        InvariantTests.AssertClose(plain.Maps.Data, smooth.Maps.Data, 1e-5);
    }
}
