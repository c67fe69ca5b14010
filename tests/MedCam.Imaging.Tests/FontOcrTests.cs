using MedCam.Imaging.ColorMaps;
using MedCam.Imaging.Fonts;
using MedCam.Imaging.Png;
using MedCam.Imaging.Rendering;
using MedCam.Imaging.Tests.Rendering;

namespace MedCam.Imaging.Tests;

/// <summary>
/// Legibility proven by a reader that is not us: Tesseract OCR (Debian's tesseract-ocr) reads text drawn with the
/// built-in font, after the smoothing a viewer applies when it zooms (bilinear zoom, or a slight blur for big glyphs;
/// Tesseract is trained on anti-aliased type and misreads hard pixel edges).
/// </summary>
public class FontOcrTests
{
    private const string OcrScript = """
        import os, sys, subprocess
        from PIL import Image, ImageFilter
        exe = "/usr/bin/tesseract"
        if not os.path.exists(exe):
            sys.exit(exe + " not found: apt-get install -y tesseract-ocr (setup installs it)")
        src, zoom, blur, psm, out = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
        im = Image.open(src).convert("L")
        if zoom > 1:
            im = im.resize((im.size[0] * zoom, im.size[1] * zoom), Image.BILINEAR)
        if blur > 0:
            im = im.filter(ImageFilter.GaussianBlur(blur))
        im.save(out)
        r = subprocess.run([exe, out, "-", "--psm", psm], capture_output=True, text=True, check=True)
        print(" ".join(r.stdout.split()))
        """;

    [Theory]
    [InlineData("NOT FOR DIAGNOSTIC USE")]
    [InlineData("COVID-19 p=0.93")]
    [InlineData("Grad-CAM slice 57/120")]
    [InlineData("pneumonia healthy bladder")]
    [InlineData("infiltrative non-tumour mild")]
    public void DrawText_ReadByTesseract_SameText(string text)
    {
        const int scale = 4;
        var font = BitmapFont.Default;
        var width = font.MeasureWidth(text, scale) + 80;
        var height = font.MeasureHeight(scale) + 80;
        var rgb = new byte[width * height * 3];
        var canvas = new RgbCanvas(rgb, width, height);
        canvas.FillSolid(0, 0, width, height, Rgb8.White);
        canvas.DrawText(40, 40, text, Rgb8.Black, scale);
        using var dir = new RenderTempDir();
        PngEncoder.WriteFile(dir.File("t.png"), rgb, width, height, PngPixelFormat.Rgb8);

        var read = Ocr(dir, "t.png", zoom: 1, blur: 1.5, psm: 7);

        Assert.Equal(text, read);
    }

    [Fact]
    public void Render_CtFrameAtDefaultScale_AnnotationsReadByTesseractAfterViewerZoom()
    {
        const int size = 512;
        var frame = OverlayRenderer.Render(
            SourceFrame.Modality(RenderPhantoms.ChestCt(size), size, size, VoiWindow.Lung),
            RenderPhantoms.Blob(size, size, 0.7, 0.44, 0.07),
            new OverlayOptions
            {
                Annotations = new OverlayAnnotations
                {
                    ModelName = "covid-ct-densenet3d", ModelVersion = "1.2.0", Method = "Grad-CAM++", TargetClass = "COVID-19", Probability = 0.934,
                },
            });
        using var dir = new RenderTempDir();
        PngEncoder.WriteFile(dir.File("f.png"), frame.Pixels, frame.Width, frame.Height, PngPixelFormat.Rgb8);

        var read = Ocr(dir, "f.png", zoom: 3, blur: 0, psm: 11);

        Assert.Contains("covid-ct-densenet3d 1.2.0", read, StringComparison.Ordinal);
        Assert.Contains("Grad-CAM++", read, StringComparison.Ordinal);
        Assert.Contains("COVID-19 p=0.93", read, StringComparison.Ordinal);
        Assert.Contains("NOT FOR DIAGNOSTIC USE", read, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_128PixelFrameAutoPlacement_EveryLineReadByTesseractUncut()
    {
        // A 128-pixel CT slice (the sample studies): Auto puts the text in bands on a frame magnified twice.
        const int size = 128;
        var frame = OverlayRenderer.Render(
            SourceFrame.Modality(RenderPhantoms.ChestCt(size), size, size, VoiWindow.Lung),
            RenderPhantoms.Blob(size, size, 0.7, 0.44, 0.07),
            new OverlayOptions
            {
                Placement = AnnotationPlacement.Auto,
                Annotations = new OverlayAnnotations
                {
                    ModelName = "covid-ct-3d", ModelVersion = "1.0.0", Method = "Grad-CAM", TargetClass = "covid-19", Probability = 0.977, Detail = "slice 12/64",
                },
            });
        using var dir = new RenderTempDir();
        PngEncoder.WriteFile(dir.File("f.png"), frame.Pixels, frame.Width, frame.Height, PngPixelFormat.Rgb8);

        // Viewer zoom 2x; the bands read as one uniform block of text (page segmentation mode 6).
        var read = Ocr(dir, "f.png", zoom: 2, blur: 0, psm: 6);

        Assert.Equal(256, frame.Width);
        Assert.Contains("covid-ct-3d 1.0.0", read, StringComparison.Ordinal);
        Assert.Contains("Grad-CAM", read, StringComparison.Ordinal);
        Assert.Contains("covid-19 p=0.98", read, StringComparison.Ordinal);
        Assert.Contains("slice 12/64", read, StringComparison.Ordinal);
        Assert.Contains("NOT FOR DIAGNOSTIC USE", read, StringComparison.Ordinal);
        Assert.DoesNotContain("...", read, StringComparison.Ordinal);
    }

    private static string Ocr(RenderTempDir dir, string png, int zoom, double blur, int psm) =>
        RenderPython.Run(
            OcrScript,
            ["PIL"],
            dir.File(png),
            zoom.ToString(System.Globalization.CultureInfo.InvariantCulture),
            blur.ToString(System.Globalization.CultureInfo.InvariantCulture),
            psm.ToString(System.Globalization.CultureInfo.InvariantCulture),
            dir.File("ocr-input.png")).Trim();
}
