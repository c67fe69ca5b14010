using MedCam.Pipeline.Synthetic;

namespace MedCam.Pipeline.Tests;

public class SyntheticHistologyTests
{
    private static readonly HistologyOptions Small = new() { TileSize = 96, TilesAcross = 3, TilesDown = 3 };

    [Fact]
    public void Generate_SameSeed_SameBytes()
    {
        var a = BladderHistologyPhantom.Generate(BladderHistologyGrade.Infiltrative, 8, 2, Small);
        var b = BladderHistologyPhantom.Generate(BladderHistologyGrade.Infiltrative, 8, 2, Small);
        Assert.Equal(a.Levels[0].Rgb, b.Levels[0].Rgb);
        Assert.Equal(a.Levels[1].Rgb, b.Levels[1].Rgb);
        Assert.Equal(a.LesionMask, b.LesionMask);
    }

    [Fact]
    public void Generate_Infiltrative_NestsAreNucleusDenseAndDark()
    {
        var tumour = BladderHistologyPhantom.Generate(BladderHistologyGrade.Infiltrative, 5, 2, Small);
        var normal = BladderHistologyPhantom.Generate(BladderHistologyGrade.NonTumour, 5, 0, Small);
        var nestNuclei = NucleusFraction(tumour, i => tumour.LesionMask[i] == 1);
        var normalTissueNuclei = NucleusFraction(normal, i => normal.TissueMask[i] == 1);
        Assert.True(nestNuclei > 0.3, $"nuclei cover {nestNuclei:P0} of the carcinoma");
        Assert.True(nestNuclei > 3 * normalTissueNuclei, $"carcinoma {nestNuclei:P0} vs benign tissue {normalTissueNuclei:P0}");
        Assert.All(normal.LesionMask, m => Assert.Equal(0, m));
    }

    [Fact]
    public void Generate_Mild_ThickerUrotheliumThanNonTumour()
    {
        var mild = BladderHistologyPhantom.Generate(BladderHistologyGrade.Mild, 6, 1, Small);
        var normal = BladderHistologyPhantom.Generate(BladderHistologyGrade.NonTumour, 6, 0, Small);
        var mildArea = mild.LesionMask.Count(m => m == 1);
        // Non-tumour urothelium = nucleus-rich band under the lumen; count nucleus pixels in the top third instead.
        Assert.True(mildArea > mild.Width * 0.15 * mild.Height, $"mild urothelium covers {mildArea} pixels");
        var mildNuclei = NucleusFraction(mild, i => i < mild.Width * mild.Height / 3 && mild.TissueMask[i] == 1);
        var normalNuclei = NucleusFraction(normal, i => i < normal.Width * normal.Height / 3 && normal.TissueMask[i] == 1);
        Assert.True(mildNuclei > 1.5 * normalNuclei, $"mild {mildNuclei:P0} vs non-tumour {normalNuclei:P0} in the upper third");
    }

    [Fact]
    public void Generate_GlassIsWhiteAndStromaPink()
    {
        var slide = BladderHistologyPhantom.Generate(BladderHistologyGrade.NonTumour, 2, 0, Small);
        var rgb = slide.Levels[0].Rgb;
        double glass = 0, red = 0, green = 0;
        int nGlass = 0, nTissue = 0;
        for (var i = 0; i < slide.TissueMask.Length; i++)
        {
            if (slide.TissueMask[i] == 0)
            {
                glass += (rgb[3 * i] + rgb[3 * i + 1] + rgb[3 * i + 2]) / 3.0;
                nGlass++;
            }
            else
            {
                red += rgb[3 * i];
                green += rgb[3 * i + 1];
                nTissue++;
            }
        }

        Assert.True(glass / nGlass > 235, "glass is near white");
        Assert.True(red / nTissue > green / nTissue + 40, "eosin-stained tissue is pink (red well above green)");
        Assert.InRange(nTissue / (double)slide.TissueMask.Length, 0.5, 0.95);
    }

    [Fact]
    public void Levels_HalveAndTilesCoverTheSlide()
    {
        var slide = BladderHistologyPhantom.Generate(BladderHistologyGrade.Mild, 1, 1, Small);
        Assert.Equal(2, slide.Levels.Count);
        Assert.Equal(288, slide.Width);
        Assert.Equal(144, slide.Levels[1].Width);
        Assert.Equal(0.002, slide.Levels[1].PixelSpacingMm, 9);
        Assert.Equal(3, slide.Levels[0].TilesAcross(96));
        Assert.Equal(2, slide.Levels[1].TilesAcross(96));
        var tile = slide.Levels[0].Tile(96, 1, 1);
        Assert.Equal(slide.Levels[0].Rgb[((96 * 288) + 96) * 3], tile[0]);
        var edge = slide.Levels[1].Tile(96, 1, 1); // partly beyond the level: padded with white glass
        Assert.Equal(255, edge[^1]);
        Assert.Equal(BladderHistologyGrade.Mild, slide.TileGrade(1, 0));
        Assert.Equal(BladderHistologyGrade.NonTumour, slide.TileGrade(1, 2));
    }

    /// <summary>Fraction of pixels dark and blue enough to be haematoxylin-stained nuclei.</summary>
    private static double NucleusFraction(HistologySlide slide, Func<int, bool> where)
    {
        var rgb = slide.Levels[0].Rgb;
        int hits = 0, n = 0;
        for (var i = 0; i < slide.TissueMask.Length; i++)
        {
            if (!where(i))
            {
                continue;
            }

            n++;
            if (rgb[3 * i] < 150 && rgb[3 * i + 2] > rgb[3 * i + 1] + 30)
            {
                hits++;
            }
        }

        return n == 0 ? 0 : hits / (double)n;
    }
}
