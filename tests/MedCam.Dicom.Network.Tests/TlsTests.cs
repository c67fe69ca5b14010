using MedCam.Dicom.Network.Client;
using MedCam.Dicom.Network.Security;
using MedCam.Dicom.Network.Tests.Infrastructure;

namespace MedCam.Dicom.Network.Tests;

/// <summary>DICOM TLS (PS3.15 B.1) between MedCam SCU and SCP, and with dcmtk's TLS client.</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task StoreFiles_OverTls_ArriveByteIdenticalAndPlainClientsAreRefused()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        var files = (await CtCorpus.UncompressedAsync(120)).Take(8).ToArray();
        await using var scp = await ScpHarness.StartAsync(b => b.WithTls(certificate));
        var tlsClient = new DicomClient(new DicomClientOptions
        {
            Host = "127.0.0.1",
            Port = scp.Port,
            CalledAeTitle = ScpHarness.AeTitle,
            Tls = new DicomTlsClientOptions { TargetHost = "localhost", TrustedServerCertificate = certificate },
        });

        var results = await tlsClient.StoreFilesAsync(files);

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        DicomBytes.AssertAllArrivedIdentical(files, scp.ReceivedFiles());

        var plainClient = new DicomClient(new DicomClientOptions
        {
            Host = "127.0.0.1",
            Port = scp.Port,
            CalledAeTitle = ScpHarness.AeTitle,
            Retry = new DicomRetryOptions { MaxRetryAttempts = 0 },
            Timeouts = new() { Response = TimeSpan.FromSeconds(5) },
        });
        await Assert.ThrowsAnyAsync<DicomNetworkException>(() => plainClient.EchoAsync());
        Assert.True((await tlsClient.EchoAsync()).IsSuccess);
    }

    [Fact]
    public async Task Echo_UntrustedServerCertificate_FailsHandshake()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var scp = await ScpHarness.StartAsync(b => b.WithTls(certificate));
        var client = new DicomClient(new DicomClientOptions
        {
            Host = "127.0.0.1",
            Port = scp.Port,
            CalledAeTitle = ScpHarness.AeTitle,
            Tls = new DicomTlsClientOptions { TargetHost = "localhost" },
            Retry = new DicomRetryOptions { MaxRetryAttempts = 0 },
        });

        var error = await Assert.ThrowsAsync<DicomNetworkException>(() => client.EchoAsync());

        Assert.Contains("connect", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task DcmtkAnonymousTlsClients_AgainstTlsScp_EchoAndStoreSucceed()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        var files = (await CtCorpus.UncompressedAsync(120)).Take(5).ToArray();
        await using var scp = await ScpHarness.StartAsync(b => b.WithTls(certificate));

        var echo = await Peers.RunAsync("echoscu", ["+tla", "-ic", "-aec", ScpHarness.AeTitle, "127.0.0.1", scp.Port.ToString()]);
        var store = await Peers.RunAsync("storescu", ["+tla", "-ic", "-aec", ScpHarness.AeTitle, "127.0.0.1", scp.Port.ToString(), .. files]);

        Assert.True(echo.ExitCode == 0, echo.Output);
        Assert.True(store.ExitCode == 0, store.Output);
        DicomBytes.AssertAllArrivedIdentical(files, scp.ReceivedFiles());
    }
}
