using MedCam.Explain.Maps;
using MedCam.Imaging.Resampling;

namespace MedCam.Explain.Tests;

public class MapResamplerTests
{
    [Theory]
    [InlineData(new[] { 4, 8, 8 }, new[] { 16, 32, 32 })]
    [InlineData(new[] { 4, 9, 5 }, new[] { 3, 20, 5 })]
    [InlineData(new[] { 7, 6 }, new[] { 13, 2 })]
    [InlineData(new[] { 5 }, new[] { 17 })]
    [InlineData(new[] { 3, 3 }, new[] { 3, 3 })]
    public void Resize_AnyAxisOrder_EqualsLinearResampler(int[] from, int[] to)
    {
        var rng = new Random(from.Sum() + to.Sum());
        var source = Enumerable.Range(0, from.Aggregate(1, (a, b) => a * b)).Select(_ => (float)rng.NextDouble()).ToArray();
        var want = LinearResampler.Resize(source, from, to);
        var got = new float[want.Length];
        var resampler = new MapResampler();
        resampler.Resize(source, from, got, to);
        InvariantTests.AssertClose(want, got, 1e-6);

        // The scratch buffers are reused: a second call gives the same result.
        var again = new float[want.Length];
        resampler.Resize(source, from, again, to);
        Assert.Equal(got, again);
    }

    [Fact]
    public void MinMaxNormalise_NonFiniteValues_ZeroedThenNormalised()
    {
        float[] map = [1, float.NaN, 3, float.PositiveInfinity, 5, float.NegativeInfinity, 2, 4, 0, 1];
        MapMath.MinMaxNormalise(map);
        InvariantTests.AssertClose(new[] { 0.2f, 0, 0.6f, 0, 1, 0, 0.4f, 0.8f, 0, 0.2f }, map, 1e-6);
    }
}
