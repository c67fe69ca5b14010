namespace MedCam.Torch.Tests;

/// <summary>
/// Every bad input of the reference notes becomes a typed exception whose message names the problem, and the
/// process (and the model) keep working afterwards.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("medcam-torch-bad-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    private static Tensor Random(params int[] shape)
    {
        var random = new Random(7);
        var data = new float[shape.Aggregate(1, (a, b) => a * b)];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (float)random.NextDouble();
        }

        return new Tensor(data, shape);
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(scratch, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Explain_PredictedClass_ExplainsTheArgmaxOfTheSamePass()
    {
        using var model = TorchModel.Load(TestModels.PathOf("cnn2d_simple.pt"));
        var input = Random(3, 3, 64, 64);
        var logits = model.Forward(input);
        var argmax = Enumerable.Range(0, 3).Select(s =>
        {
            var row = logits.Data.AsSpan(s * 3, 3).ToArray();
            return Array.IndexOf(row, row.Max());
        }).ToArray();

        var predicted = model.Explain(input, ["features"], [TorchModel.PredictedClass, 1, TorchModel.PredictedClass]);
        var explicitClasses = model.Explain(input, ["features"], [argmax[0], 1, argmax[2]]);

        Assert.Equal(explicitClasses.Logits.Data, predicted.Logits.Data);
        Assert.Equal(explicitClasses.Layers[0].Gradients.Data, predicted.Layers[0].Gradients.Data);
        Assert.Contains(predicted.Layers[0].Gradients.Data, g => g != 0);
    }

    [Fact]
    public void Load_MissingFile_ThrowsModelLoadNamingThePath()
    {
        var path = Path.Combine(scratch, "nope.pt");
        var error = Assert.Throws<ModelLoadException>(() => TorchModel.Load(path));
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Garbage_ThrowsModelLoadSayingNotAnArchive()
    {
        var path = Write("garbage.pt", System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("not a model ", 200))));
        var error = Assert.Throws<ModelLoadException>(() => TorchModel.Load(path));
        Assert.Contains("central directory", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a valid TorchScript archive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Truncated_ThrowsModelLoad()
    {
        var bytes = File.ReadAllBytes(TestModels.PathOf("cnn2d_simple.pt"));
        var path = Write("truncated.pt", bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<ModelLoadException>(() => TorchModel.Load(path));
        Assert.Contains("truncated or corrupt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BitFlippedCode_ThrowsModelLoad()
    {
        var bytes = File.ReadAllBytes(TestModels.PathOf("cnn2d_simple.pt"));
        var name = System.Text.Encoding.ASCII.GetBytes("code/__torch__.py");
        var at = bytes.AsSpan().IndexOf(name);
        Assert.True(at > 0);
        for (var i = at + 120; i < at + 136; i++)
        {
            bytes[i] ^= 0xFF;
        }

        var path = Write("flipped.pt", bytes);
        var error = Assert.Throws<ModelLoadException>(() => TorchModel.Load(path));
        Assert.Contains("cannot load TorchScript model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_StateDict_ThrowsModelLoadExplainingTorchScriptIsNeeded()
    {
        var error = Assert.Throws<ModelLoadException>(() => TorchModel.Load(TestModels.PathOf("state_dict.pth")));
        Assert.Contains("state_dict", error.Message, StringComparison.Ordinal);
        Assert.Contains("torch.jit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Folder_ThrowsModelLoadPointingToPackages()
    {
        var error = Assert.Throws<ModelLoadException>(() => TorchModel.Load(TestModels.PathOf("cnn2d_package")));
        Assert.Contains("ModelPackage", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_MissingLayer_ThrowsUnknownLayerListingTheAvailableOnes()
    {
        using var model = TorchModel.Load(TestModels.PathOf("cnn2d_package/model.pt"));
        var error = Assert.Throws<UnknownLayerException>(() => model.Explain(Random(1, 3, 64, 64), ["layer4"], [0]));
        Assert.Contains("'layer4'", error.Message, StringComparison.Ordinal);
        Assert.Contains("stem, block", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_ModelWithoutFeaturesAndHead_ThrowsUnknownLayer()
    {
        using var model = TorchModel.Load(TestModels.PathOf("plain.pt"));
        Assert.Empty(model.TargetLayers);
        Assert.Equal([1, 3], model.Forward(Random(1, 3, 64, 64)).Shape);
        var error = Assert.Throws<UnknownLayerException>(() => model.Explain(Random(1, 3, 64, 64), ["features"], [0]));
        Assert.Contains("exposes no target layers", error.Message, StringComparison.Ordinal);
        Assert.Contains("features(x)/head(a)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Head_LayerWithoutSplit_ThrowsUnknownLayer()
    {
        using var model = TorchModel.Load(TestModels.PathOf("cnn2d_traced/model.pt"));
        Assert.False(model.HasHead("block"));
        var error = Assert.Throws<UnknownLayerException>(() => model.Head("block", Random(1, 16, 16, 16)));
        Assert.Contains("no head after layer 'block'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_WrongRank_ThrowsInputShapeWithTorchScriptsLastLine()
    {
        using var model = TorchModel.Load(TestModels.PathOf("cnn3d_simple.pt"));
        var error = Assert.Throws<InputShapeException>(() => model.Forward(Random(1, 32, 32)));
        Assert.Contains("[1, 32, 32]", error.Message, StringComparison.Ordinal);
        Assert.Contains("Expected 4D (unbatched) or 5D (batched) input to conv3d", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Traceback", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_WrongRankForPackage_ThrowsInputShapeQuotingTheCard()
    {
        // A 4-D input to a 3-D CNN is "unbatched" to PyTorch and fails later with a confusing size message; the
        // card's declared input shape catches it first.
        using var model = ModelPackage.Open(TestModels.PathOf("cnn3d_package")).Load();
        var error = Assert.Throws<InputShapeException>(() => model.Explain(Random(1, 1, 32, 32), ["block"], [0]));
        Assert.Equal("The model expects input of rank 5 [N, 1, 32, 32, 32]; got [1, 1, 32, 32] (rank 4).", error.Message);
    }

    [Fact]
    public void Forward_WrongChannelsForPackage_ThrowsInputShapeQuotingTheCard()
    {
        using var model = ModelPackage.Open(TestModels.PathOf("cnn2d_package")).Load();
        var error = Assert.Throws<InputShapeException>(() => model.Forward(Random(2, 1, 64, 64)));
        Assert.Equal("The model expects 3 channel(s) [N, 3, 64, 64]; got 1 in [2, 1, 64, 64].", error.Message);
    }

    [Fact]
    public void Explain_WrongChannels_ThrowsInputShapeNamingTheChannels()
    {
        using var model = TorchModel.Load(TestModels.PathOf("cnn2d_simple.pt"));
        var error = Assert.Throws<InputShapeException>(() => model.Explain(Random(1, 1, 64, 64), ["features"], [0]));
        Assert.Contains("3 channels", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_VolumeTooSmallForPooling_ThrowsInputShape()
    {
        using var model = TorchModel.Load(TestModels.PathOf("cnn3d_package/model.pt"));
        var error = Assert.Throws<InputShapeException>(() => model.Forward(Random(1, 1, 2, 2, 2)));
        Assert.Contains("too small", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(3)]
    [InlineData(1000)]
    public void Explain_ClassOutOfRange_ThrowsTargetClass(int target)
    {
        using var model = TorchModel.Load(TestModels.PathOf("cnn2d_simple.pt"));
        var error = Assert.Throws<TargetClassException>(() => model.Explain(Random(2, 3, 64, 64), ["features"], [0, target]));
        Assert.Contains($"target class {target} of sample 1 is out of range", error.Message, StringComparison.Ordinal);
        Assert.Contains("3 classes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_TargetCountNotBatch_ThrowsTargetClass()
    {
        using var model = TorchModel.Load(TestModels.PathOf("cnn2d_simple.pt"));
        var error = Assert.Throws<TargetClassException>(() => model.Explain(Random(2, 3, 64, 64), ["features"], [0]));
        Assert.Contains("1 target classes for a batch of 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_WeightsOfWrongShape_ThrowsTargetClass()
    {
        using var model = TorchModel.Load(TestModels.PathOf("cnn2d_package/model.pt"));
        var error = Assert.Throws<TargetClassException>(() => model.Explain(Random(2, 3, 64, 64), ["block"], Tensor.Zeros(2, 4)));
        Assert.Contains("[2, 4] do not match logits of shape [2, 3]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tensor_LengthNotMatchingShape_ThrowsInputShape()
    {
        var error = Assert.Throws<InputShapeException>(() => new Tensor(new float[10], 1, 3, 2, 2));
        Assert.Contains("needs 12 values but the buffer holds 10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public unsafe void Shim_LengthNotMatchingShape_ThrowsInputShape()
    {
        // The managed Tensor already refuses this; the shim checks again for any other caller of the C ABI.
        using var model = TorchModel.Load(TestModels.PathOf("cnn2d_simple.pt"));
        var handle = typeof(TorchModel).GetField("handle", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .GetValue(model) as Native.ModelHandle;
        var data = new float[10];
        var shape = new long[] { 1, 3, 2, 2 };
        Native.NativeStatus status;
        Native.TensorHandle result;
        fixed (float* p = data)
        fixed (long* s = shape)
        {
            status = Native.NativeMethods.ModelForward(handle!, p, data.Length, s, shape.Length, out result);
        }

        result.Dispose();
        var error = Assert.IsType<InputShapeException>(Native.NativeError.Create(status));
        Assert.Contains("needs 12 values but the buffer holds 10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_ZeroDimension_ThrowsInputShape()
    {
        using var model = TorchModel.Load(TestModels.PathOf("cnn2d_simple.pt"));
        var error = Assert.Throws<InputShapeException>(() => model.Forward(new Tensor([], 0, 3, 64, 64)));
        Assert.Contains("zero or negative dimension", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForwardInto_BufferTooSmall_ThrowsArgument()
    {
        using var model = TorchModel.Load(TestModels.PathOf("cnn2d_simple.pt"));
        var error = Assert.Throws<ArgumentException>(() => model.ForwardInto(Random(2, 3, 64, 64), new float[5]));
        Assert.Contains("holds 5 floats but the result has 6", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:1")]
    public void Load_CudaOnCpuOnlyLibTorch_ThrowsTorchDevice(string device)
    {
        Assert.False(TorchRuntime.CudaAvailable, "this test is for CPU-only hosts");
        var error = Assert.Throws<TorchDeviceException>(() => TorchModel.Load(TestModels.PathOf("cnn2d_simple.pt"), device));
        Assert.Contains("CUDA is not available", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownDevice_ThrowsTorchDevice()
    {
        var error = Assert.Throws<TorchDeviceException>(() => TorchModel.Load(TestModels.PathOf("cnn2d_simple.pt"), "tpu"));
        Assert.Contains("unknown device 'tpu'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnyCall_DisposedModel_ThrowsObjectDisposed()
    {
        var model = TorchModel.Load(TestModels.PathOf("cnn2d_simple.pt"));
        model.Dispose();
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.Forward(Random(1, 3, 64, 64)));
        Assert.Throws<ObjectDisposedException>(() => model.Explain(Random(1, 3, 64, 64), ["features"], [0]));
        Assert.Throws<ObjectDisposedException>(() => model.Head("features", Random(1, 16, 16, 16)));
        Assert.Throws<ObjectDisposedException>(() => model.ForwardBatched(Random(1, 3, 64, 64)));
    }

    [Fact]
    public void Model_AfterManyErrors_StillGivesCorrectResults()
    {
        var expected = new Reference("cnn2d");
        using var model = TorchModel.Load(TestModels.PathOf("cnn2d_simple.pt"));
        for (var i = 0; i < 20; i++)
        {
            Assert.Throws<InputShapeException>(() => model.Forward(Random(1, 1, 64, 64)));
            Assert.Throws<TargetClassException>(() => model.Explain(expected.Input, ["features"], [0, 1, 7]));
        }

        Reference.AssertClose(expected.Logits, model.Forward(expected.Input), 1e-4, "logits after errors");
    }
}
