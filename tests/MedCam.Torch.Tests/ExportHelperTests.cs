using System.Diagnostics;

namespace MedCam.Torch.Tests;

/// <summary>The export helper's command line turns an unmodified eager model into a package the runtime explains.</summary>
public sealed class ExportHelperTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("medcam-export-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public async Task CommandLine_SequentialModelTwoLayers_PackageExplainsAtBoth()
    {
        File.WriteAllText(Path.Combine(scratch, "factory_module.py"), """
            import torch
            from torch import nn

            def build():
                torch.manual_seed(3)
                return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 6, 3, padding=1), nn.ReLU(),
                                     nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 2))
            """);
        File.WriteAllText(Path.Combine(scratch, "card.json"), """{ "name": "seq", "class_names": ["no", "yes"], "modality": "US" }""");
        var package = Path.Combine(scratch, "pkg");

        var start = new ProcessStartInfo(TestModels.Python) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { TestModels.ExportHelperPath, "--factory", "factory_module:build", "--input-shape", "1,1,24,24",
                     "--layer", "1", "--layer", "3", "--out", package, "--card", Path.Combine(scratch, "card.json") })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PYTHONPATH"] = scratch;
        using (var process = Process.Start(start)!)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            _ = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, await stderr);
        }

        var opened = ModelPackage.Open(package);
        Assert.Equal("seq", opened.Card.Name);
        Assert.Equal(["no", "yes"], opened.Card.ClassNames);
        Assert.Equal(["1", "3"], opened.Card.TargetLayers);
        using var model = opened.Load();
        Assert.True(model.HasHead("1") && model.HasHead("3"));
        var input = new Tensor(Enumerable.Range(0, 2 * 24 * 24).Select(i => MathF.Sin(i * 0.1f)).ToArray(), 2, 1, 24, 24);

        var both = model.Explain(input, ["1", "3"], [0, 1]);
        var single = model.Explain(input, ["3"], [0, 1]);

        Assert.Equal([2, 4, 24, 24], both.Layer("1").Gradients.Shape);
        Assert.Equal([2, 6, 24, 24], both.Layer("3").Activations.Shape);
        // The taps path (two layers) and the split path (one layer) must agree.
        Reference.AssertClose(single.Layers[0].Gradients, both.Layer("3").Gradients, 1e-5, "gradients at layer 3");
        Reference.AssertClose(model.Forward(input), both.Logits, 1e-5, "logits");
    }
}
