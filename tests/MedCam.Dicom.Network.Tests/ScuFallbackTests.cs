using MedCam.Dicom.Network.Client;
using MedCam.Dicom.Network.Tests.Infrastructure;

namespace MedCam.Dicom.Network.Tests;

/// <summary>
/// Peers that refuse a file's own transfer syntax get it decoded by the DICOM core into the uncompressed syntax
/// they accepted; pixel data must equal what dcmtk's own decoders make of the same file.
/// </summary>
public sealed class ScuFallbackTests
{
    [Fact]
    public async Task StoreFiles_RleAndDeflatedToUncompressedOnlyStorescp_ArriveDecodedLikeDcmtkDecodes()
    {
        var variants = await CtCorpus.TransferSyntaxVariantsAsync();
        var files = variants.Where(f => Name(f).StartsWith("rle", StringComparison.Ordinal) || Name(f).StartsWith("deflated", StringComparison.Ordinal)).ToArray();
        var jpeg = variants.First(f => Name(f).StartsWith("jpeg-sv1", StringComparison.Ordinal));
        using var temp = new TempDir();
        var output = temp.Sub("received");
        var port = Peers.FreePort();
        // storescp without +x options accepts the three uncompressed syntaxes only.
        await using var storescp = Peers.Start("storescp", ["-aet", "STORESCP", "+B", "-od", output, "-fe", ".dcm", port.ToString()]);
        await Peers.WaitForPortAsync(port, storescp);
        var client = new DicomClient(new DicomClientOptions { Host = "127.0.0.1", Port = port, CalledAeTitle = "STORESCP" });

        var results = await client.StoreFilesAsync([.. files, jpeg]);

        Assert.All(results.Take(files.Length), r => Assert.True(r.Succeeded, r.Error));
        var jpegResult = results[^1];
        Assert.False(jpegResult.Succeeded);
        Assert.Contains("1.2.840.10008.1.2.4.70", jpegResult.Error, StringComparison.Ordinal);
        var received = Directory.GetFiles(output, "*.dcm").ToDictionary(p => DicomBytes.Meta(p).SopInstanceUid);
        Assert.Equal(files.Length, received.Count);
        foreach (var source in files)
        {
            var reference = Path.Combine(temp.Path, Name(source));
            var tool = Name(source).StartsWith("rle", StringComparison.Ordinal) ? "dcmdrle" : "dcmconv";
            var (code, log) = await Peers.RunAsync(tool, tool == "dcmconv" ? ["+te", source, reference] : ["+te", source, reference]);
            Assert.True(code == 0, log);
            var copy = received[DicomBytes.Meta(source).SopInstanceUid];
            Assert.NotEqual(DicomBytes.Meta(source).TransferSyntaxUid, DicomBytes.Meta(copy).TransferSyntaxUid);
            Assert.True(Pixels(reference).AsSpan().SequenceEqual(Pixels(copy)), $"{Name(source)}: pixel data differs from dcmtk's decoding.");
        }
    }

    [Fact]
    public async Task StoreFiles_BigEndianAndImplicitToExplicitOnlyScp_ArriveAsExplicitWithDcmtkEqualPixels()
    {
        var files = (await CtCorpus.TransferSyntaxVariantsAsync())
            .Where(f => Name(f).StartsWith("bigendian", StringComparison.Ordinal) || Name(f).StartsWith("implicit", StringComparison.Ordinal)).ToArray();
        await using var scp = await ScpHarness.StartAsync(b => b.AcceptTransferSyntaxes(ts => ts == DicomNetworkUids.ExplicitVrLittleEndian));
        using var temp = new TempDir();
        var client = new DicomClient(new DicomClientOptions { Host = "127.0.0.1", Port = scp.Port, CalledAeTitle = ScpHarness.AeTitle });

        var results = await client.StoreFilesAsync(files);

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        var received = scp.ReceivedFiles().ToDictionary(p => DicomBytes.Meta(p).SopInstanceUid);
        foreach (var source in files)
        {
            var reference = Path.Combine(temp.Path, Name(source));
            var (code, log) = await Peers.RunAsync("dcmconv", ["+te", source, reference]);
            Assert.True(code == 0, log);
            var copy = received[DicomBytes.Meta(source).SopInstanceUid];
            Assert.Equal(DicomNetworkUids.ExplicitVrLittleEndian, DicomBytes.Meta(copy).TransferSyntaxUid);
            Assert.True(Pixels(reference).AsSpan().SequenceEqual(Pixels(copy)), $"{Name(source)}: pixel data differs from dcmconv's conversion.");
        }
    }

    [Fact]
    public async Task StoreFiles_FallbackDisabled_RefusedSyntaxIsReportedNotConverted()
    {
        var rle = (await CtCorpus.TransferSyntaxVariantsAsync()).First(f => Name(f).StartsWith("rle", StringComparison.Ordinal));
        await using var scp = await ScpHarness.StartAsync(b => b.AcceptTransferSyntaxes(DicomNetworkUids.IsUncompressed));
        var client = new DicomClient(new DicomClientOptions { Host = "127.0.0.1", Port = scp.Port, CalledAeTitle = ScpHarness.AeTitle, FallbackToUncompressed = false });

        var result = Assert.Single(await client.StoreFilesAsync([rle]));

        Assert.False(result.Succeeded);
        Assert.Contains("No accepted presentation context", result.Error, StringComparison.Ordinal);
        Assert.Empty(scp.ReceivedFiles());
    }

    private static string Name(string path) => Path.GetFileName(path);

    private static byte[] Pixels(string path)
    {
        using var file = DicomFile.Open(path);
        return ((DicomElement)file.Dataset.GetItem(DicomTags.PixelData)).Data.ToArray();
    }
}
