using MedCam.Pipeline.Synthetic;

namespace MedCam.Pipeline.Tests;

public class SyntheticLungUltrasoundTests
{
    private static readonly LungUltrasoundOptions Small = new() { Frames = 8, Size = 96 };

    [Fact]
    public void Generate_SameSeed_SameBytes()
    {
        var a = LungUltrasoundPhantom.Generate(LungUltrasoundFinding.Covid19, 3, 1, Small);
        var b = LungUltrasoundPhantom.Generate(LungUltrasoundFinding.Covid19, 3, 1, Small);
        Assert.Equal(a.Pixels, b.Pixels);
        Assert.Equal(a.LesionMask, b.LesionMask);
    }

    [Fact]
    public void Generate_Covid19_BLinesBrighterThanLungAround()
    {
        var v = LungUltrasoundPhantom.Generate(LungUltrasoundFinding.Covid19, 7, 0, Small);
        var pleuraRow = (int)(v.PleuraDepthMm / v.PixelSpacingMm[0]) + 4;
        var inB = MeanWhere(v, (f, r, c, i) => r > pleuraRow && v.LesionMask[i] == 1);
        var outB = MeanWhere(v, (f, r, c, i) => r > pleuraRow && v.LesionMask[i] == 0 && v.SectorMask[r * v.Columns + c] == 1);
        Assert.True(inB > 2 * outB, $"B-lines {inB:F1} vs other lung {outB:F1}");
        // B-lines reach the bottom of the image (they do not fade).
        var bottom = MeanWhere(v, (f, r, c, i) => r > v.Rows * 3 / 4 && v.LesionMask[i] == 1);
        Assert.True(bottom > 1.5 * outB, $"B-lines at depth {bottom:F1}");
    }

    [Fact]
    public void Generate_Healthy_ALinesAtTwicePleuralDepth()
    {
        var v = LungUltrasoundPhantom.Generate(LungUltrasoundFinding.Healthy, 9, 2, Small);
        Assert.All(v.LesionMask, m => Assert.Equal(0, m));
        var spacing = v.PixelSpacingMm[0];
        // Central beam (between the ribs): depth along the beam equals the row depth.
        var centre = v.Columns / 2;
        double Row(double depthMm) => ColumnMean(v, (int)Math.Round(depthMm / spacing - 0.5), centre);
        var aLine = Row(2 * v.PleuraDepthMm);
        var between = Row(1.5 * v.PleuraDepthMm);
        Assert.True(aLine > between + 30, $"A-line {aLine:F1} vs between {between:F1}");
        Assert.True(Row(v.PleuraDepthMm) > between + 40, "pleural line is hyperechoic");
    }

    [Fact]
    public void Generate_Pneumonia_ConsolidationInEveryFrame()
    {
        var v = LungUltrasoundPhantom.Generate(LungUltrasoundFinding.Pneumonia, 4, 1, Small);
        var frame = v.Rows * v.Columns;
        for (var f = 0; f < v.Frames; f++)
        {
            var area = v.LesionMask.AsSpan(f * frame, frame).Count((byte)1);
            Assert.True(area > frame / 100, $"frame {f}: consolidation of {area} pixels");
        }
    }

    [Fact]
    public void Generate_Sliding_LungMovesMoreThanChestWall()
    {
        var v = LungUltrasoundPhantom.Generate(LungUltrasoundFinding.Healthy, 12, 0, new LungUltrasoundOptions { Frames = 12, Size = 96 });
        var pleuraRow = (int)(v.PleuraDepthMm / v.PixelSpacingMm[0]);
        double wall = 0, lung = 0;
        int nWall = 0, nLung = 0;
        var frame = v.Rows * v.Columns;
        for (var r = 2; r < v.Rows; r++)
        {
            for (var c = 0; c < v.Columns; c++)
            {
                if (v.SectorMask[r * v.Columns + c] == 0 || Math.Abs(r - pleuraRow) < 4)
                {
                    continue;
                }

                var d = Math.Abs(v.Pixels[(v.Frames - 1) * frame + r * v.Columns + c] - v.Pixels[r * v.Columns + c]);
                if (r < pleuraRow)
                {
                    wall += d;
                    nWall++;
                }
                else
                {
                    lung += d;
                    nLung++;
                }
            }
        }

        Assert.True(lung / nLung > 1.3 * (wall / nWall), $"lung change {lung / nLung:F1} vs chest wall {wall / nWall:F1}");
    }

    [Fact]
    public void Generate_Geometry_MatchesOptions()
    {
        var v = LungUltrasoundPhantom.Generate(LungUltrasoundFinding.Healthy, 1, 0, Small);
        Assert.Equal(new[] { 8, 96, 96 }, v.Shape);
        Assert.Equal(50, v.FrameTimeMs);
        Assert.Equal(100.0 / 96, v.PixelSpacingMm[0], 9);
        Assert.Equal(0, v.Pixels[0]); // top-left corner is outside the sector
        Assert.Equal(0, v.SectorMask[0]);
        Assert.Equal(1, v.SectorMask[(v.Rows / 2) * v.Columns + v.Columns / 2]);
    }

    private static double ColumnMean(LungUltrasoundCine v, int row, int column)
    {
        double sum = 0;
        var n = 0;
        for (var f = 0; f < v.Frames; f++)
        {
            for (var c = column - 3; c <= column + 3; c++)
            {
                sum += v.Pixels[(f * v.Rows + row) * v.Columns + c];
                n++;
            }
        }

        return sum / n;
    }

    private static double MeanWhere(LungUltrasoundCine v, Func<int, int, int, int, bool> where)
    {
        double sum = 0;
        var n = 0;
        for (var f = 0; f < v.Frames; f++)
        {
            for (var r = 0; r < v.Rows; r++)
            {
                for (var c = 0; c < v.Columns; c++)
                {
                    var i = (f * v.Rows + r) * v.Columns + c;
                    if (where(f, r, c, i))
                    {
                        sum += v.Pixels[i];
                        n++;
                    }
                }
            }
        }

        Assert.True(n > 0, "the region is empty");
        return sum / n;
    }
}
