using System.Text.Json;

namespace MedCam.Torch.Tests;

/// <summary>Reference outputs of eager PyTorch for one test model (see make_test_models.py).</summary>
public sealed class Reference
{
    private readonly string folder;

    public Reference(string name)
    {
        folder = TestModels.PathOf(Path.Combine("reference", name));
        Input = Npy.Read(Path.Combine(folder, "input.npy"));
        Logits = Npy.Read(Path.Combine(folder, "logits.npy"));
        using var targets = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "targets.json")));
        Targets = targets.RootElement.GetProperty("targets").EnumerateArray().Select(e => e.GetInt32()).ToArray();
    }

    public Tensor Input { get; }

    public Tensor Logits { get; }

    public int[] Targets { get; }

    public Tensor Activations(string layer) => Npy.Read(Path.Combine(folder, $"activations_{layer}.npy"));

    public Tensor Gradients(string layer) => Npy.Read(Path.Combine(folder, $"gradients_{layer}.npy"));

    public static void AssertClose(Tensor expected, Tensor actual, double tolerance, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var scale = Math.Max(1e-6, expected.Data.Max(Math.Abs));
        for (var i = 0; i < expected.Data.Length; i++)
        {
            var difference = Math.Abs(expected.Data[i] - actual.Data[i]);
            if (difference > tolerance * scale)
            {
                Assert.Fail($"{what}: element {i} differs: expected {expected.Data[i]}, got {actual.Data[i]} (|d| = {difference}, max |x| = {scale}).");
            }
        }
    }
}
