using MedCam.Explain.Cine;
using MedCam.Explain.Methods;
using MedCam.Explain.Targets;
using MedCam.Explain.Tests.Support;

namespace MedCam.Explain.Tests;

public class CineTests
{
    [Fact]
    public void ExplainFrames_VideoClassIsArgmaxOfMeanProbabilities_MapsPerFrame()
    {
        var model = new ManagedCnn(1, 5, 3);
        var frames = ManagedCnn.RandomInput(11, 7, 1, 8, 8);
        var cine = CineExplainer.ExplainFrames(new GradCam(), model, frames, options: new CamOptions { MaxBatch = 3 });

        var logits = model.Forward(frames);
        var mean = new double[3];
        for (var f = 0; f < 7; f++)
        {
            var row = logits.SampleSpan(f).ToArray();
            var max = row.Max();
            var e = row.Select(v => Math.Exp(v - max)).ToArray();
            for (var c = 0; c < 3; c++)
            {
                mean[c] += e[c] / e.Sum() / 7;
            }
        }

        Assert.Equal(Array.IndexOf(mean, mean.Max()), cine.VideoClass);
        Assert.Equal(new[] { 7, 8, 8 }, cine.Maps.Shape);

        // Chunked frames give the same maps as one batch.
        var whole = new GradCam().Compute(model, frames, CamTarget.Class(cine.VideoClass));
        InvariantTests.AssertClose(whole.Maps.Data, cine.Maps.Data, 1e-6);
    }

    [Fact]
    public void DecisiveFrames_ThresholdOrTopK()
    {
        float[] p = [0.5f, 0.8f, 0.76f, 0.9f, 0.1f];
        Assert.Equal(new[] { 1, 2, 3 }, CineExplainer.DecisiveFrames(p));
        Assert.Equal(new[] { 1, 3 }, CineExplainer.DecisiveFrames(p, topK: 2));
    }

    [Fact]
    public void SmoothTemporal_OnlyAlongTime()
    {
        // A pulse in frame 2 spreads to neighbouring frames but not across space.
        var maps = new float[5 * 2 * 2];
        maps[(2 * 4) + 1] = 1;
        var smoothed = CineExplainer.SmoothTemporal(maps, [5, 2, 2], 1.0);
        Assert.True(smoothed[(1 * 4) + 1] > 0 && smoothed[(3 * 4) + 1] > 0);
        Assert.Equal(0f, smoothed[(2 * 4) + 0]);
        Assert.Equal(1.0, Enumerable.Range(0, 5).Sum(f => smoothed[(f * 4) + 1]), 5);
    }

    [Fact]
    public void ExplainVideoModel_NativeTimeHeightWidthMap()
    {
        var model = new ManagedCnn(1, 4, 2);
        var clip = ManagedCnn.RandomInput(12, 1, 1, 6, 8, 8);
        var result = CineExplainer.ExplainVideoModel(new LayerCam(), model, clip, CamTarget.Class(1));
        Assert.Equal(new[] { 1, 6, 8, 8 }, result.Maps.Shape);
    }
}

public class EveryClassTests
{
    [Fact]
    public void Compute_EveryClass_EachSliceEqualsThatClassAlone()
    {
        var model = new ManagedCnn(1, 5, 3, squared: true);
        var input = ManagedCnn.RandomInput(31, 2, 1, 8, 8);
        var all = EveryClass.Compute(new GradCamPlusPlus(), model, input);
        Assert.Equal(new[] { 2, 3, 8, 8 }, all.Shape);
        for (var c = 0; c < 3; c++)
        {
            var single = new GradCamPlusPlus().Compute(model, input, CamTarget.Class(c));
            for (var s = 0; s < 2; s++)
            {
                InvariantTests.AssertClose(single.Map(s).ToArray(), all.Data.AsSpan(((s * 3) + c) * 64, 64).ToArray(), 1e-6);
            }
        }
    }
}
