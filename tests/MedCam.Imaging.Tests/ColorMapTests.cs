using System.Globalization;
using MedCam.Imaging.ColorMaps;
using MedCam.Imaging.Tests.Rendering;

namespace MedCam.Imaging.Tests;

public class ColorMapTests
{
    /// <summary>Every built-in table as matplotlib draws it, fetched once for all cases.</summary>
    private static readonly Lazy<Dictionary<string, byte[]>> MatplotlibTables = new(() =>
    {
        var stdout = RenderPython.Run(
            """
            import numpy as np
            from matplotlib import colormaps
            for name in ["jet", "viridis", "inferno", "gray"]:
                rgba = colormaps[name].resampled(256)(np.arange(256), bytes=True)
                print(name, " ".join(str(int(v)) for v in rgba[:, :3].ravel()))
            """,
            ["matplotlib"]);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(parts => parts[0], parts => parts.Skip(1).Select(v => byte.Parse(v, CultureInfo.InvariantCulture)).ToArray());
    });

    [Theory]
    [InlineData("jet")]
    [InlineData("viridis")]
    [InlineData("inferno")]
    [InlineData("gray")]
    public void Lut_ComparedWithMatplotlib_AllEntriesEqual(string name)
    {
        var expected = MatplotlibTables.Value[name];

        Assert.Equal(768, expected.Length);
        Assert.Equal(expected, ColorMap.FromName(name).Lut.ToArray());
    }

    [Fact]
    public void Map_FloatValues_SameColoursAsMatplotlib()
    {
        float[] values = [0f, 0.001f, 0.1f, 0.25f, 0.3333f, 0.5f, 0.49999f, 0.75f, 0.9f, 0.99f, 0.996f, 1f, -0.2f, 1.5f];
        var arg = string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        foreach (var map in new[] { ColorMap.Jet, ColorMap.Viridis, ColorMap.Inferno })
        {
            var stdout = RenderPython.Run(
                """
                import sys
                import numpy as np
                from matplotlib import colormaps
                x = np.array([float(v) for v in sys.argv[2].split(",")], dtype=np.float32)
                rgba = colormaps[sys.argv[1]](x, bytes=True)
                print(" ".join(str(int(v)) for v in rgba[:, :3].ravel()))
                """,
                ["matplotlib"],
                map.Name,
                arg);
            var expected = stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => byte.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var actual = new byte[values.Length * 3];

            map.Map(values, actual);

            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [InlineData(0f, 0)]
    [InlineData(0.5f, 128)]
    [InlineData(1f, 255)]
    [InlineData(0.99999f, 255)]
    [InlineData(-1f, 0)]
    [InlineData(2f, 255)]
    [InlineData(float.NaN, 0)]
    public void IndexOf_Value_MatplotlibIndex(float value, int expected)
    {
        Assert.Equal(expected, ColorMap.IndexOf(value));
    }

    [Fact]
    public void FromName_Unknown_ErrorListsKnownMaps()
    {
        var ex = Assert.Throws<ArgumentException>(() => ColorMap.FromName("rainbow"));

        Assert.Contains("rainbow", ex.Message, StringComparison.Ordinal);
        Assert.Contains("viridis", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Viridis_Ends_KnownPublishedAnchors()
    {
        // viridis is published as #440154 .. #fde725; matplotlib truncates (not rounds) to bytes, hence #fde724.
        Assert.Equal(Rgb8.Parse("#440154"), ColorMap.Viridis[0]);
        Assert.Equal(Rgb8.Parse("#fde724"), ColorMap.Viridis[255]);
    }
}
