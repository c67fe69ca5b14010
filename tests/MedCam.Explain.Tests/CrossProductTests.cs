using MedCam.Explain.Methods;
using MedCam.Explain.Targets;
using MedCam.Explain.Tests.Support;

namespace MedCam.Explain.Tests;

/// <summary>Every method × 2D / 3D / 2D+time × a batch of 3 with different targets: shapes, finiteness, range.</summary>
public class CrossProductTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var method in CamMethods.Names)
        {
            foreach (var geometry in new[] { "2d", "3d", "2d+time" })
            {
                data.Add(method, geometry);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compute_EveryMethodGeometryBatch_ShapeFiniteRangeAndPerSampleTargets(string method, string geometry)
    {
        int[] shape = geometry switch
        {
            "2d" => [3, 2, 12, 10],
            "3d" => [3, 1, 8, 10, 6],
            _ => [3, 1, 6, 12, 12], // [N, C, T, H, W]: a video model convolving over time gives a native T×H×W map
        };
        var model = new ManagedCnn(shape[1], channels: 6, classes: 3, squared: method != "cam");
        var input = ManagedCnn.RandomInput(42, shape);
        CamTarget[] targets = [CamTarget.Class(0), CamTarget.Class(2), CamTarget.Class(1)];
        var cam = CamMethods.Create(method);

        var result = cam.Compute(model, input, targets, new CamOptions { SmoothSamples = 3, MaxBatch = 4 });

        Assert.Equal(shape.Take(1).Concat(shape.Skip(2)).ToArray(), result.Maps.Shape);
        Assert.All(result.Maps.Data, v => Assert.True(float.IsFinite(v) && v >= 0 && v <= 1, $"value {v}"));
        Assert.Equal(new int?[] { 0, 2, 1 }, result.TargetClasses);
        for (var s = 0; s < 3; s++)
        {
            var map = result.Map(s);
            var max = map.ToArray().Max();
            Assert.True(max == 0f || Math.Abs(max - 1f) < 1e-6, $"sample {s}: max {max}");
        }

        // The batch handles per-sample targets exactly like separate calls (the anchors' common bug).
        if (cam.UsesGradients || method is "scorecam" or "ablationcam" or "cam")
        {
            var single = cam.Compute(model, input.Slice(1), [targets[1]], new CamOptions { SmoothSamples = 3, MaxBatch = 4 });
            if (method != "smoothgradcam++")
            {
                var a = result.Map(1).ToArray();
                var b = single.Map(0).ToArray();
                for (var i = 0; i < a.Length; i++)
                {
                    Assert.True(Math.Abs(a[i] - b[i]) < 1e-5, $"{method}: index {i}: batch {a[i]} vs alone {b[i]}");
                }
            }
        }
    }
}
