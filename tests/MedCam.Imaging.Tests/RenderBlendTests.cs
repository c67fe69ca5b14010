using MedCam.Imaging.ColorMaps;
using MedCam.Imaging.Rendering;
using MedCam.Imaging.Tests.Rendering;

namespace MedCam.Imaging.Tests;

public class RenderBlendTests
{
    /// <summary>The reference: matplotlib colours, float blend in numpy, rounded.</summary>
    private const string NumpyBlend = """
        import sys
        import numpy as np
        from matplotlib import colormaps
        base = np.fromfile(sys.argv[1], dtype=np.uint8).astype(np.float64)
        cam = np.fromfile(sys.argv[2], dtype="<f4")
        name, opacity, threshold, channels = sys.argv[3], float(sys.argv[4]), np.float32(sys.argv[5]), int(sys.argv[6])
        base = base.reshape(-1, channels)
        if channels == 1:
            base = np.repeat(base, 3, axis=1)
        colour = colormaps[name](cam, bytes=True)[:, :3].astype(np.float64)
        with np.errstate(invalid="ignore"):
            shown = (cam >= threshold)[:, None]
        out = np.where(shown, base * (1 - opacity) + colour * opacity, base)
        np.floor(out + 0.5).astype(np.uint8).tofile(sys.argv[7])
        """;

    private static (byte[] Base, float[] Cam) Inputs(int pixels, int channels, int seed)
    {
        var rng = new Random(seed);
        var b = new byte[pixels * channels];
        rng.NextBytes(b);
        var cam = new float[pixels];
        for (var i = 0; i < pixels; i++)
        {
            cam[i] = (i % 97) switch
            {
                0 => float.NaN,
                1 => -0.3f,
                2 => 1.7f,
                3 => 1f,
                4 => 0.3f, // exactly the threshold: shown
                _ => (float)rng.NextDouble(),
            };
        }

        return (b, cam);
    }

    [Theory]
    [InlineData("jet", 0.45f, 0.3f)]
    [InlineData("viridis", 0.7f, 0f)]
    [InlineData("inferno", 1f, 0.5f)]
    public void BlendOverGray_RandomInputs_WithinOneLevelOfNumpyMatplotlib(string map, float opacity, float threshold)
    {
        const int pixels = 4099; // not a multiple of the vector width: exercises the scalar tail
        var (gray, cam) = Inputs(pixels, 1, 1);
        var ours = new byte[pixels * 3];

        HeatmapBlender.BlendOverGray(gray, cam, ours, new HeatmapStyle { ColorMap = ColorMap.FromName(map), Opacity = opacity, Threshold = threshold });

        AssertWithinOne(Reference(gray, cam, map, opacity, threshold, 1), ours);
    }

    [Fact]
    public void BlendOverRgb_RandomInputs_WithinOneLevelOfNumpyMatplotlib()
    {
        const int pixels = 3001;
        var (rgb, cam) = Inputs(pixels, 3, 2);
        var ours = new byte[pixels * 3];

        HeatmapBlender.BlendOverRgb(rgb, cam, ours, new HeatmapStyle { ColorMap = ColorMap.Jet, Opacity = 0.35f, Threshold = 0.3f });

        AssertWithinOne(Reference(rgb, cam, "jet", 0.35f, 0.3f, 3), ours);
    }

    [Fact]
    public void BlendOverGray_BelowThresholdOrNaN_SourceExactly()
    {
        byte[] gray = [0, 17, 128, 255, 90, 91, 92, 93, 94, 95];
        float[] cam = [0.1f, 0.29999f, float.NaN, -1f, 0f, 0.2f, 0.1f, float.NaN, 0.25f, 0.05f];
        var rgb = new byte[30];

        HeatmapBlender.BlendOverGray(gray, cam, rgb, new HeatmapStyle { Threshold = 0.3f, Opacity = 1f });

        Assert.Equal(gray.SelectMany(g => new[] { g, g, g }).ToArray(), rgb);
    }

    [Fact]
    public void BlendOverGray_OpacityOne_ExactColourMapColours()
    {
        var cam = Enumerable.Range(0, 1031).Select(i => i / 1030f).ToArray();
        var rgb = new byte[cam.Length * 3];

        HeatmapBlender.BlendOverGray(new byte[cam.Length], cam, rgb, new HeatmapStyle { ColorMap = ColorMap.Viridis, Opacity = 1f, Threshold = 0f });

        for (var i = 0; i < cam.Length; i++)
        {
            Assert.Equal(ColorMap.Viridis.Map(cam[i]), new Rgb8(rgb[i * 3], rgb[(i * 3) + 1], rgb[(i * 3) + 2]));
        }
    }

    [Fact]
    public void BlendOverGray_OpacityZero_SourceExactly()
    {
        var (gray, cam) = Inputs(999, 1, 3);
        var rgb = new byte[999 * 3];

        HeatmapBlender.BlendOverGray(gray, cam, rgb, new HeatmapStyle { Opacity = 0f, Threshold = 0f });

        Assert.Equal(gray.SelectMany(g => new[] { g, g, g }).ToArray(), rgb);
    }

    [Fact]
    public void BlendOverRgb_InPlace_SameAsSeparateBuffers()
    {
        var (rgb, cam) = Inputs(777, 3, 4);
        var separate = new byte[rgb.Length];
        var style = new HeatmapStyle { Opacity = 0.5f, Threshold = 0.1f };
        HeatmapBlender.BlendOverRgb(rgb, cam, separate, style);

        HeatmapBlender.BlendOverRgb(rgb, cam, rgb, style);

        Assert.Equal(separate, rgb);
    }

    [Fact]
    public void BlendOverGray_CamOfOtherSize_ErrorSaysResample()
    {
        var ex = Assert.Throws<ArgumentException>(() => HeatmapBlender.BlendOverGray(new byte[10], new float[9], new byte[30], new HeatmapStyle()));

        Assert.Contains("source grid", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void HeatmapStyle_OpacityOutsideUnitRange_Rejected(float opacity)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HeatmapStyle { Opacity = opacity });
    }

    private static byte[] Reference(byte[] source, float[] cam, string map, float opacity, float threshold, int channels)
    {
        using var dir = new RenderTempDir();
        File.WriteAllBytes(dir.File("base.u8"), source);
        var camBytes = new byte[cam.Length * 4];
        Buffer.BlockCopy(cam, 0, camBytes, 0, camBytes.Length);
        File.WriteAllBytes(dir.File("cam.f32"), camBytes);
        RenderPython.Run(
            NumpyBlend,
            ["numpy", "matplotlib"],
            dir.File("base.u8"),
            dir.File("cam.f32"),
            map,
            opacity.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            threshold.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            channels.ToString(System.Globalization.CultureInfo.InvariantCulture),
            dir.File("out.u8"));
        return File.ReadAllBytes(dir.File("out.u8"));
    }

    private static void AssertWithinOne(byte[] expected, byte[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1, $"byte {i} (pixel {i / 3}): reference {expected[i]}, ours {actual[i]}");
        }
    }
}
