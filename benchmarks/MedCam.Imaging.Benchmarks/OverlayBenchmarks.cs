using BenchmarkDotNet.Attributes;
using MedCam.Imaging.ColorMaps;
using MedCam.Imaging.Fonts;
using MedCam.Imaging.Rendering;

namespace MedCam.Imaging.Benchmarks;

/// <summary>
/// A 512 x 512 CT slice: lung window + heatmap blend + colour bar + four text blocks, against a straightforward
/// per-pixel implementation (double maths, a colour lookup per pixel, no tables or vectors) as the baseline.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
[MinColumn]
public class OverlayBenchmarks
{
    private const int Size = 512;
    private float[] _hu = [];
    private float[] _cam = [];
    private byte[] _output = [];
    private OverlayOptions _options = OverlayOptions.Default;

    [GlobalSetup]
    public void Setup()
    {
        _hu = Phantom.Ct(Size);
        _cam = Phantom.Cam(Size);
        _output = new byte[Size * Size * 3];
        _options = new OverlayOptions
        {
            Heatmap = new HeatmapStyle { ColorMap = ColorMap.Jet, Opacity = 0.4f, Threshold = 0.2f },
            Annotations = new OverlayAnnotations
            {
                ModelName = "covid-ct-densenet3d",
                ModelVersion = "1.2.0",
                Method = "Grad-CAM++",
                TargetClass = "COVID-19",
                Probability = 0.93,
                Detail = "slice 57/120",
            },
        };
    }

    [Benchmark(Baseline = true)]
    public byte[] NaivePerPixel()
    {
        var w = VoiWindow.Lung;
        const double opacity = 0.4;
        for (var p = 0; p < _hu.Length; p++)
        {
            var y = (((_hu[p] - (w.Center - 0.5)) / (w.Width - 1)) + 0.5) * 255;
            var g = Math.Clamp(y, 0, 255);
            var c = _cam[p];
            if (c >= 0.2f)
            {
                var colour = ColorMap.Jet.Map(c);
                _output[p * 3] = (byte)Math.Round((g * (1 - opacity)) + (colour.R * opacity));
                _output[(p * 3) + 1] = (byte)Math.Round((g * (1 - opacity)) + (colour.G * opacity));
                _output[(p * 3) + 2] = (byte)Math.Round((g * (1 - opacity)) + (colour.B * opacity));
            }
            else
            {
                _output[p * 3] = _output[(p * 3) + 1] = _output[(p * 3) + 2] = (byte)g;
            }
        }

        NaiveText(_output, 4, 4, "covid-ct-densenet3d 1.2.0");
        NaiveText(_output, 4, 15, "Grad-CAM++");
        NaiveText(_output, 420, 4, "COVID-19 p=0.93");
        NaiveText(_output, 4, 500, "NOT FOR DIAGNOSTIC USE");
        return _output;
    }

    [Benchmark]
    public bool OverlayRendererCorners() =>
        OverlayRenderer.Render(SourceFrame.Modality(_hu, Size, Size, VoiWindow.Lung), _cam, _options, _output);

    [Benchmark]
    public void WindowingOnly() => Windowing.Apply(_hu, _output.AsSpan(0, Size * Size), VoiWindow.Lung);

    private static void NaiveText(byte[] rgb, int x, int y, string text)
    {
        var font = BitmapFont.Default;
        for (var i = 0; i < text.Length; i++)
        {
            for (var r = 0; r < font.GlyphHeight; r++)
            {
                for (var c = 0; c < font.GlyphWidth; c++)
                {
                    if (font.HasInk(text[i], c, r))
                    {
                        var o = (((y + r) * Size) + x + (i * font.Advance) + c) * 3;
                        rgb[o] = rgb[o + 1] = rgb[o + 2] = 255;
                    }
                }
            }
        }
    }
}
