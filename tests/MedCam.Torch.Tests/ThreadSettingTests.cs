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
