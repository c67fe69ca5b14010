using MedCam.Dicom.Network.Client;
using MedCam.Dicom.Network.Tests.Infrastructure;

namespace MedCam.Dicom.Network.Tests;

/// <summary>The MedCam SCU against dcmtk's storescp.</summary>
public sealed class ScuToStorescpTests
{
    [Fact]
    public async Task StoreFiles_EverySyntaxToStorescpWithSmallPdu_ArriveByteIdentical()
    {
        // storescp's +xa list lacks JPEG process 14 (.57); everything else goes.
        var files = (await CtCorpus.TransferSyntaxVariantsAsync()).Where(f => !Path.GetFileName(f).StartsWith("jpeg-p14", StringComparison.Ordinal)).Concat((await CtCorpus.UncompressedAsync(120)).Take(20)).ToArray();
        using var temp = new TempDir();
        var output = temp.Sub("received");
        var port = Peers.FreePort();
        // +B: bit-preserving, so storescp writes exactly the bytes we sent; a 4 KiB PDU forces our fragmentation.
        await using var storescp = Peers.Start("storescp", ["-aet", "STORESCP", "+xa", "+B", "--max-pdu", "4096", "-od", output, "-fe", ".dcm", port.ToString()]);
        await Peers.WaitForPortAsync(port, storescp);
        var client = new DicomClient(new DicomClientOptions { Host = "127.0.0.1", Port = port, CallingAeTitle = "MEDCAM", CalledAeTitle = "STORESCP" });

        var results = await client.StoreFilesAsync(files);

        Assert.All(results, r => Assert.True(r.Succeeded, $"{Path.GetFileName(r.Path)}: {r.Error}"));
        DicomBytes.AssertAllArrivedIdentical(files, Directory.GetFiles(output, "*.dcm"));
    }

    [Fact]
    public async Task StoreFiles_OddLengthDeflatedToStorescpWithOddMaxPdu_ArrivesPaddedToEvenLength()
    {
        using var temp = new TempDir();
        var source = CtCorpus.OddLengthDeflated((await CtCorpus.UncompressedAsync(12, 64, 2))[0], temp.Sub("source"));
        var sent = DicomBytes.DataSet(source);
        Assert.True(sent.Length % 2 == 1 && sent.Length > 2 * 4091, "the fixture must be odd and span several PDUs");
        var output = temp.Sub("received");
        var port = Peers.FreePort();
        // An odd maximum PDU (4097 - 6 = 4091 bytes of PDV data) must still give even fragments: storescp aborts the
        // association on "DIMSE: Odd Fragment Length" otherwise, as it does for an unpadded odd deflated stream.
        await using var storescp = Peers.Start("storescp", ["-aet", "STORESCP", "+xa", "+B", "--max-pdu", "4097", "-od", output, "-fe", ".dcm", port.ToString()]);
        await Peers.WaitForPortAsync(port, storescp);
        var client = new DicomClient(new DicomClientOptions { Host = "127.0.0.1", Port = port, CallingAeTitle = "MEDCAM", CalledAeTitle = "STORESCP" });

        var results = await client.StoreFilesAsync([source]);

        Assert.All(results, r => Assert.True(r.Succeeded, $"{Path.GetFileName(r.Path)}: {r.Error}"));
        var received = Assert.Single(Directory.GetFiles(output, "*.dcm"));
        Assert.Equal("1.2.840.10008.1.2.1.99", DicomBytes.Meta(received).TransferSyntaxUid);
        // Exactly the deflated stream plus one trailing 00H (PS3.5 A.5), and dcmtk inflates it to the original dataset.
        Assert.Equal([.. sent, 0], DicomBytes.DataSet(received));
        var (code, dump) = await Peers.RunAsync("dcmdump", ["+P", "0020,000d", received]);
        Assert.True(code == 0, dump);
        Assert.Contains("StudyInstanceUID", dump, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Echo_ToStorescp_ReturnsSuccess()
    {
        var port = Peers.FreePort();
        using var temp = new TempDir();
        await using var storescp = Peers.Start("storescp", ["-aet", "STORESCP", "-od", temp.Path, port.ToString()]);
        await Peers.WaitForPortAsync(port, storescp);
        var client = new DicomClient(new DicomClientOptions { Host = "127.0.0.1", Port = port, CalledAeTitle = "STORESCP" });

        var status = await client.EchoAsync();

        Assert.True(status.IsSuccess);
    }
}
