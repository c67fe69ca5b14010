using System.Net;
using MedCam.Dicom.Network.Client;
using MedCam.Dicom.Network.Pdus;
using MedCam.Dicom.Network.Tests.Infrastructure;

namespace MedCam.Dicom.Network.Tests;

/// <summary>Association-level access control answered with A-ASSOCIATE-RJ (PS3.8 Table 9-21).</summary>
public sealed class SecurityTests
{
    [Fact]
    public async Task Associate_CallingAeNotAllowed_RejectedPermanentlyWithReason3()
    {
        await using var scp = await ScpHarness.StartAsync(b => b.AllowCallingAeTitles("GOODSCU"));

        var error = await Assert.ThrowsAsync<DicomAssociationRejectedException>(() => Client(scp.Port, "BADSCU").EchoAsync());
        var dcmtk = await Peers.RunAsync("echoscu", ["-aet", "BADSCU", "-aec", ScpHarness.AeTitle, "127.0.0.1", scp.Port.ToString()]);

        Assert.Equal(AssociateRejectResult.Permanent, error.Reject.Result);
        Assert.Equal(AssociateRejectSource.ServiceUser, error.Reject.Source);
        Assert.Equal(AssociateRejectReason.CallingAeNotRecognized, error.Reject.Reason);
        Assert.NotEqual(0, dcmtk.ExitCode);
        Assert.Contains("Calling AE Title Not Recognized", dcmtk.Output, StringComparison.OrdinalIgnoreCase);
        Assert.True((await Client(scp.Port, "GOODSCU").EchoAsync()).IsSuccess);
    }

    [Fact]
    public async Task Associate_WrongCalledAe_RejectedWithReason7()
    {
        await using var scp = await ScpHarness.StartAsync();

        var error = await Assert.ThrowsAsync<DicomAssociationRejectedException>(() => Client(scp.Port, "ANY", calledAe: "NOTMEDCAM").EchoAsync());

        Assert.Equal(AssociateRejectReason.CalledAeNotRecognized, error.Reject.Reason);
        Assert.Equal(AssociateRejectSource.ServiceUser, error.Reject.Source);
    }

    [Fact]
    public async Task Associate_HostNotAllowed_Rejected()
    {
        await using var scp = await ScpHarness.StartAsync(b => b.AllowHosts(IPNetwork.Parse("10.0.0.0/8")));

        var error = await Assert.ThrowsAsync<DicomAssociationRejectedException>(() => Client(scp.Port, "ANY").EchoAsync());

        Assert.Equal(AssociateRejectResult.Permanent, error.Reject.Result);
    }

    [Fact]
    public async Task Associate_OverMaxAssociations_RejectedTransientlyUntilOneIsReleased()
    {
        await using var scp = await ScpHarness.StartAsync(b => b.WithMaxAssociations(1));
        var verification = new PresentationContextProposal(1, DicomNetworkUids.Verification, [DicomNetworkUids.ImplicitVrLittleEndian]);
        var first = await Client(scp.Port, "FIRST").AssociateAsync([verification]);

        var error = await Assert.ThrowsAsync<DicomAssociationRejectedException>(() => Client(scp.Port, "SECOND").EchoAsync());
        Assert.True(error.IsTransient);
        Assert.Equal(AssociateRejectSource.ServiceProviderPresentation, error.Reject.Source);
        Assert.Equal(AssociateRejectReason.LocalLimitExceeded, error.Reject.Reason);

        Assert.True((await first.EchoAsync()).IsSuccess);
        await first.ReleaseAsync();
        await first.DisposeAsync();
        await WaitUntil(() => scp.Server.ActiveAssociations == 0);
        Assert.True((await Client(scp.Port, "SECOND").EchoAsync()).IsSuccess);
    }

    private static DicomClient Client(int port, string callingAe, string calledAe = ScpHarness.AeTitle) => new(new DicomClientOptions
    {
        Host = "127.0.0.1",
        Port = port,
        CallingAeTitle = callingAe,
        CalledAeTitle = calledAe,
        Retry = new DicomRetryOptions { MaxRetryAttempts = 0 },
    });

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }
}
