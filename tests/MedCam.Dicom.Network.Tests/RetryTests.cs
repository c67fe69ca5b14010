using System.Diagnostics;
using MedCam.Dicom.Network.Client;
using MedCam.Dicom.Network.Pdus;
using MedCam.Dicom.Network.Tests.Infrastructure;
using Polly;

namespace MedCam.Dicom.Network.Tests;

/// <summary>The SCU's Polly retry: transient failures retried, permanent rejections not.</summary>
public sealed class RetryTests
{
    [Fact]
    public async Task StoreFiles_TransientRejectionUntilSlotFrees_SucceedsOnRetry()
    {
        var files = (await CtCorpus.UncompressedAsync(120)).Take(3).ToArray();
        await using var scp = await ScpHarness.StartAsync(b => b.WithMaxAssociations(1));
        var holder = new DicomClient(new DicomClientOptions { Host = "127.0.0.1", Port = scp.Port, CalledAeTitle = ScpHarness.AeTitle });
        var held = await holder.AssociateAsync([new PresentationContextProposal(1, DicomNetworkUids.Verification, [DicomNetworkUids.ImplicitVrLittleEndian])]);
        var client = new DicomClient(new DicomClientOptions
        {
            Host = "127.0.0.1",
            Port = scp.Port,
            CalledAeTitle = ScpHarness.AeTitle,
            Retry = new DicomRetryOptions { MaxRetryAttempts = 10, Delay = TimeSpan.FromMilliseconds(100), BackoffType = DelayBackoffType.Constant },
        });

        var sending = client.StoreFilesAsync(files);
        await Task.Delay(400);
        Assert.False(sending.IsCompleted);
        await held.ReleaseAsync();
        await held.DisposeAsync();
        var results = await sending;

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        Assert.Equal(3, scp.ReceivedFiles().Length);
    }

    [Fact]
    public async Task Echo_PermanentRejection_IsNotRetried()
    {
        await using var scp = await ScpHarness.StartAsync(b => b.AllowCallingAeTitles("ONLYME"));
        var client = new DicomClient(new DicomClientOptions
        {
            Host = "127.0.0.1",
            Port = scp.Port,
            CallingAeTitle = "SOMEONE",
            CalledAeTitle = ScpHarness.AeTitle,
            Retry = new DicomRetryOptions { MaxRetryAttempts = 3, Delay = TimeSpan.FromSeconds(2), BackoffType = DelayBackoffType.Constant },
        });
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAsync<DicomAssociationRejectedException>(() => client.EchoAsync());

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1.5), $"A permanent rejection was retried ({watch.Elapsed}).");
    }

    [Fact]
    public async Task Echo_NothingListening_RetriesThenReportsConnectFailure()
    {
        var port = Peers.FreePort();
        var attempts = 0;
        var client = new DicomClient(new DicomClientOptions
        {
            Host = "127.0.0.1",
            Port = port,
            ResiliencePipeline = new ResiliencePipelineBuilder()
                .AddRetry(new Polly.Retry.RetryStrategyOptions
                {
                    MaxRetryAttempts = 2,
                    Delay = TimeSpan.FromMilliseconds(10),
                    ShouldHandle = new PredicateBuilder().Handle<DicomNetworkException>(),
                    OnRetry = _ => { Interlocked.Increment(ref attempts); return ValueTask.CompletedTask; },
                })
                .Build(),
        });

        var error = await Assert.ThrowsAsync<DicomNetworkException>(() => client.EchoAsync());

        Assert.Equal(2, attempts);
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }
}
