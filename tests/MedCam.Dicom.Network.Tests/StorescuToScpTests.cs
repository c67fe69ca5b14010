using MedCam.Dicom.Network.Tests.Infrastructure;

namespace MedCam.Dicom.Network.Tests;

/// <summary>dcmtk senders against the MedCam storage SCP.</summary>
public sealed class StorescuToScpTests
{
    [Fact]
    public async Task Storescu_FourConcurrentSendersWithFullProposal_EveryFileArrivesByteIdentical()
    {
        var files = await CtCorpus.UncompressedAsync(120);
        await using var scp = await ScpHarness.StartAsync();
        using var temp = new TempDir();
        // Four senders, 30 files each, each proposing storescu's full default list (~128 contexts, no -R).
        var senders = Enumerable.Range(0, 4).Select(async s =>
        {
            var dir = temp.Sub($"sender{s}");
            foreach (var file in files.Skip(s * 30).Take(30))
            {
                File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
            }

            return await Peers.RunAsync("storescu", ["-aet", $"SENDER{s}", "-aec", ScpHarness.AeTitle, "+sd", "127.0.0.1", scp.Port.ToString(), dir]);
        }).ToArray();
        var results = await Task.WhenAll(senders);

        foreach (var (code, output) in results)
        {
            Assert.True(code == 0, $"storescu failed: {output}");
        }

        var received = scp.ReceivedFiles();
        Assert.Equal(120, received.Length);
        DicomBytes.AssertAllArrivedIdentical(files, received);
        // dcmtk reads every stored file as a valid Part 10 file.
        var (ftest, ftestOutput) = await Peers.RunAsync("dcmftest", received);
        Assert.True(ftest == 0, ftestOutput);
        Assert.DoesNotContain("no:", ftestOutput, StringComparison.Ordinal);
        // One folder per study: the corpus has three studies.
        Assert.Equal(3, received.Select(Path.GetDirectoryName).Distinct().Count());
        Assert.DoesNotContain(CtCorpus.PatientName, scp.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(CtCorpus.PatientId, scp.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dcmsend_CompressedAndOtherTransferSyntaxes_ArriveInTheirOwnSyntaxByteIdentical()
    {
        // dcmsend proposes big endian and implicit files inside one "all uncompressed" context, led by explicit
        // little endian, and converts them itself; those two syntaxes are covered by the MedCam SCU tests instead.
        var files = (await CtCorpus.TransferSyntaxVariantsAsync())
            .Where(f => !Path.GetFileName(f).StartsWith("bigendian", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith("implicit", StringComparison.Ordinal))
            .ToArray();
        await using var scp = await ScpHarness.StartAsync();

        var (code, output) = await Peers.RunAsync("dcmsend", ["-aet", "DCMSEND", "-aec", ScpHarness.AeTitle, "127.0.0.1", scp.Port.ToString(), .. files]);

        Assert.True(code == 0, $"dcmsend failed: {output}");
        var received = scp.ReceivedFiles();
        Assert.Equal(files.Length, received.Length);
        DicomBytes.AssertAllArrivedIdentical(files, received);
        Assert.Contains(received, p => DicomBytes.Meta(p).TransferSyntaxUid == "1.2.840.10008.1.2.4.70");
        Assert.Contains(received, p => DicomBytes.Meta(p).TransferSyntaxUid == "1.2.840.10008.1.2.5");
        Assert.Contains(received, p => DicomBytes.Meta(p).TransferSyntaxUid == "1.2.840.10008.1.2.1.99");
        // Even deflated and big-endian datasets are filed under their study.
        Assert.DoesNotContain(received, p => p.Contains("unknown-study", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StorescuJpegProposal_JpegLosslessFiles_ArriveCompressed()
    {
        var files = (await CtCorpus.TransferSyntaxVariantsAsync()).Where(f => Path.GetFileName(f).StartsWith("jpeg-sv1", StringComparison.Ordinal)).ToArray();
        await using var scp = await ScpHarness.StartAsync();

        var (code, output) = await Peers.RunAsync("storescu", ["-xs", "-aet", "STORESCU", "-aec", ScpHarness.AeTitle, "127.0.0.1", scp.Port.ToString(), .. files]);

        Assert.True(code == 0, $"storescu failed: {output}");
        DicomBytes.AssertAllArrivedIdentical(files, scp.ReceivedFiles());
    }

    [Fact]
    public async Task Echoscu_AgainstScp_Succeeds()
    {
        await using var scp = await ScpHarness.StartAsync();

        var (code, output) = await Peers.RunAsync("echoscu", ["-v", "-aet", "ECHOSCU", "-aec", ScpHarness.AeTitle, "127.0.0.1", scp.Port.ToString()]);

        Assert.True(code == 0, $"echoscu failed: {output}");
        Assert.Contains("Received Echo Response (Success)", output, StringComparison.Ordinal);
    }
}
