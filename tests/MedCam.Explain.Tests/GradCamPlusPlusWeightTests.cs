using MedCam.Explain.Methods;

namespace MedCam.Explain.Tests;

public class GradCamPlusPlusWeightTests
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(5, false)]
    [InlineData(8, false)]
    [InlineData(61, false)]
    [InlineData(61, true)]
    [InlineData(1024, true)]
    public void ChannelWeight_AnyLength_EqualsScalarPaperFormula(int length, bool averaged)
    {
        var rng = new Random(length + (averaged ? 1 : 0));
        var g = Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() - 0.4)).ToArray();
        var g2 = averaged ? g.Select(v => (v * v) + (float)(rng.NextDouble() * 0.01)).ToArray() : [];
        var g3 = averaged ? g.Select(v => v * v * v).ToArray() : [];
        const double sumA = -8.0;
        for (var i = 0; i < length; i += 7)
        {
            // Exact zeros of g, and g = 0.25 where 2g² + (ΣA)·g³ = 0 (the zero denominator counts as 1).
            g[i] = i % 2 == 0 ? 0 : 0.25f;
            if (averaged)
            {
                g2[i] = g[i] * g[i];
                g3[i] = g[i] * g[i] * g[i];
            }
        }

        double want = 0;
        for (var i = 0; i < length; i++)
        {
            double gi = g[i];
            var gi2 = averaged ? g2[i] : gi * gi;
            var gi3 = averaged ? g3[i] : gi * gi * gi;
            if (gi2 == 0 || gi <= 0)
            {
                continue;
            }

            var denominator = (2 * gi2) + (sumA * gi3);
            want += gi2 / (denominator == 0 ? 1 : denominator) * gi;
        }

        var got = GradCamPlusPlus.ChannelWeight(g, g2, g3, sumA);
        Assert.True(double.IsFinite(got));
        Assert.Equal(want, got, 1e-12 * Math.Max(1, Math.Abs(want)));
    }
}
