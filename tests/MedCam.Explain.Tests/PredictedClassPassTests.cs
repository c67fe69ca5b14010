using MedCam.Explain.Methods;
using MedCam.Explain.Models;
using MedCam.Explain.Targets;
using MedCam.Explain.Tests.Support;
using MedCam.Imaging.NumPy;
using MedCam.Torch;

namespace MedCam.Explain.Tests;

/// <summary>
/// A predicted-class target on a libtorch model costs one forward: the shim picks the class from the logits of the
/// explain pass itself. The result must be exactly what the two-pass path (forward, argmax, explain that class) gives.
/// </summary>
public class PredictedClassPassTests
{
    [Theory]
    [InlineData("cnn2d", "gradcam")]
    [InlineData("cnn3d", "gradcam++")]
    [InlineData("cnn3d", "layercam")]
    public void Compute_PredictedTarget_OnePassEqualsForwardThenExplain(string model, string method)
    {
        var array = NpyFile.Read(Path.Combine(Fixtures.ModelsDir, "reference", model, "input.npy"));
        var input = new Tensor(array.ToSingle(), array.Shape);
        using var explainable = TorchExplainableModel.Open(Path.Combine(Fixtures.ModelsDir, model + "_simple.pt"));
        var counting = new CountingModel(explainable);
        var n = array.Shape[0];

        // Mixed batch: predicted for samples 0 and 2, a fixed class for sample 1.
        var targets = Enumerable.Range(0, n).Select(s => s == 1 ? CamTarget.Class(1) : CamTarget.Predicted).ToArray();
        var onePass = CamMethods.Create(method).Compute(counting, input, targets, CamOptions.Default);

        Assert.Equal(0, counting.Forwards);
        Assert.Equal(1, counting.Explains);
        var logits = explainable.Forward(input);
        var classes = Enumerable.Range(0, n).Select(s => s == 1 ? 1 : PredictedClass.ArgMax(logits.SampleSpan(s))).ToArray();
        var twoPass = CamMethods.Create(method).Compute(explainable, input, classes.Select(CamTarget.Class).ToArray(), CamOptions.Default);
        Assert.Equal(twoPass.Targets, onePass.Targets);
        Assert.Equal(logits.Data, onePass.Logits.Data);
        Assert.Equal(twoPass.Maps.Data, onePass.Maps.Data);
        Assert.True(onePass.Maps.Data.Max() > 0.99f, "the maps are empty: the comparison would be vacuous");
    }

    [Fact]
    public void Explain_PredictedClassOnAModelWithoutSupport_EngineRunsAForwardFirst()
    {
        var array = NpyFile.Read(Path.Combine(Fixtures.ModelsDir, "reference", "cnn2d", "input.npy"));
        var input = new Tensor(array.ToSingle(), array.Shape);
        using var explainable = TorchExplainableModel.Open(Path.Combine(Fixtures.ModelsDir, "cnn2d_simple.pt"));
        var counting = new CountingModel(explainable, resolves: false);

        CamMethods.Create("gradcam").Compute(counting, input, Enumerable.Repeat(CamTarget.Predicted, array.Shape[0]).ToArray(), CamOptions.Default);

        Assert.Equal(1, counting.Forwards);
    }

    private sealed class CountingModel(IExplainableModel inner, bool resolves = true) : IExplainableModel
    {
        public int Forwards { get; private set; }

        public int Explains { get; private set; }

        public IReadOnlyList<string> TargetLayers => inner.TargetLayers;

        public bool ResolvesPredictedClass => resolves;

        public Tensor Forward(Tensor input)
        {
            Forwards++;
            return inner.Forward(input);
        }

        public Tensor ForwardBatched(Tensor inputs, int maxBatch) => inner.ForwardBatched(inputs, maxBatch);

        public ExplainResult Explain(Tensor input, IReadOnlyList<string> layers, Tensor targetWeights)
        {
            Explains++;
            return inner.Explain(input, layers, targetWeights);
        }

        public ExplainResult Explain(Tensor input, IReadOnlyList<string> layers, ReadOnlySpan<int> targetClasses)
        {
            Explains++;
            return inner.Explain(input, layers, targetClasses);
        }

        public Tensor Head(string layer, Tensor activations) => inner.Head(layer, activations);
    }
}
