using MedCam.Imaging.NumPy;
using MedCam.Imaging.Resampling;

namespace MedCam.Imaging.Tests;

public class ResamplingTests
{
    [Theory]
    [InlineData("linear", new[] { 2, 3, 7 }, new[] { 2, 3, 19 })]
    [InlineData("linear", new[] { 1, 1, 9 }, new[] { 1, 1, 4 })]
    [InlineData("bilinear", new[] { 2, 2, 5, 6 }, new[] { 2, 2, 17, 11 })]
    [InlineData("bilinear", new[] { 1, 1, 1, 1 }, new[] { 1, 1, 8, 8 })]
    [InlineData("bilinear", new[] { 1, 3, 16, 12 }, new[] { 1, 3, 5, 7 })]
    [InlineData("trilinear", new[] { 2, 1, 4, 5, 3 }, new[] { 2, 1, 16, 9, 13 })]
    [InlineData("trilinear", new[] { 1, 2, 8, 8, 8 }, new[] { 1, 2, 3, 32, 5 })]
    public void Resize_MatchesTorchInterpolateAlignCornersFalse(string mode, int[] source, int[] destination)
    {
        var dir = NpyPython.TempDir();
        var rng = new Random(7);
        var n = source.Aggregate(1, (a, b) => a * b);
        var data = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        NpyFile.Write(Path.Combine(dir, "in.npy"), data, source);
        NpyPython.Run("""
import numpy as np, sys, os, torch
d, mode = sys.argv[1], sys.argv[2]
size = tuple(int(s) for s in sys.argv[3].split(','))
x = torch.from_numpy(np.load(os.path.join(d, 'in.npy')))
y = torch.nn.functional.interpolate(x, size=size, mode=mode, align_corners=False)
np.save(os.path.join(d, 'out.npy'), y.numpy())
""", dir, mode, string.Join(",", destination[2..]));
        var expected = NpyFile.Read(Path.Combine(dir, "out.npy"));
        Assert.Equal(destination, expected.Shape);
        var actual = LinearResampler.Resize(data, source, destination);
        var want = expected.ToSingle();
        for (var i = 0; i < want.Length; i++)
        {
            Assert.True(Math.Abs(want[i] - actual[i]) < 1e-5, $"index {i}: torch {want[i]} vs {actual[i]}");
        }
    }

    [Fact]
    public void Resample_FlipAndFill_PlacesValuesAndFillsOutside()
    {
        float[] src = [1, 2, 3, 4];
        var dst = new float[4];
        LinearResampler.Resample(src, [4], dst, [4], [AxisMap.Flip(4)]);
        Assert.Equal(new float[] { 4, 3, 2, 1 }, dst);

        var padded = new float[6];
        LinearResampler.Resample(src, [4], padded, [6], [AxisMap.Shift(-1)], OutsideMode.Fill, -7);
        Assert.Equal(new float[] { -7, 1, 2, 3, 4, -7 }, padded);
    }

    [Fact]
    public void AxisMap_After_ComposesCoordinates()
    {
        var crop = AxisMap.Shift(10);
        var resize = AxisMap.AlignCornersFalse(4, 8);
        var both = crop.After(resize);
        Assert.Equal(crop.Scale * ((resize.Scale * 3) + resize.Offset) + crop.Offset, (both.Scale * 3) + both.Offset, 12);
    }

    [Fact]
    public void Resize_ShapeMismatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => LinearResampler.Resize(new float[5], [2, 2], [4, 4]));
        Assert.Throws<ArgumentException>(() => LinearResampler.Resize(new float[4], [2, 2], [4]));
    }
}
