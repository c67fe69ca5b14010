using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using MedCam.Dicom.Network.Pdus;
using MedCam.Dicom.Network.Tests.Infrastructure;

namespace MedCam.Dicom.Network.Tests;

/// <summary>What the SCP answers in its A-ASSOCIATE-AC, read off the wire.</summary>
public sealed class NegotiationTests
{
    private const string Ct = "1.2.840.10008.5.1.4.1.1.2";

    [Fact]
    public async Task AssociateAccept_AnswersRoleSelectionAsyncWindowAndMaxPdu()
    {
        await using var scp = await ScpHarness.StartAsync(b => b.WithMaxPduLength(65536));
        var request = new AssociateRequestPdu
        {
            CalledAeTitle = ScpHarness.AeTitle,
            CallingAeTitle = "RAW",
            PresentationContexts =
            [
                new PresentationContextProposal(1, Ct, [DicomNetworkUids.ExplicitVrLittleEndian]),
                new PresentationContextProposal(3, "1.2.840.10008.5.1.4.1.2.2.3", [DicomNetworkUids.ImplicitVrLittleEndian]),
            ],
            UserInformation = new UserInformation
            {
                MaxPduLength = 32768,
                ImplementationClassUid = "1.2.3.4",
                AsyncOperations = new AsyncOperationsWindow(8, 8),
                RoleSelections = [new RoleSelection(Ct, true, true), new RoleSelection("1.2.840.10008.5.1.4.1.2.2.3", true, false)],
            },
        };

        var accept = Assert.IsType<AssociateAcceptPdu>(await AssociateRawAsync(scp.Port, request));

        Assert.Equal(PresentationContextResult.Acceptance, accept.PresentationContexts.Single(c => c.Id == 1).Result);
        // Study Root C-GET is not a storage SOP class: refused, and so is its role selection answer.
        Assert.Equal(PresentationContextResult.AbstractSyntaxNotSupported, accept.PresentationContexts.Single(c => c.Id == 3).Result);
        Assert.Equal([new RoleSelection(Ct, true, false)], accept.UserInformation.RoleSelections);
        Assert.Equal(new AsyncOperationsWindow(1, 1), accept.UserInformation.AsyncOperations);
        Assert.Equal(65536u, accept.UserInformation.MaxPduLength);
        Assert.Equal(DicomNetworkUids.ImplementationClassUid, accept.UserInformation.ImplementationClassUid);
    }

    [Fact]
    public async Task AssociateRequest_UnknownApplicationContextOrProtocolVersion_Rejected()
    {
        await using var scp = await ScpHarness.StartAsync();
        var good = new AssociateRequestPdu
        {
            CalledAeTitle = ScpHarness.AeTitle,
            CallingAeTitle = "RAW",
            PresentationContexts = [new PresentationContextProposal(1, DicomNetworkUids.Verification, [DicomNetworkUids.ImplicitVrLittleEndian])],
            UserInformation = new UserInformation { MaxPduLength = 16384, ImplementationClassUid = "1.2.3.4" },
        };

        var badContext = Assert.IsType<AssociateRejectPdu>(await AssociateRawAsync(scp.Port, good with { ApplicationContextName = "1.2.3" }));
        var badVersion = Assert.IsType<AssociateRejectPdu>(await AssociateRawAsync(scp.Port, good with { ProtocolVersion = 2 }));

        Assert.Equal(AssociateRejectReason.ApplicationContextNotSupported, badContext.Reason);
        Assert.Equal(AssociateRejectSource.ServiceProviderAcse, badVersion.Source);
        Assert.Equal(AssociateRejectReason.ProtocolVersionNotSupported, badVersion.Reason);
    }

    private static async Task<Pdu> AssociateRawAsync(int port, AssociateRequestPdu request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(PduCodec.Encode(request));
        var header = new byte[6];
        await stream.ReadExactlyAsync(header);
        var body = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(2))];
        await stream.ReadExactlyAsync(body);
        return PduCodec.Decode((PduType)header[0], body);
    }
}
