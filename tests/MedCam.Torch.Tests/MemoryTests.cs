using System.Globalization;
using Xunit.Abstractions;

namespace MedCam.Torch.Tests;

/// <summary>
/// Hundreds of explain calls do not grow the process's resident memory. RSS is process-wide, so this runs alone,
/// after the parallel test collections.
/// </summary>
[Collection(MemoryCollection.Name)]
public sealed class MemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void Explain_ThreeHundredCalls_ResidentMemoryStaysBounded()
    {
        var expected = new Reference("cnn2d");
        using var model = TorchModel.Load(TestModels.PathOf("cnn2d_package/model.pt"));
        // Two-layer calls return ~1.2 MB of activations + gradients, one-layer calls ~0.2 MB: leaking the native
        // results would add well over 100 MB.
        for (var i = 0; i < 30; i++)
        {
            Run(model, expected, i);
        }

        var before = ResidentKilobytes();
        for (var i = 0; i < 300; i++)
        {
            Run(model, expected, i);
        }

        var after = ResidentKilobytes();

        var growthMegabytes = (after - before) / 1024.0;
        output.WriteLine($"RSS {before} kB -> {after} kB over 300 explain calls ({growthMegabytes:F1} MB)");
        Assert.True(growthMegabytes < 40, $"RSS grew by {growthMegabytes:F1} MB over 300 explain calls ({before} kB -> {after} kB).");
    }

    private static void Run(TorchModel model, Reference expected, int i)
    {
        _ = i % 3 == 0
            ? model.Explain(expected.Input, ["stem", "block"], expected.Targets)
            : model.Explain(expected.Input, ["block"], expected.Targets);
        _ = model.Head("block", Tensor.Zeros(3, 16, 16, 16));
        if (i % 10 == 0)
        {
            Assert.Throws<TargetClassException>(() => model.Explain(expected.Input, ["block"], [0, 1, 9]));
        }

        // Managed garbage is not what is measured: collect it so only native growth remains.
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    private static long ResidentKilobytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryCollection
{
    public const string Name = "Process-wide state (runs alone)";
}
