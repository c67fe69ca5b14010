using MedCam.Imaging.Rendering;
using MedCam.Imaging.Tests.Rendering;

namespace MedCam.Imaging.Tests;

public class RenderOverlayTests
{
    private static readonly OverlayAnnotations Text = new()
    {
        ModelName = "covid-ct-densenet3d",
        ModelVersion = "1.2.0",
        Method = "Grad-CAM",
        TargetClass = "COVID-19",
        Probability = 0.91,
        Detail = "slice 3/40",
    };

    private static (SourceFrame Source, float[] Cam, byte[] BlendOnly) Ct(int size, HeatmapStyle style)
    {
        var hu = RenderPhantoms.ChestCt(size);
        var cam = RenderPhantoms.Blob(size, size, 0.5, 0.5, 0.2);
        var grey = new byte[size * size];
        Windowing.Apply(hu, grey, VoiWindow.Lung);
        var blend = new byte[size * size * 3];
        HeatmapBlender.BlendOverGray(grey, cam, blend, style);
        return (SourceFrame.Modality(hu, size, size, VoiWindow.Lung), cam, blend);
    }

    [Fact]
    public void Render_Corners512_TextOnlyInCornerBoxesAndUnderFivePercent()
    {
        var style = new HeatmapStyle();
        var (source, cam, blendOnly) = Ct(512, style);

        var frame = OverlayRenderer.Render(source, cam, new OverlayOptions { Heatmap = style, Annotations = Text });

        Assert.Equal((512, 512, 0), (frame.Width, frame.Height, frame.ImageTop));
        Assert.True(frame.BurnedInAnnotation);
        var changed = 0;
        for (var p = 0; p < 512 * 512; p++)
        {
            if (frame.Pixels.AsSpan(p * 3, 3).SequenceEqual(blendOnly.AsSpan(p * 3, 3)))
            {
                continue;
            }

            changed++;
            var (x, y) = (p % 512, p / 512);
            Assert.True(y < 32 || y >= 512 - 20, $"pixel ({x},{y}) changed outside the top and bottom corner rows");
            Assert.True(x < 190 || x >= 512 - 190, $"pixel ({x},{y}) changed between the corner boxes");
        }

        Assert.True(changed > 2000, $"only {changed} pixels carry text: is anything drawn?");
        Assert.True(changed < 512 * 512 / 20, $"{changed} pixels covered: more than 5 % of the image");
    }

    [Fact]
    public void Render_Bands_ImageRowsUntouchedAndFrameTaller()
    {
        var style = new HeatmapStyle { Opacity = 0.6f };
        var (source, cam, blendOnly) = Ct(256, style);
        var options = new OverlayOptions { Heatmap = style, Annotations = Text, Placement = AnnotationPlacement.Bands };

        var frame = OverlayRenderer.Render(source, cam, options);

        Assert.Equal(OverlayRenderer.OutputSize(256, 256, options), (frame.Width, frame.Height));
        Assert.True(frame.ImageTop > 0 && frame.Height > 256 + frame.ImageTop);
        Assert.Equal(blendOnly, frame.Pixels.AsSpan(frame.ImageTop * 256 * 3, 256 * 256 * 3).ToArray());
    }

    [Fact]
    public void Render_NothingToAnnotate_EqualsBlendAndNotBurnedIn()
    {
        var style = new HeatmapStyle();
        var (source, cam, blendOnly) = Ct(128, style);

        var frame = OverlayRenderer.Render(source, cam, new OverlayOptions { Heatmap = style, Disclaimer = null, ShowColorBar = false });

        Assert.False(frame.BurnedInAnnotation);
        Assert.Equal(blendOnly, frame.Pixels);
    }

    [Fact]
    public void Render_DefaultOptions_DisclaimerAlwaysBurnedIn()
    {
        var (source, cam, _) = Ct(128, new HeatmapStyle());

        var frame = OverlayRenderer.Render(source, cam);

        Assert.True(frame.BurnedInAnnotation);
    }

    [Theory]
    [InlineData(256, 1)]
    [InlineData(512, 1)]
    [InlineData(768, 2)]
    [InlineData(1024, 3)]
    [InlineData(2048, 5)]
    public void OutputSize_Bands_BandHeightFollowsAutomaticScale(int size, int expectedScale)
    {
        var options = new OverlayOptions { Annotations = Text, Placement = AnnotationPlacement.Bands };

        var (_, height) = OverlayRenderer.OutputSize(size, size, options);

        // two lines (11 + 9 font rows), box padding 2 x 2 and band margin 2 x 2 font pixels; one line at the bottom.
        var top = ((11 + 9) * expectedScale) + (4 * expectedScale) + (4 * expectedScale);
        var bottom = (9 * expectedScale) + (4 * expectedScale) + (4 * expectedScale);
        Assert.Equal(size + top + bottom, height);
    }

    [Fact]
    public void OutputSize_BandsWithLongerText_SameSizeForEveryFrame()
    {
        var shortText = new OverlayOptions { Annotations = Text with { Detail = "slice 1/120" }, Placement = AnnotationPlacement.Bands };
        var longText = new OverlayOptions
        {
            Annotations = Text with { Detail = "slice 120/120 of a very long series description that cannot fit", ModelName = new string('m', 200) },
            Placement = AnnotationPlacement.Bands,
        };

        Assert.Equal(OverlayRenderer.OutputSize(600, 600, shortText), OverlayRenderer.OutputSize(600, 600, longText));
    }

    [Fact]
    public void Render_NarrowFrameLongNames_TruncatedWithoutTouchingCentre()
    {
        var style = new HeatmapStyle();
        var (source, cam, blendOnly) = Ct(96, style);
        var longText = Text with { ModelName = "an-extremely-long-model-name-that-cannot-fit", Method = "Integrated-Gradients-CAM" };

        var frame = OverlayRenderer.Render(source, cam, new OverlayOptions { Heatmap = style, Annotations = longText });

        var rowBytes = 96 * 3;
        Assert.Equal(blendOnly.AsSpan(30 * rowBytes, 40 * rowBytes).ToArray(), frame.Pixels.AsSpan(30 * rowBytes, 40 * rowBytes).ToArray());
    }

    [Fact]
    public void Render_RgbAndGraySources_SizesKept()
    {
        var gray = SourceFrame.Gray8(RenderPhantoms.UltrasoundSector(320, 240), 320, 240);
        var rgb = SourceFrame.Rgb8(RenderPhantoms.HistologyTile(200), 200, 200);

        var a = OverlayRenderer.Render(gray, RenderPhantoms.Blob(320, 240, 0.5, 0.5, 0.1), new OverlayOptions { Annotations = Text });
        var b = OverlayRenderer.Render(rgb, RenderPhantoms.Blob(200, 200, 0.5, 0.5, 0.1), new OverlayOptions { Annotations = Text });

        Assert.Equal((320, 240, 320 * 240 * 3), (a.Width, a.Height, a.Pixels.Length));
        Assert.Equal((200, 200, 200 * 200 * 3), (b.Width, b.Height, b.Pixels.Length));
    }

    [Fact]
    public void Render_CamOfOtherSize_ErrorSaysResample()
    {
        var (source, _, _) = Ct(64, new HeatmapStyle());

        var ex = Assert.Throws<ArgumentException>(() => OverlayRenderer.Render(source, new float[63 * 64]));

        Assert.Contains("resample", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_IntoCallerBuffer_SameAsAllocatingOverload()
    {
        var (source, cam, _) = Ct(200, new HeatmapStyle());
        var options = new OverlayOptions { Annotations = Text, Placement = AnnotationPlacement.Bands };
        var (w, h) = OverlayRenderer.OutputSize(200, 200, options);
        var buffer = new byte[w * h * 3];

        var burnedIn = OverlayRenderer.Render(source, cam, options, buffer);

        Assert.True(burnedIn);
        Assert.Equal(OverlayRenderer.Render(source, cam, options).Pixels, buffer);
    }

    [Fact]
    public void SourceFrame_WrongSampleCount_ErrorNamesSize()
    {
        var ex = Assert.Throws<ArgumentException>(() => SourceFrame.Rgb8(new byte[10], 2, 2));

        Assert.Contains("12 samples", ex.Message, StringComparison.Ordinal);
    }
}
