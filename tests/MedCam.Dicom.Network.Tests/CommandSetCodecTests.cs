using MedCam.Dicom.Network.Dimse;

namespace MedCam.Dicom.Network.Tests;

public sealed class CommandSetCodecTests
{
    [Fact]
    public void CStoreRequest_RoundTrip_KeepsFields()
    {
        var request = DimseCommand.CStoreRequest(7, "1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.5", priority: 2) with
        {
            MoveOriginatorAeTitle = "MOVER",
            MoveOriginatorMessageId = 3,
        };

        var decoded = CommandSetCodec.Decode(CommandSetCodec.Encode(request));

        Assert.Equal(request with { OffendingElements = decoded.OffendingElements }, decoded);
        Assert.True(decoded.HasDataSet);
    }

    [Fact]
    public void Response_RoundTrip_KeepsStatusCommentAndNoDataSet()
    {
        var response = DimseCommand.CStoreRequest(9, "1.2.840.10008.5.1.4.1.1.2", "1.2.3").ResponseWith(DimseStatus.OutOfResources, "disk full");

        var decoded = CommandSetCodec.Decode(CommandSetCodec.Encode(response));

        Assert.Equal(CommandField.CStoreResponse, decoded.CommandField);
        Assert.Equal((ushort)9, decoded.MessageIdBeingRespondedTo);
        Assert.Equal(DimseStatus.OutOfResources, decoded.Status);
        Assert.Equal("disk full", decoded.ErrorComment);
        Assert.False(decoded.HasDataSet);
        Assert.Equal(DimseStatusCategory.Failure, decoded.Status!.Value.Category);
    }

    [Fact]
    public void Encode_StartsWithGroupLengthOfTheRest()
    {
        var bytes = CommandSetCodec.Encode(DimseCommand.CEchoRequest(1));

        Assert.Equal(new byte[] { 0, 0, 0, 0, 4, 0, 0, 0 }, bytes[..8]);
        Assert.Equal((uint)(bytes.Length - 12), BitConverter.ToUInt32(bytes, 8));
    }

    [Fact]
    public void Decode_Garbage_ThrowsNetworkException()
    {
        Assert.Throws<DicomNetworkException>(() => CommandSetCodec.Decode(new byte[] { 0, 0, 0, 1, 0xFF, 0xFF, 0, 0 }));
        Assert.Throws<DicomNetworkException>(() => CommandSetCodec.Decode(new byte[] { 8, 0, 0x16, 0, 2, 0, 0, 0, 0x31, 0 }));
    }
}
