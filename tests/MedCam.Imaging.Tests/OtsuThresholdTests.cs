using MedCam.Imaging.Thresholding;

namespace MedCam.Imaging.Tests;

public class OtsuThresholdTests
{
    [Fact]
    public void Compute_TwoClusters_SeparatesThem()
    {
        var values = Enumerable.Repeat(0.1f, 50).Concat(Enumerable.Repeat(0.9f, 30)).Concat([0.12f, 0.85f]).ToArray();
        var t = OtsuThreshold.Compute(values);
        Assert.InRange(t, 0.12f, 0.85f);
        Assert.Equal(31, OtsuThreshold.Mask(values).Count(m => m));
    }

    [Fact]
    public void Compute_HandComputedFourBins()
    {
        // values 0,1,2,3 with counts 1,1,1,5; 4 bins of width 0.75 -> centres 0.375,1.125,1.875,2.625 (min 0, max 3).
        // w1·w2·(μ1−μ2)²: after bin 0: 1·7·(0.375−2.3036)² = 26.04; after bin 1: 2·6·(0.75−2.5)² = 36.75;
        // after bin 2: 3·5·(1.125−2.625)² = 33.75 -> the threshold is bin 1's centre.
        float[] values = [0, 1, 2, 3, 3, 3, 3, 3];
        var t = OtsuThreshold.Compute(values, 4);
        Assert.Equal(1.125f, t, 5);
    }

    [Fact]
    public void Compute_Constant_ReturnsValueAndEmptyMask()
    {
        float[] values = [2, 2, 2];
        Assert.Equal(2f, OtsuThreshold.Compute(values));
        Assert.DoesNotContain(true, OtsuThreshold.Mask(values));
    }
}
