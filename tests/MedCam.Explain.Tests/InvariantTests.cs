using MedCam.Explain.Methods;
using MedCam.Explain.Targets;
using MedCam.Explain.Tests.Support;
using MedCam.Imaging.Resampling;
using MedCam.Torch;

namespace MedCam.Explain.Tests;

/// <summary>Hand-derived cases and the no-NaN invariants, on a managed GAP + linear model.</summary>
public class InvariantTests
{
    [Fact]
    public void GradCam_GapLinearHead_EqualsHandComputedMap()
    {
        var model = new ManagedCnn(2, 5, 3);
        var input = ManagedCnn.RandomInput(1, 1, 2, 8, 8);
        var result = new GradCam().Compute(model, input, CamTarget.Class(2));

        // For y = W · GAP(A) + b, g^k = W[c,k] / Z, so Grad-CAM's w_k = W[c,k] / Z.
        var a = model.Features(input);
        var expected = new float[16];
        for (var k = 0; k < 5; k++)
        {
            for (var i = 0; i < 16; i++)
            {
                expected[i] += model.W[(2 * 5) + k] / 16f * a.Data[(k * 16) + i];
            }
        }

        var want = Normalise(LinearResampler.Resize(expected.Select(v => Math.Max(0, v)).ToArray(), [4, 4], [8, 8]));
        AssertClose(want, result.Map(0).ToArray(), 1e-5);
    }

    [Fact]
    public void HiResCam_GapLinearHead_EqualsGradCam()
    {
        var model = new ManagedCnn(1, 7, 4);
        var input = ManagedCnn.RandomInput(2, 2, 1, 6, 8, 10);
        var grad = new GradCam().Compute(model, input, [CamTarget.Class(1), CamTarget.Class(3)]);
        var hires = new HiResCam().Compute(model, input, [CamTarget.Class(1), CamTarget.Class(3)]);
        AssertClose(grad.Maps.Data, hires.Maps.Data, 1e-5);
    }

    [Fact]
    public void Cam_GapLinearHead_EqualsGradCamUpToScale()
    {
        var model = new ManagedCnn(2, 6, 3);
        var input = ManagedCnn.RandomInput(3, 2, 2, 10, 10);
        var grad = new GradCam().Compute(model, input, [CamTarget.Class(0), CamTarget.Class(2)]);
        var cam = new ClassActivationMap().Compute(model, input, [CamTarget.Class(0), CamTarget.Class(2)]);
        AssertClose(grad.Maps.Data, cam.Maps.Data, 1e-5);
    }

    [Fact]
    public void Cam_NonLinearHead_ClearError()
    {
        var model = new ManagedCnn(1, 4, 2, squared: true);
        var e = Assert.Throws<InvalidOperationException>(() => new ClassActivationMap().Compute(model, ManagedCnn.RandomInput(4, 1, 1, 8, 8), CamTarget.Class(0)));
        Assert.Contains("global average pooling", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionTarget_LinearFunction_EqualsWeightsOfItsCoefficients()
    {
        var model = new ManagedCnn(1, 5, 3, squared: true);
        var input = ManagedCnn.RandomInput(5, 1, 1, 8, 8);
        var difference = CamTarget.Function(y => y[2] - y[0]);
        var viaFunction = new GradCam().Compute(model, input, difference);
        var explained = model.Explain(input, ["features"], new Tensor([-1f, 0f, 1f], 1, 3));
        var reference = new GradCam().Compute(new FixedWeights(model, [-1f, 0f, 1f]), input, CamTarget.Class(0));
        AssertClose(reference.Maps.Data, viaFunction.Maps.Data, 1e-4);
        Assert.NotNull(explained);
    }

    [Fact]
    public void PredictedClass_ResolvesArgmaxPerSample()
    {
        var model = new ManagedCnn(1, 5, 4);
        var input = ManagedCnn.RandomInput(6, 3, 1, 8, 8);
        var logits = model.Forward(input);
        var result = new GradCam().Compute(model, input, CamTarget.Predicted);
        for (var s = 0; s < 3; s++)
        {
            var row = logits.SampleSpan(s).ToArray();
            Assert.Equal(Array.IndexOf(row, row.Max()), result.TargetClasses[s]);
        }
    }

    [Theory]
    [InlineData("gradcam")]
    [InlineData("gradcam++")]
    [InlineData("xgradcam")]
    [InlineData("layercam")]
    [InlineData("hirescam")]
    [InlineData("cfcam")]
    [InlineData("cam")]
    [InlineData("ablationcam")]
    [InlineData("scorecam")]
    [InlineData("smoothgradcam++")]
    public void Compute_ZeroGradientsOrNegativeWeights_ZerosNotNaN(string method)
    {
        // Zero head weights: every gradient is 0 and every score is equal.
        var zero = new ManagedCnn(1, 4, 2, headWeights: new float[8]);
        var input = ManagedCnn.RandomInput(7, 2, 1, 8, 8);
        var r = CamMethods.Create(method).Compute(zero, input, CamTarget.Class(1), new CamOptions { SmoothSamples = 2 });
        if (method is "scorecam" or "cfcam")
        {
            // By definition these stay informative: Score-CAM's s_k is then the same probability for every channel
            // (L = p·Σ_k A^k) and CF-CAM's softmax of equal weights is uniform (L = mean of the kept A^k).
            Assert.All(r.Maps.Data, v => Assert.True(float.IsFinite(v) && v >= 0 && v <= 1));
        }
        else
        {
            Assert.All(r.Maps.Data, v => Assert.Equal(0f, v));
        }

        // All-negative head weights with non-negative activations: every map is negative before ReLU -> zeros.
        var negative = new ManagedCnn(1, 4, 2, headWeights: Enumerable.Repeat(-1f, 8).ToArray());
        var n = CamMethods.Create(method).Compute(negative, input, CamTarget.Class(0), new CamOptions { SmoothSamples = 2 });
        Assert.All(n.Maps.Data, v => Assert.True(float.IsFinite(v) && v >= 0 && v <= 1));
    }

    [Theory]
    [MemberData(nameof(AllMethods))]
    public void Compute_ConstantInputOrSinglePositionLayer_FiniteZeros(string method)
    {
        var model = new ManagedCnn(1, 4, 3);
        var constant = new Tensor(Enumerable.Repeat(0.7f, 64).ToArray(), 1, 1, 8, 8);
        var r = CamMethods.Create(method).Compute(model, constant, CamTarget.Class(0), new CamOptions { SmoothSamples = 2 });
        if (method != "smoothgradcam++")
        {
            Assert.All(r.Maps.Data, v => Assert.Equal(0f, v));
        }

        // 2×2 input -> a 1×1 layer: a single position.
        var tiny = ManagedCnn.RandomInput(8, 2, 1, 2, 2);
        var t = CamMethods.Create(method).Compute(model, tiny, [CamTarget.Class(0), CamTarget.Class(2)], new CamOptions { SmoothSamples = 2 });
        Assert.All(t.Maps.Data, v => Assert.True(v == 0f, $"{v}"));
    }

    public static TheoryData<string> AllMethods()
    {
        var data = new TheoryData<string>();
        foreach (var m in CamMethods.Names)
        {
            data.Add(m);
        }

        return data;
    }

    [Fact]
    public void Normalisation_NeverInverts_HighStaysHigh()
    {
        var model = new ManagedCnn(1, 3, 2);
        var input = ManagedCnn.RandomInput(9, 1, 1, 8, 8);
        var r = new LayerCam().Compute(model, input, CamTarget.Class(1));
        var a = model.Features(input);
        var raw = new float[16];
        var explained = model.Explain(input, ["features"], [1]);
        var g = explained.Layers[0].Gradients.Data;
        for (var k = 0; k < 3; k++)
        {
            for (var i = 0; i < 16; i++)
            {
                raw[i] += Math.Max(0, g[(k * 16) + i]) * a.Data[(k * 16) + i];
            }
        }

        var up = LinearResampler.Resize(raw, [4, 4], [8, 8]);
        var map = r.Map(0).ToArray();
        Assert.Equal(Array.IndexOf(up, up.Max()), Array.IndexOf(map, map.Max()));
    }

    [Fact]
    public void Compute_WrongTargetCount_ClearError()
    {
        var model = new ManagedCnn(1, 3, 2);
        var e = Assert.Throws<ArgumentException>(() => new GradCam().Compute(model, ManagedCnn.RandomInput(1, 3, 1, 4, 4), [CamTarget.Class(0), CamTarget.Class(1)]));
        Assert.Contains("one per sample", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UnknownMethod_ListsKnownNames()
    {
        var e = Assert.Throws<ArgumentException>(() => CamMethods.Create("gradcam+++"));
        Assert.Contains("scorecam", e.Message, StringComparison.Ordinal);
    }

    internal static float[] Normalise(float[] x)
    {
        var min = x.Min();
        var max = x.Max();
        return max - min <= 0 ? new float[x.Length] : x.Select(v => (v - min) / (max - min)).ToArray();
    }

    internal static void AssertClose(IReadOnlyList<float> expected, IReadOnlyList<float> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"index {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    /// <summary>Wraps a model so that "class 0" means the fixed target weights (to compare with function targets).</summary>
    private sealed class FixedWeights(ManagedCnn inner, float[] weights) : Models.IExplainableModel
    {
        public IReadOnlyList<string> TargetLayers => inner.TargetLayers;

        public Tensor Forward(Tensor input) => inner.Forward(input);

        public Tensor ForwardBatched(Tensor inputs, int maxBatch) => inner.ForwardBatched(inputs, maxBatch);

        public ExplainResult Explain(Tensor input, IReadOnlyList<string> layers, Tensor targetWeights) => inner.Explain(input, layers, targetWeights);

        public ExplainResult Explain(Tensor input, IReadOnlyList<string> layers, ReadOnlySpan<int> targetClasses) =>
            inner.Explain(input, layers, new Tensor(weights, 1, weights.Length));

        public Tensor Head(string layer, Tensor activations) => inner.Head(layer, activations);
    }
}
