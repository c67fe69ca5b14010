namespace MedCam.Torch.Tests;

/// <summary>One model used from several threads at once gives the same results as sequential use.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public void Explain_OneModelFromFourThreads_SameResultsAsSequential()
    {
        var expected = new Reference("cnn3d");
        using var model = TorchModel.Load(TestModels.PathOf("cnn3d_package/model.pt"));
        var baseline = model.Explain(expected.Input, ["block"], expected.Targets);
        var baselineTwoLayers = model.Explain(expected.Input, ["stem", "block"], expected.Targets);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();

        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            for (var i = 0; i < 8; i++)
            {
                // Alternate the split path and the taps path so both run concurrently.
                var twoLayers = (i + t) % 2 == 0;
                var result = model.Explain(expected.Input, twoLayers ? ["stem", "block"] : ["block"], expected.Targets);
                var reference = twoLayers ? baselineTwoLayers : baseline;
                for (var l = 0; l < result.Layers.Count; l++)
                {
                    if (!Close(reference.Layers[l].Gradients.Data, result.Layers[l].Gradients.Data) ||
                        !Close(reference.Layers[l].Activations.Data, result.Layers[l].Activations.Data))
                    {
                        failures.Enqueue($"thread {t} call {i} layer {result.Layers[l].Name} differs");
                    }
                }

                if (!Close(reference.Logits.Data, result.Logits.Data))
                {
                    failures.Enqueue($"thread {t} call {i} logits differ");
                }
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        Assert.Empty(failures);
    }

    private static bool Close(float[] a, float[] b) =>
        a.Length == b.Length && a.Zip(b).All(p => Math.Abs(p.First - p.Second) <= 1e-5f * (1 + Math.Abs(p.First)));
}
