using MedCam.Imaging.Rendering;
using MedCam.Imaging.Tests.Rendering;

namespace MedCam.Imaging.Tests;

/// <summary>Automatic placement: corners from 256 pixels up, bands on a magnified frame below (issue #7: at 128 px the corner text covered much of the image).</summary>
public class RenderPlacementTests
{
    private static readonly OverlayAnnotations Text = new()
    {
        ModelName = "covid-ct-3d",
        ModelVersion = "1.0.0",
        Method = "Grad-CAM",
        TargetClass = "covid-19",
        Probability = 0.98,
        Detail = "slice 12/64",
    };

    [Theory]
    [InlineData(AnnotationPlacement.Auto, 128, 128, AnnotationPlacement.Bands, 2)]
    [InlineData(AnnotationPlacement.Auto, 96, 200, AnnotationPlacement.Bands, 3)]
    [InlineData(AnnotationPlacement.Auto, 255, 300, AnnotationPlacement.Bands, 2)]
    [InlineData(AnnotationPlacement.Auto, 256, 256, AnnotationPlacement.Corners, 1)]
    [InlineData(AnnotationPlacement.Auto, 512, 384, AnnotationPlacement.Corners, 1)]
    [InlineData(AnnotationPlacement.Bands, 128, 128, AnnotationPlacement.Bands, 1)]
    [InlineData(AnnotationPlacement.Corners, 64, 64, AnnotationPlacement.Corners, 1)]
    public void Resolve_FrameSize_PlacementAndZoom(AnnotationPlacement asked, int width, int height, AnnotationPlacement expected, int zoom)
    {
        Assert.Equal((expected, zoom), AnnotationPlacements.Resolve(asked, width, height));
    }

    [Fact]
    public void Render_AutoOn128_ImageIsThePlainBlendMagnifiedAndNoTextCoversIt()
    {
        const int size = 128;
        var style = new HeatmapStyle();
        var hu = RenderPhantoms.ChestCt(size);
        var cam = RenderPhantoms.Blob(size, size, 0.6, 0.4, 0.15);
        var source = SourceFrame.Modality(hu, size, size, VoiWindow.Lung);
        var plain = OverlayRenderer.Render(source, cam, new OverlayOptions { Heatmap = style, Disclaimer = null, ShowColorBar = false });

        var frame = OverlayRenderer.Render(source, cam, new OverlayOptions { Heatmap = style, Annotations = Text, Placement = AnnotationPlacement.Auto });

        Assert.Equal((2, 2 * size), (frame.Zoom, frame.Width));
        Assert.True(frame.ImageTop > 0 && frame.Height > frame.ImageTop + (2 * size), "text bands above and below the image");
        Assert.Equal((frame.Width, frame.Height), OverlayRenderer.OutputSize(size, size, new OverlayOptions { Annotations = Text, Placement = AnnotationPlacement.Auto }));
        for (var y = 0; y < 2 * size; y++)
        {
            for (var x = 0; x < 2 * size; x++)
            {
                var o = (((frame.ImageTop + y) * frame.Width) + x) * 3;
                var s = (((y / 2) * size) + (x / 2)) * 3;
                Assert.True(frame.Pixels.AsSpan(o, 3).SequenceEqual(plain.Pixels.AsSpan(s, 3)), $"output ({x},{y}) is not source pixel ({x / 2},{y / 2})");
            }
        }
    }
}
