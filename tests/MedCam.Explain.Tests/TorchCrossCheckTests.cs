using MedCam.Explain.Methods;
using MedCam.Explain.Models;
using MedCam.Explain.Targets;
using MedCam.Explain.Tests.Support;
using MedCam.Imaging.NumPy;
using MedCam.Torch;

namespace MedCam.Explain.Tests;

/// <summary>
/// Each method against an independent Python torch computation of the paper's formula
/// (reference/cam_reference.py) on the same TorchScript model and input, batch of 3 with targets 0, 2, 1.
/// </summary>
public class TorchCrossCheckTests
{
    private static readonly int[] Targets = [0, 2, 1];

    [Theory]
    [InlineData("cnn2d")]
    [InlineData("cnn3d")]
    public void Compute_EveryDeterministicMethod_MatchesPythonTorchReference(string model)
    {
        var modelPath = Path.Combine(Fixtures.ModelsDir, model + "_simple.pt");
        var inputPath = Path.Combine(Fixtures.ModelsDir, "reference", model, "input.npy");
        var outDir = Fixtures.TempDir();
        var array = NpyFile.Read(inputPath);
        var input = new Tensor(array.ToSingle(), array.Shape);

        // Smooth Grad-CAM++: the reference gets MedCam's noisy copies, so only the averaging and the formula are compared.
        var smoothOptions = new CamOptions { SmoothSamples = 4, MaxBatch = 5 };
        var noisyShape = (int[])array.Shape.Clone();
        noisyShape[0] *= smoothOptions.SmoothSamples;
        var noisyPath = Path.Combine(outDir, "noisy.npy");
        NpyFile.Write(noisyPath, SmoothGradCamPlusPlus.NoisyCopies(input, smoothOptions), noisyShape);
        Python.Run(Fixtures.ReferenceScript, modelPath, inputPath, string.Join(",", Targets), outDir, noisyPath);

        using var explainable = TorchExplainableModel.Open(modelPath);
        var targets = Targets.Select(CamTarget.Class).ToArray();
        foreach (var method in new[] { "gradcam", "gradcam++", "smoothgradcam++", "xgradcam", "layercam", "hirescam", "eigencam", "scorecam", "ablationcam", "cam" })
        {
            var result = CamMethods.Create(method).Compute(explainable, input, targets, smoothOptions);
            var expected = NpyFile.Read(Path.Combine(outDir, method + ".npy"));
            Assert.Equal(expected.Shape, result.Maps.Shape);
            var want = expected.ToSingle();
            var got = result.Maps.Data;
            var worst = 0.0;
            for (var i = 0; i < want.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(want[i] - got[i]));
            }

            Assert.True(worst < 2e-3, $"{model} {method}: max |torch − MedCam| = {worst}");
            Assert.True(want.Max() > 0.99f, $"{model} {method}: the reference map is empty, the check would be vacuous");
        }
    }

    [Fact]
    public void Compute_PackageWithTwoLayers_FusesBothLayersOnInputGrid()
    {
        using var explainable = TorchExplainableModel.Open(Path.Combine(Fixtures.ModelsDir, "cnn3d_package"));
        var array = NpyFile.Read(Path.Combine(Fixtures.ModelsDir, "reference", "cnn3d", "input.npy"));
        var input = new Tensor(array.ToSingle(), array.Shape);
        var options = new CamOptions { Layers = ["stem", "block"], LayerCamTanhRescale = true };
        var fused = new LayerCam().Compute(explainable, input, [CamTarget.Class(0), CamTarget.Class(2), CamTarget.Class(1)], options);
        var block = new LayerCam().Compute(explainable, input, [CamTarget.Class(0), CamTarget.Class(2), CamTarget.Class(1)], options with { Layers = ["block"] });
        Assert.Equal(new[] { 3, 32, 32, 32 }, fused.Maps.Shape);
        Assert.Equal(new[] { "stem", "block" }, fused.Layers);
        Assert.All(fused.Maps.Data, v => Assert.True(float.IsFinite(v) && v >= 0 && v <= 1));

        // Element-wise maximum of the per-layer normalised maps, then normalised again.
        var stem = new LayerCam().Compute(explainable, input, [CamTarget.Class(0), CamTarget.Class(2), CamTarget.Class(1)], options with { Layers = ["stem"] });
        var per = 32 * 32 * 32;
        for (var s = 0; s < 3; s++)
        {
            var max = Enumerable.Range(0, per).Select(i => Math.Max(stem.Maps.Data[(s * per) + i], block.Maps.Data[(s * per) + i])).ToArray();
            InvariantTests.AssertClose(InvariantTests.Normalise(max), fused.Map(s).ToArray(), 1e-5);
        }
    }

    [Fact]
    public void Compute_PredictedClassOnTorchModel_UsesArgmaxOfRealLogits()
    {
        using var explainable = TorchExplainableModel.Open(Path.Combine(Fixtures.ModelsDir, "cnn2d_simple.pt"));
        var array = NpyFile.Read(Path.Combine(Fixtures.ModelsDir, "reference", "cnn2d", "input.npy"));
        var input = new Tensor(array.ToSingle(), array.Shape);
        var logits = NpyFile.Read(Path.Combine(Fixtures.ModelsDir, "reference", "cnn2d", "logits.npy")).ToSingle();
        var result = new GradCam().Compute(explainable, input, CamTarget.Predicted);
        for (var s = 0; s < 3; s++)
        {
            var row = logits.Skip(s * 3).Take(3).ToArray();
            Assert.Equal(Array.IndexOf(row, row.Max()), result.TargetClasses[s]);
        }
    }
}
