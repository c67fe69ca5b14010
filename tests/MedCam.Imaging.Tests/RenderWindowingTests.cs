using System.Diagnostics;
using System.Globalization;
using MedCam.Imaging.Png;
using MedCam.Imaging.Rendering;
using MedCam.Imaging.Tests.Rendering;

namespace MedCam.Imaging.Tests;

public class RenderWindowingTests
{
    /// <summary>PS3.3 C.11.2.1.2.1 exactly as written (piecewise, double precision), truncated to 8 bits.</summary>
    private static int Standard(double x, double c, double w)
    {
        if (x <= c - 0.5 - ((w - 1) / 2))
        {
            return 0;
        }

        if (x > c - 0.5 + ((w - 1) / 2))
        {
            return 255;
        }

        return (int)((((x - (c - 0.5)) / (w - 1)) + 0.5) * 255);
    }

    [Theory]
    [InlineData(-600, 1500)]
    [InlineData(50, 350)]
    [InlineData(40, 80)]
    [InlineData(0.5, 2)]
    [InlineData(100, 1)]
    public void Apply_EveryHuFromMinus2000To4000_MatchesStandardPiecewiseFunction(double center, double width)
    {
        var window = new VoiWindow(center, width);
        var values = Enumerable.Range(-2000, 6001).Select(v => (float)v).Concat([-600.25f, 99.5f, 100.5f]).ToArray();
        var vector = new byte[values.Length];

        Windowing.Apply(values, vector, window);

        for (var i = 0; i < values.Length; i++)
        {
            var expected = width == 1 ? (values[i] <= center - 0.5 ? 0 : 255) : Standard(values[i], center, width);
            Assert.True(Math.Abs(expected - vector[i]) <= 1, $"x={values[i]}: standard {expected}, ours {vector[i]}");
            Assert.Equal(Windowing.Apply(values[i], window), vector[i]);
        }
    }

    [Fact]
    public void Apply_ShortWithRescale_SameAsFloatPath()
    {
        var stored = Enumerable.Range(0, 70000).Select(i => (short)((i % 5000) - 100)).ToArray(); // > 32768: table path
        var hu = stored.Select(s => (float)((s * 1.0) - 1024)).ToArray();
        var fromShort = new byte[stored.Length];
        var fromFloat = new byte[stored.Length];

        Windowing.Apply(stored, fromShort, VoiWindow.Mediastinum, 1, -1024);
        Windowing.Apply(hu, fromFloat, VoiWindow.Mediastinum);

        Assert.Equal(fromFloat, fromShort);
    }

    [Theory]
    [InlineData("lung")]
    [InlineData("mediastinum")]
    [InlineData("bone")]
    [InlineData("brain")]
    [InlineData("abdomen")]
    public void Apply_Preset_SameGreyAsDcmtkDcmj2pnm(string preset)
    {
        var window = VoiWindow.Parse(preset);
        using var dir = new RenderTempDir();
        const int size = 256;
        var stored = new ushort[size * size];
        for (var i = 0; i < stored.Length; i++)
        {
            stored[i] = (ushort)(i % 4096); // HU -1024 .. 3071 through Rescale Intercept -1024
        }

        var raw = new byte[stored.Length * 2];
        Buffer.BlockCopy(stored, 0, raw, 0, raw.Length);
        File.WriteAllBytes(dir.File("px.raw"), raw);
        File.WriteAllText(dir.File("ct.txt"), $"""
            (0008,0016) UI =CTImageStorage
            (0008,0018) UI 2.25.1234
            (0008,0060) CS CT
            (0028,0002) US 1
            (0028,0004) CS MONOCHROME2
            (0028,0010) US {size}
            (0028,0011) US {size}
            (0028,0100) US 16
            (0028,0101) US 16
            (0028,0102) US 15
            (0028,0103) US 0
            (0028,1052) DS -1024
            (0028,1053) DS 1
            (7fe0,0010) OW ={dir.File("px.raw")}

            """);
        Dcmtk("dump2dcm", "+te", dir.File("ct.txt"), dir.File("ct.dcm"));
        Dcmtk("dcmj2pnm", "+Ww", F(window.Center), F(window.Width), "+on", dir.File("ct.dcm"), dir.File("ct.png"));
        var dcmtk = PngDecoder.DecodeFile(dir.File("ct.png"));
        var ours = new byte[stored.Length];

        Windowing.Apply(stored.Select(s => (short)s).ToArray(), ours, window, 1, -1024);

        Assert.Equal((1, 8), (dcmtk.Channels, dcmtk.BitDepth));
        var differences = 0;
        for (var i = 0; i < ours.Length; i++)
        {
            var d = Math.Abs(ours[i] - dcmtk.Samples[i]);
            Assert.True(d <= 1, $"HU {stored[i] - 1024}: dcmtk {dcmtk.Samples[i]}, ours {ours[i]}");
            differences += d;
        }

        Assert.True(differences <= ours.Length / 100, $"{differences} pixels differ by one grey level from dcmtk");
    }

    [Theory]
    [InlineData("lung", -600, 1500)]
    [InlineData("W350/L50", 50, 350)]
    [InlineData("40,80", 40, 80)]
    [InlineData("w1800/l400", 400, 1800)]
    public void Parse_PresetOrText_CenterAndWidth(string text, double center, double width)
    {
        var w = VoiWindow.Parse(text);

        Assert.Equal((center, width), (w.Center, w.Width));
    }

    [Fact]
    public void Parse_Garbage_ErrorListsPresets()
    {
        var ex = Assert.Throws<FormatException>(() => VoiWindow.Parse("soft"));

        Assert.Contains("mediastinum", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WidthBelowOne_Rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new VoiWindow(0, 0.5));
    }

    private static string F(double v) => v.ToString(CultureInfo.InvariantCulture);

    private static void Dcmtk(string tool, params string[] args)
    {
        var exe = Path.Combine("/usr/bin", tool);
        if (!File.Exists(exe))
        {
            throw new InvalidOperationException($"{exe} not found: apt-get install -y dcmtk (setup installs it).");
        }

        var psi = new ProcessStartInfo(exe) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{tool} failed: {err.Result} {output}");
    }
}
