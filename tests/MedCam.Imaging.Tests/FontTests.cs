using MedCam.Imaging.ColorMaps;
using MedCam.Imaging.Fonts;
using MedCam.Imaging.Rendering;

namespace MedCam.Imaging.Tests;

public class FontTests
{
    private static readonly BitmapFont Font = BitmapFont.Default;

    private static string Bits(char c) =>
        string.Concat(Enumerable.Range(0, Font.GlyphHeight * Font.GlyphWidth).Select(i => Font.HasInk(c, i % Font.GlyphWidth, i / Font.GlyphWidth) ? '#' : '.'));

    [Fact]
    public void Default_PrintableAscii_EveryGlyphInkedAndDistinct()
    {
        var printable = Enumerable.Range(33, 94).Select(i => (char)i).ToArray();

        var glyphs = printable.Select(Bits).ToArray();

        Assert.All(glyphs, g => Assert.Contains('#', g));
        Assert.Equal(glyphs.Length, glyphs.Distinct().Count());
        Assert.DoesNotContain('#', Bits(' '));
    }

    [Fact]
    public void HasInk_NonAscii_DrawnAsQuestionMark()
    {
        Assert.Equal(Bits('?'), Bits('é'));
        Assert.Equal(Bits('?'), Bits('\u00b5'));
    }

    [Theory]
    [InlineData("HM", 1)]
    [InlineData("HM", 3)]
    [InlineData("NOT FOR DIAGNOSTIC USE", 2)]
    public void MeasureWidth_DrawnText_EqualsInkExtent(string text, int scale)
    {
        var width = Font.MeasureWidth(text, scale) + 20;
        var height = Font.MeasureHeight(scale) + 20;
        var rgb = new byte[width * height * 3];
        var canvas = new RgbCanvas(rgb, width, height);

        canvas.DrawText(10, 10, text, Rgb8.White, scale);

        var inked = Enumerable.Range(0, width * height).Where(p => rgb[p * 3] != 0).ToArray();
        var minX = inked.Min(p => p % width);
        var maxX = inked.Max(p => p % width);
        var maxY = inked.Max(p => p / width);
        Assert.Equal(10, minX);
        Assert.Equal(Font.MeasureWidth(text, scale), maxX - minX + 1);
        Assert.True(maxY < 10 + Font.MeasureHeight(scale));
    }

    [Fact]
    public void DrawText_ScaleTwo_EachFontPixelIsTwoByTwoBlock()
    {
        const int w = 12, h = 20;
        var rgb = new byte[w * h * 3];
        var canvas = new RgbCanvas(rgb, w, h);

        canvas.DrawText(0, 0, "g", new Rgb8(9, 8, 7), 2);

        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var ink = Font.HasInk('g', x / 2, y / 2);
                Assert.Equal(ink ? new Rgb8(9, 8, 7) : Rgb8.Black, canvas.GetPixel(x, y));
            }
        }
    }

    [Fact]
    public void DrawText_PartlyOutsideFrame_Clipped()
    {
        var rgb = new byte[10 * 10 * 3];
        var canvas = new RgbCanvas(rgb, 10, 10);

        canvas.DrawText(-7, -3, "ABC", Rgb8.White, 3);
        canvas.DrawText(8, 8, "XYZ", Rgb8.White, 3);

        Assert.Contains(rgb, b => b != 0);
    }

    [Fact]
    public void FillRect_HalfOpacity_BlendsTowardsColour()
    {
        var rgb = Enumerable.Repeat((byte)200, 4 * 4 * 3).ToArray();
        var canvas = new RgbCanvas(rgb, 4, 4);

        canvas.FillRect(1, 1, 2, 2, Rgb8.Black, 0.5f);

        Assert.Equal(new Rgb8(100, 100, 100), canvas.GetPixel(1, 1));
        Assert.Equal(new Rgb8(200, 200, 200), canvas.GetPixel(0, 0));
        Assert.Equal(new Rgb8(200, 200, 200), canvas.GetPixel(3, 3));
    }
}
