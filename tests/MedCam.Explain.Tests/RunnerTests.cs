using System.Text.Json.Nodes;
using MedCam.Explain.Runs;
using MedCam.Explain.Tests.Support;
using MedCam.Imaging.NumPy;

namespace MedCam.Explain.Tests;

/// <summary>The `medcam explain` / `medcam evaluate` logic end to end on a real TorchScript model.</summary>
public class RunnerTests
{
    [Fact]
    public void ExplainRunner_SingleMethod_WritesFloat32MapOnInputGridAndSummary()
    {
        var input = ExplainRunner.ReadInput(Path.Combine(Fixtures.ModelsDir, "reference", "cnn2d", "input.npy"));
        var outDir = Fixtures.TempDir();
        var summary = ExplainRunner.Run(new ExplainRequest
        {
            Model = Path.Combine(Fixtures.ModelsDir, "cnn2d_simple.pt"),
            Input = input,
            Methods = ["gradcam++"],
            TargetClass = 2,
            Filter = PostFilterKind.RankGaussian,
            OutputDirectory = outDir,
        });

        var cam = NpyFile.Read(Path.Combine(outDir, "cam.npy"));
        Assert.Equal(NpyDataType.Float32, cam.DataType);
        Assert.Equal(new[] { 3, 64, 64 }, cam.Shape);
        Assert.All(cam.ToSingle(), v => Assert.InRange(v, 0f, 1f));
        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")))!;
        Assert.Equal("gradcam++", (string?)written["methods"]![0]!["method"]);
        Assert.Equal(2, (int)written["samples"]![1]!["target_class"]!);
        Assert.Equal(3, written["samples"]![0]!["probabilities"]!.AsArray().Count);
        Assert.NotNull(summary["timings_ms"]);
    }

    [Fact]
    public void ExplainRunner_All_OneMapPerMethod()
    {
        var input = ExplainRunner.ReadInput(Path.Combine(Fixtures.ModelsDir, "reference", "cnn2d", "input.npy"));
        var outDir = Fixtures.TempDir();
        ExplainRunner.Run(new ExplainRequest { Model = Path.Combine(Fixtures.ModelsDir, "cnn2d_simple.pt"), Input = input, Methods = ["all"], OutputDirectory = outDir });
        foreach (var method in Methods.CamMethods.Names)
        {
            Assert.True(File.Exists(Path.Combine(outDir, $"cam_{ExplainRunner.FileSafe(method)}.npy")), method);
        }
    }

    [Fact]
    public void ReadInput_WrongRank_NamesTheExpectedLayout()
    {
        var path = Path.Combine(Fixtures.TempDir(), "flat.npy");
        NpyFile.Write(path, new float[16], 4, 4);
        var e = Assert.Throws<ArgumentException>(() => ExplainRunner.ReadInput(path));
        Assert.Contains("N×C×spatial", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EvaluateRunner_GradCamWithMask_AllMetricsInRange()
    {
        var array = NpyFile.Read(Path.Combine(Fixtures.ModelsDir, "reference", "cnn2d", "input.npy"));
        var input = new Torch.Tensor(array.ToSingle(), array.Shape).Slice(0);
        var mask = new bool[64 * 64];
        for (var y = 20; y < 40; y++)
        {
            for (var x = 10; x < 30; x++)
            {
                mask[(y * 64) + x] = true;
            }
        }

        var file = Path.Combine(Fixtures.TempDir(), "metrics.json");
        var report = EvaluateRunner.Run(new EvaluateRequest
        {
            Model = Path.Combine(Fixtures.ModelsDir, "cnn2d_simple.pt"),
            Input = input,
            Mask = mask,
            Methods = ["gradcam"],
            SpacingMm = [0.5, 0.5],
            DeletionSteps = 8,
            OutputFile = file,
        });
        var sample = report["gradcam"]!["samples"]![0]!;
        foreach (var key in new[] { "deletion_auc", "insertion_auc", "energy_pointing_game", "iou", "ioa" })
        {
            Assert.InRange((double)sample[key]!, 0.0, 1.0);
        }

        Assert.Equal(5, sample["road_morf_change"]!.AsArray().Count);
        Assert.True(File.Exists(file));
    }
}
