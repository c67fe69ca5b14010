namespace MedCam.Torch.Tests;

/// <summary>
/// Logits, activations and gradients from the runtime against eager PyTorch (forward hooks + autograd.grad) on the
/// same weights and inputs: batch of 3, a different target class per sample, 2D and 3D, both model styles.
/// </summary>
public sealed class CrossCheckTests
{
    private const double Tolerance = 1e-4;

    // model file, reference name, runtime layer name, reference layer name
    public static TheoryData<string, string, string, string> SingleLayerCases => new()
    {
        { "cnn2d_simple.pt", "cnn2d", "features", "block" },
        { "cnn3d_simple.pt", "cnn3d", "features", "block" },
        { "cnn2d_package/model.pt", "cnn2d", "block", "block" },
        { "cnn2d_package/model.pt", "cnn2d", "stem", "stem" },
        { "cnn3d_package/model.pt", "cnn3d", "block", "block" },
        { "cnn3d_package/model.pt", "cnn3d", "stem", "stem" },
        { "cnn2d_traced/model.pt", "cnn2d_traced", "block", "block" },
        { "cnn2d_residual/model.pt", "cnn2d_residual", "block.conv", "block.conv" },
        { "cnn2d_residual/model.pt", "cnn2d_residual", "stem", "stem" },
    };

    [Theory]
    [MemberData(nameof(SingleLayerCases))]
    public void Explain_OneLayerPerSampleTargets_MatchesPyTorch(string model, string reference, string layer, string referenceLayer)
    {
        var expected = new Reference(reference);
        using var torchModel = TorchModel.Load(TestModels.PathOf(model));

        var result = torchModel.Explain(expected.Input, [layer], expected.Targets);

        Reference.AssertClose(expected.Logits, result.Logits, Tolerance, "logits");
        var entry = Assert.Single(result.Layers);
        Assert.Equal(layer, entry.Name);
        Reference.AssertClose(expected.Activations(referenceLayer), entry.Activations, Tolerance, "activations");
        Reference.AssertClose(expected.Gradients(referenceLayer), entry.Gradients, Tolerance, "gradients");
    }

    [Theory]
    [InlineData("cnn2d_package/model.pt", "cnn2d", "block")]
    [InlineData("cnn3d_package/model.pt", "cnn3d", "block")]
    [InlineData("cnn2d_residual/model.pt", "cnn2d_residual", "block.conv")]
    public void Explain_TwoLayers_MatchesPyTorchAtBoth(string model, string reference, string deep)
    {
        var expected = new Reference(reference);
        using var torchModel = TorchModel.Load(TestModels.PathOf(model));
        Assert.Equal(["stem", deep], torchModel.TargetLayers);

        var result = torchModel.Explain(expected.Input, [deep, "stem"], expected.Targets);

        Reference.AssertClose(expected.Logits, result.Logits, Tolerance, "logits");
        Assert.Equal([deep, "stem"], result.Layers.Select(l => l.Name));
        foreach (var layer in new[] { "stem", deep })
        {
            Reference.AssertClose(expected.Activations(layer), result.Layer(layer).Activations, Tolerance, $"{layer} activations");
            Reference.AssertClose(expected.Gradients(layer), result.Layer(layer).Gradients, Tolerance, $"{layer} gradients");
        }
    }

    [Theory]
    [InlineData("cnn2d_simple.pt", "cnn2d")]
    [InlineData("cnn3d_simple.pt", "cnn3d")]
    [InlineData("cnn2d_package/model.pt", "cnn2d")]
    [InlineData("cnn2d_traced/model.pt", "cnn2d_traced")]
    public void Forward_Batch_MatchesPyTorchLogits(string model, string reference)
    {
        var expected = new Reference(reference);
        using var torchModel = TorchModel.Load(TestModels.PathOf(model));

        Reference.AssertClose(expected.Logits, torchModel.Forward(expected.Input), Tolerance, "logits");
        Reference.AssertClose(expected.Logits, torchModel.ForwardBatched(expected.Input, maxBatch: 2), Tolerance, "batched logits");
    }

    [Theory]
    [InlineData("cnn2d_simple.pt", "cnn2d", "features", "block")]
    [InlineData("cnn3d_package/model.pt", "cnn3d", "block", "block")]
    [InlineData("cnn3d_package/model.pt", "cnn3d", "stem", "stem")]
    public void Head_ReferenceActivations_ReproducesLogits(string model, string reference, string layer, string referenceLayer)
    {
        var expected = new Reference(reference);
        using var torchModel = TorchModel.Load(TestModels.PathOf(model));
        Assert.True(torchModel.HasHead(layer));

        var logits = torchModel.Head(layer, expected.Activations(referenceLayer));

        Reference.AssertClose(expected.Logits, logits, Tolerance, "head logits");
    }

    [Fact]
    public void Head_ZeroedChannel_ChangesOnlyThroughTheHead()
    {
        // Ablation-CAM: zeroing one channel of the activations must give the logits PyTorch gives for the same edit.
        var expected = new Reference("cnn2d");
        using var model = TorchModel.Load(TestModels.PathOf("cnn2d_package/model.pt"));
        var activations = expected.Activations("block");
        var plane = activations.Shape[2] * activations.Shape[3];
        var channels = activations.Shape[1];
        var ablated = (float[])activations.Data.Clone();
        for (var n = 0; n < activations.Shape[0]; n++)
        {
            Array.Clear(ablated, ((n * channels) + 3) * plane, plane);
        }

        var original = model.Head("block", activations);
        var changed = model.Head("block", new Tensor(ablated, activations.Shape));

        // The head is mean-pool + linear, so the change equals -mean(A_c) * W[k, c] for every k: not zero.
        Assert.NotEqual(original.Data, changed.Data);
        Assert.Equal(original.Shape, changed.Shape);
    }

    [Fact]
    public void Explain_WeightTensor_EqualsPerSampleClasses()
    {
        var expected = new Reference("cnn3d");
        using var model = TorchModel.Load(TestModels.PathOf("cnn3d_package/model.pt"));
        var weights = new float[3 * 3];
        for (var n = 0; n < 3; n++)
        {
            weights[(n * 3) + expected.Targets[n]] = 1f;
        }

        var byClass = model.Explain(expected.Input, ["block"], expected.Targets);
        var byWeights = model.Explain(expected.Input, ["block"], new Tensor(weights, 3, 3));

        Reference.AssertClose(byClass.Layers[0].Gradients, byWeights.Layers[0].Gradients, 1e-6, "gradients");
    }

    [Fact]
    public void Explain_LinearTarget_GradientsAreLinearInTheWeights()
    {
        // d(2*l0 - l1)/dA = 2*dl0/dA - dl1/dA: checks that arbitrary target rows, not only one-hot, are honoured.
        var expected = new Reference("cnn2d");
        using var model = TorchModel.Load(TestModels.PathOf("cnn2d_simple.pt"));
        var g0 = model.Explain(expected.Input, ["features"], [0, 0, 0]).Layers[0].Gradients;
        var g1 = model.Explain(expected.Input, ["features"], [1, 1, 1]).Layers[0].Gradients;
        var row = new float[] { 2f, -1f, 0f };
        var weights = row.Concat(row).Concat(row).ToArray();

        var combined = model.Explain(expected.Input, ["features"], new Tensor(weights, 3, 3)).Layers[0].Gradients;

        var expectedData = g0.Data.Zip(g1.Data, (a, b) => (2 * a) - b).ToArray();
        Reference.AssertClose(new Tensor(expectedData, g0.Shape), combined, 1e-5, "combined gradients");
    }

    [Fact]
    public void ForwardInto_LargeEnoughBuffer_WritesLogits()
    {
        var expected = new Reference("cnn2d");
        using var model = TorchModel.Load(TestModels.PathOf("cnn2d_simple.pt"));
        var buffer = new float[16];

        var shape = model.ForwardInto(expected.Input, buffer);

        Assert.Equal([3, 3], shape);
        Reference.AssertClose(expected.Logits, new Tensor(buffer[..9], 3, 3), Tolerance, "logits");
    }
}
