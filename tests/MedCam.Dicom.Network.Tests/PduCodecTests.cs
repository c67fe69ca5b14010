using MedCam.Dicom.Network.Pdus;

namespace MedCam.Dicom.Network.Tests;

public sealed class PduCodecTests
{
    [Fact]
    public void AssociateRequest_RoundTrip_KeepsEveryField()
    {
        var request = new AssociateRequestPdu
        {
            CalledAeTitle = "MEDCAM",
            CallingAeTitle = "STORESCU",
            PresentationContexts =
            [
                new PresentationContextProposal(1, "1.2.840.10008.5.1.4.1.1.2", ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2"]),
                new PresentationContextProposal(255, DicomNetworkUids.Verification, ["1.2.840.10008.1.2"]),
            ],
            UserInformation = new UserInformation
            {
                MaxPduLength = 16384,
                ImplementationClassUid = "1.2.276.0.7230010.3.0.3.6.7",
                ImplementationVersionName = "OFFIS_DCMTK_367",
                AsyncOperations = new AsyncOperationsWindow(5, 3),
                RoleSelections = [new RoleSelection("1.2.840.10008.5.1.4.1.1.2", true, true)],
                OtherItems = [new UserInformationSubItem(0x58, new byte[] { 1, 0, 0, 4, (byte)'u', (byte)'s', (byte)'e', (byte)'r', 0, 0 })],
            },
        };

        var bytes = PduCodec.Encode(request);
        var decoded = Assert.IsType<AssociateRequestPdu>(PduCodec.Decode(PduType.AssociateRequest, bytes.AsMemory(PduCodec.HeaderLength)));

        Assert.Equal(request.CalledAeTitle, decoded.CalledAeTitle);
        Assert.Equal(request.CallingAeTitle, decoded.CallingAeTitle);
        Assert.Equal(AssociatePdu.DicomApplicationContext, decoded.ApplicationContextName);
        Assert.Equal(2, decoded.PresentationContexts.Count);
        Assert.Equal(request.PresentationContexts[0].TransferSyntaxes, decoded.PresentationContexts[0].TransferSyntaxes);
        Assert.Equal(255, decoded.PresentationContexts[1].Id);
        Assert.Equal(16384u, decoded.UserInformation.MaxPduLength);
        Assert.Equal("OFFIS_DCMTK_367", decoded.UserInformation.ImplementationVersionName);
        Assert.Equal(new AsyncOperationsWindow(5, 3), decoded.UserInformation.AsyncOperations);
        Assert.Equal(request.UserInformation.RoleSelections, decoded.UserInformation.RoleSelections);
        Assert.Equal(0x58, Assert.Single(decoded.UserInformation.OtherItems).ItemType);
    }

    [Fact]
    public void AssociateAccept_RoundTrip_KeepsResults()
    {
        var accept = new AssociateAcceptPdu
        {
            CalledAeTitle = "MEDCAM",
            CallingAeTitle = "X",
            PresentationContexts =
            [
                new PresentationContextAnswer(1, PresentationContextResult.Acceptance, "1.2.840.10008.1.2.1"),
                new PresentationContextAnswer(3, PresentationContextResult.AbstractSyntaxNotSupported, null),
            ],
            UserInformation = new UserInformation { MaxPduLength = 0, ImplementationClassUid = "1.2.3" },
        };

        var decoded = Assert.IsType<AssociateAcceptPdu>(PduCodec.Decode(PduType.AssociateAccept, PduCodec.Encode(accept).AsMemory(6)));

        Assert.Equal(accept.PresentationContexts, decoded.PresentationContexts);
        Assert.Equal(0u, decoded.UserInformation.MaxPduLength);
    }

    [Theory]
    [InlineData(PduType.ReleaseRequest)]
    [InlineData(PduType.ReleaseResponse)]
    public void ReleasePdus_HaveTheStandardTenBytes(PduType type)
    {
        Pdu pdu = type == PduType.ReleaseRequest ? ReleaseRequestPdu.Instance : ReleaseResponsePdu.Instance;

        var bytes = PduCodec.Encode(pdu);

        Assert.Equal([(byte)type, 0, 0, 0, 0, 4, 0, 0, 0, 0], bytes);
        Assert.Equal(pdu, PduCodec.Decode(type, bytes.AsMemory(6)));
    }

    [Fact]
    public void RejectAndAbort_RoundTrip()
    {
        var reject = new AssociateRejectPdu(AssociateRejectResult.Transient, AssociateRejectSource.ServiceProviderPresentation, 2);
        var abort = new AbortPdu(AbortSource.ServiceProvider, AbortReason.InvalidPduParameterValue);

        Assert.Equal(reject, PduCodec.Decode(PduType.AssociateReject, PduCodec.Encode(reject).AsMemory(6)));
        Assert.Equal(abort, PduCodec.Decode(PduType.Abort, PduCodec.Encode(abort).AsMemory(6)));
        Assert.Equal([7, 0, 0, 0, 0, 4, 0, 0, 2, 6], PduCodec.Encode(abort));
    }

    [Fact]
    public void PData_SeveralValues_SplitWithFlags()
    {
        var pdu = new PDataPdu(
        [
            new PresentationDataValue(1, true, true, new byte[] { 1, 2, 3 }),
            new PresentationDataValue(3, false, false, new byte[] { 4, 5 }),
        ]);

        var values = PduCodec.DecodePresentationDataValues(PduCodec.Encode(pdu).AsMemory(6));

        Assert.Equal(2, values.Count);
        Assert.True(values[0].IsCommand && values[0].IsLastFragment);
        Assert.Equal([1, 2, 3], values[0].Data.ToArray());
        Assert.False(values[1].IsCommand || values[1].IsLastFragment);
        Assert.Equal(3, values[1].PresentationContextId);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 10, 1, 3, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 1, 1 })]
    [InlineData(new byte[] { 0, 0, 0, 2, 2, 3 })]
    [InlineData(new byte[] { 0, 0, 0, 2, 1, 0xF3 })]
    [InlineData(new byte[0])]
    public void PData_Malformed_Throws(byte[] body)
    {
        Assert.Throws<DicomPduException>(() => PduCodec.DecodePresentationDataValues(body));
    }

    [Fact]
    public void AssociateRequest_TruncatedOrWithoutContexts_Throws()
    {
        var bytes = PduCodec.Encode(new AssociateRequestPdu
        {
            CalledAeTitle = "A",
            CallingAeTitle = "B",
            PresentationContexts = [new PresentationContextProposal(1, "1.2", ["1.2.840.10008.1.2"])],
            UserInformation = new UserInformation { ImplementationClassUid = "1.2" },
        });

        Assert.Throws<DicomPduException>(() => PduCodec.Decode(PduType.AssociateRequest, bytes.AsMemory(6, 60)));
        Assert.Throws<DicomPduException>(() => PduCodec.Decode(PduType.AssociateRequest, bytes.AsMemory(6, bytes.Length - 10)));
        Assert.Throws<DicomPduException>(() => PduCodec.Decode((PduType)9, bytes.AsMemory(6)));
    }
}
