using MedCam.Pipeline.Synthetic;

namespace MedCam.Pipeline.Tests;

public class SyntheticChestCtTests
{
    // Small but whole-chest geometry: 32 slices x 10 mm cover apex to diaphragm.
    private static readonly ChestCtOptions Small = new() { Matrix = 96, Slices = 32, SliceSpacingMm = 10 };

    [Fact]
    public void Generate_SameSeed_SameBytes()
    {
        var a = ChestCtPhantom.Generate(ChestCtFinding.Covid19, 5, 3, Small);
        var b = ChestCtPhantom.Generate(ChestCtFinding.Covid19, 5, 3, Small);
        Assert.Equal(a.Hu, b.Hu);
        Assert.Equal(a.LesionMask, b.LesionMask);
    }

    [Fact]
    public void Generate_DifferentSeed_DifferentImage()
    {
        var a = ChestCtPhantom.Generate(ChestCtFinding.Normal, 5, 0, Small);
        var b = ChestCtPhantom.Generate(ChestCtFinding.Normal, 6, 0, Small);
        Assert.NotEqual(a.Hu, b.Hu);
    }

    [Fact]
    public void Generate_Normal_LungsAirBoneAndNoLesion()
    {
        var v = ChestCtPhantom.Generate(ChestCtFinding.Normal, 11, 0, Small);
        Assert.All(v.LesionMask, m => Assert.Equal(0, m));
        var lung = Mean(v, v.LungMask, 1);
        Assert.InRange(lung, -900, -650); // aerated lung with vessels and gravity-dependent density
        Assert.InRange(v.Hu[0], -1100, -900); // corner of the field of view: air
        Assert.True(v.Hu.Count(h => h > 600) > 100, "ribs, spine and sternum give bone above 600 HU");
        var lungFraction = v.LungMask.Count(m => m == 1) / (double)v.LungMask.Length;
        Assert.InRange(lungFraction, 0.05, 0.35);
    }

    [Fact]
    public void Generate_Covid19_BilateralGroundGlassInsideMask()
    {
        var v = ChestCtPhantom.Generate(ChestCtFinding.Covid19, 21, 0, Small);
        var inside = Mean(v, v.LesionMask, 1);
        var healthyLung = MeanWhere(v, i => v.LungMask[i] == 1 && v.LesionMask[i] == 0);
        Assert.InRange(inside, -720, -200); // ground glass, some with consolidated cores
        Assert.True(inside - healthyLung > 200, $"GGO {inside:F0} HU vs lung {healthyLung:F0} HU");
        var (left, right) = Sides(v);
        Assert.True(left > 0 && right > 0, $"bilateral: left {left}, right {right} voxels");
    }

    [Fact]
    public void Generate_OtherPneumonia_UnilateralDenseConsolidation()
    {
        var v = ChestCtPhantom.Generate(ChestCtFinding.OtherPneumonia, 31, 1, Small);
        var inside = Mean(v, v.LesionMask, 1);
        Assert.InRange(inside, -250, 80); // consolidation 0..+50 HU, air bronchograms pull it down a little
        var (left, right) = Sides(v);
        Assert.True(Math.Min(left, right) == 0 && Math.Max(left, right) > 500, $"unilateral: left {left}, right {right}");
    }

    [Fact]
    public void Generate_Geometry_MatchesOptions()
    {
        var v = ChestCtPhantom.Generate(ChestCtFinding.Normal, 1, 0, Small);
        Assert.Equal(new[] { 32, 96, 96 }, v.Shape);
        Assert.Equal(360.0 / 96, v.PixelSpacingMm[0], 9);
        Assert.Equal(10, v.SliceSpacingMm);
        Assert.Equal(new double[] { 1, 0, 0, 0, 1, 0 }, v.Orientation);
        // Centred field of view, slices from inferior to superior.
        Assert.Equal(-v.Origin[0], v.Origin[0] + 95 * v.PixelSpacingMm[1], 9);
        Assert.Equal(-v.Origin[2], v.PositionOfSlice(31)[2], 9);
        Assert.True(v.PositionOfSlice(1)[2] > v.PositionOfSlice(0)[2]);
    }

    [Fact]
    public void Options_OutOfRange_ClearError()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ChestCtPhantom.Generate(ChestCtFinding.Normal, 1, 0, new ChestCtOptions { Matrix = 8 }));
        Assert.Contains("Matrix", error.Message, StringComparison.Ordinal);
    }

    private static double Mean(ChestCtVolume v, byte[] mask, byte value) => MeanWhere(v, i => mask[i] == value);

    private static double MeanWhere(ChestCtVolume v, Func<int, bool> where)
    {
        double sum = 0;
        var n = 0;
        for (var i = 0; i < v.Hu.Length; i++)
        {
            if (where(i))
            {
                sum += v.Hu[i];
                n++;
            }
        }

        Assert.True(n > 0, "the region is empty");
        return sum / n;
    }

    /// <summary>Lesion voxels in the patient's left (image right, +x) and right (image left) halves.</summary>
    private static (int Left, int Right) Sides(ChestCtVolume v)
    {
        int left = 0, right = 0;
        for (var i = 0; i < v.LesionMask.Length; i++)
        {
            if (v.LesionMask[i] == 1)
            {
                if (i % v.Columns >= v.Columns / 2)
                {
                    left++;
                }
                else
                {
                    right++;
                }
            }
        }

        return (left, right);
    }
}
