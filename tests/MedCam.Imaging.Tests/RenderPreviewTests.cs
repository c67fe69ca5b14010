using MedCam.Imaging.ColorMaps;
using MedCam.Imaging.Png;
using MedCam.Imaging.Rendering;
using MedCam.Imaging.Tests.Rendering;

namespace MedCam.Imaging.Tests;

/// <summary>
/// Renders the three source kinds with text and colour bar and keeps the PNGs as test artifacts under
/// the test output folder (render-previews/) so people can look at them; asserts what can be asserted.
/// </summary>
public class RenderPreviewTests
{
    private static readonly string PreviewDir = Path.Combine(AppContext.BaseDirectory, "render-previews");

    private static readonly OverlayAnnotations Annotations = new()
    {
        ModelName = "covid-ct-densenet3d",
        ModelVersion = "1.2.0",
        Method = "Grad-CAM++",
        TargetClass = "COVID-19",
        Probability = 0.934,
        Detail = "slice 57/120",
    };

    [Theory]
    [InlineData("jet", AnnotationPlacement.Corners)]
    [InlineData("viridis", AnnotationPlacement.Corners)]
    [InlineData("inferno", AnnotationPlacement.Bands)]
    public void Render_ChestCtLungWindow_PreviewPngDecodes(string map, AnnotationPlacement placement)
    {
        const int size = 512;
        var source = SourceFrame.Modality(RenderPhantoms.ChestCt(size), size, size, VoiWindow.Lung);
        var cam = RenderPhantoms.Blob(size, size, 0.7, 0.44, 0.07);
        var options = new OverlayOptions
        {
            Heatmap = new HeatmapStyle { ColorMap = ColorMap.FromName(map), Opacity = 0.45f, Threshold = 0.2f },
            Annotations = Annotations,
            Placement = placement,
        };

        var frame = OverlayRenderer.Render(source, cam, options);
        var png = Save($"ct-{map}-{placement.ToString().ToLowerInvariant()}.png", frame);

        Assert.True(frame.BurnedInAnnotation);
        var image = PngDecoder.Decode(png);
        Assert.Equal((frame.Width, frame.Height), (image.Width, image.Height));
        Assert.Equal(frame.Pixels, image.Samples);
    }

    [Fact]
    public void Render_UltrasoundAndHistology_PreviewPngs()
    {
        var us = SourceFrame.Gray8(RenderPhantoms.UltrasoundSector(800, 600), 800, 600);
        var usFrame = OverlayRenderer.Render(us, RenderPhantoms.Blob(800, 600, 0.5, 0.35, 0.06), new OverlayOptions
        {
            Annotations = Annotations with { ModelName = "pocovid-net", Method = "Grad-CAM", TargetClass = "pneumonia", Probability = 0.71, Detail = "frame 14" },
        });
        var histo = SourceFrame.Rgb8(RenderPhantoms.HistologyTile(512), 512, 512);
        var histoFrame = OverlayRenderer.Render(histo, RenderPhantoms.Blob(512, 512, 0.3, 0.6, 0.12), new OverlayOptions
        {
            Heatmap = new HeatmapStyle { ColorMap = ColorMap.Inferno, Opacity = 0.5f, Threshold = 0.3f },
            Annotations = Annotations with { ModelName = "bladder-grader", Method = "Score-CAM", TargetClass = "infiltrative", Probability = 0.88, Detail = null },
            Placement = AnnotationPlacement.Bands,
        });

        Save("us-jet-corners.png", usFrame);
        Save("histology-inferno-bands.png", histoFrame);

        Assert.Equal((800, 600), (usFrame.Width, usFrame.Height));
        Assert.True(histoFrame.Height > 512);
    }

    private static byte[] Save(string name, RenderedFrame frame)
    {
        Directory.CreateDirectory(PreviewDir);
        var png = PngEncoder.EncodeRgb8(frame.Pixels, frame.Width, frame.Height, new PngEncoderOptions
        {
            Text = [new("Software", "MedCam"), new("Comment", "Synthetic phantom. NOT FOR DIAGNOSTIC USE")],
        });
        File.WriteAllBytes(Path.Combine(PreviewDir, name), png);
        return png;
    }
}
