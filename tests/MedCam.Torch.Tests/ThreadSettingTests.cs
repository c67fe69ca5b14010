namespace MedCam.Torch.Tests;

/// <summary>The thread count is process-wide state: this runs alone, after the parallel collections.</summary>
[Collection(MemoryCollection.Name)]
public sealed class ThreadSettingTests
{
    [Fact]
    public void SetNumThreads_ThenCallFromAnotherThread_AppliesThere()
    {
        _ = TestModels.Directory; // its one-time setup sets the thread count too: let it happen first
        var before = TorchRuntime.NumThreads;
        try
        {
            TorchRuntime.SetNumThreads(1);
            var seen = 0;
            var thread = new Thread(() => seen = TorchRuntime.NumThreads);
            thread.Start();
            thread.Join();
            Assert.Equal(1, seen);

            TorchRuntime.SetNumThreads(2);
            thread = new Thread(() => seen = TorchRuntime.NumThreads);
            thread.Start();
            thread.Join();
            Assert.Equal(2, seen);
        }
        finally
        {
            TorchRuntime.SetNumThreads(before);
        }
    }
}

/// <summary>Graph-executor optimisation is per-thread libtorch state: set once, it must hold on every thread.</summary>
[Collection(MemoryCollection.Name)]
public sealed class GraphOptimizationTests
{
    [Fact]
    public void GraphOptimization_DefaultOff_AppliedOnOtherThreadsAndResultsUnchanged()
    {
        _ = TestModels.Directory;
        Assert.False(TorchRuntime.GraphOptimization);
        var expected = new Reference("cnn2d");
        using var model = TorchModel.Load(TestModels.PathOf("cnn2d_simple.pt"));
        var off = model.Forward(expected.Input);
        try
        {
            TorchRuntime.GraphOptimization = true;
            var seen = false;
            Exception? failure = null;
            // Three calls on a fresh thread: the profiling executor optimises from the third call on.
            var thread = new Thread(() =>
            {
                try
                {
                    seen = TorchRuntime.GraphOptimization;
                    for (var i = 0; i < 3; i++)
                    {
                        Reference.AssertClose(expected.Logits, model.Forward(expected.Input), 1e-4, $"logits, optimisation on, call {i + 1}");
                    }
                }
                catch (Exception ex)
                {
                    failure = ex;
                }
            });
            thread.Start();
            thread.Join();
            Assert.Null(failure);
            Assert.True(seen);
            Reference.AssertClose(expected.Logits, model.Forward(expected.Input), 1e-4, "logits, optimisation on");
        }
        finally
        {
            TorchRuntime.GraphOptimization = false;
        }

        var after = false;
        var again = new Thread(() => after = TorchRuntime.GraphOptimization);
        again.Start();
        again.Join();
        Assert.False(after);
        Reference.AssertClose(expected.Logits, off, 1e-4, "logits, optimisation off");
    }
}
