using MedCam.Imaging.Resampling;
using MedCam.Pipeline.Stages;

namespace MedCam.Pipeline.Tests;

/// <summary>Mapping maps from the model grid back onto the source grid, with transforms whose result is known.</summary>
public sealed class GridTransformTests
{
    [Fact]
    public void ToSource_LinearRampOnModelGrid_IsTheSameRampInSourceCoordinates()
    {
        // A map linear in model index m, f(m) = 3m + 1, is linear in source index x through the inverse of
        // interpolate(align_corners=False): m = (x + 0.5) / s − 0.5, s = source/model. Linear interpolation reproduces
        // it exactly wherever the source point lies between model voxel centres.
        var transform = GridTransform.Resize([64, 128, 128], [32, 64, 64]);
        var model = new float[32 * 64 * 64];
        for (var k = 0; k < 32; k++)
        {
            model.AsSpan(k * 64 * 64, 64 * 64).Fill((3 * k) + 1);
        }

        var source = transform.ToSource(model);
        for (var x = 1; x < 63; x++)
        {
            var m = ((x + 0.5) / 2) - 0.5;
            Assert.Equal((3 * m) + 1, source[(x * 128 * 128) + (5 * 128) + 7], 4);
        }

        Assert.Equal(1f, source[0]); // clamped at the border, as torch clamps
    }

    [Fact]
    public void ToSource_AfterToModel_PeakReturnsToItsSourceVoxel()
    {
        var shape = new[] { 40, 96, 80 };
        var (pk, pj, pi) = (23, 61, 17);
        var source = new float[40 * 96 * 80];
        for (var k = 0; k < 40; k++)
        {
            for (var j = 0; j < 96; j++)
            {
                for (var i = 0; i < 80; i++)
                {
                    var d2 = Math.Pow((k - pk) / 4.0, 2) + Math.Pow((j - pj) / 6.0, 2) + Math.Pow((i - pi) / 6.0, 2);
                    source[(((k * 96) + j) * 80) + i] = (float)Math.Exp(-d2 / 2);
                }
            }
        }

        var transform = GridTransform.Resize(shape, [16, 48, 48]);
        var back = transform.ToSource(transform.ToModel(source));
        var argmax = Array.IndexOf(back, back.Max());
        Assert.Equal((pk, pj, pi), (argmax / (96 * 80), argmax / 80 % 96, argmax % 80));
    }

    [Fact]
    public void SourceToModel_IsTheInverseOfModelToSource()
    {
        var transform = new GridTransform([50], [20], [AxisMap.AlignCornersFalse(50, 20).After(AxisMap.Shift(3))]);
        var forward = transform.ModelToSource[0];
        var inverse = transform.SourceToModel[0];
        for (var m = 0; m < 20; m++)
        {
            var x = (forward.Scale * m) + forward.Offset;
            Assert.Equal(m, (inverse.Scale * x) + inverse.Offset, 9);
        }
    }
}
