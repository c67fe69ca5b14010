using System.Text.Json.Nodes;
using MedCam.Dicom.Network.Client;
using MedCam.Dicom.Network.Tests.Infrastructure;

namespace MedCam.Dicom.Network.Tests;

/// <summary>Orthanc as the PACS: MedCam sends to it, and it routes studies to MedCam.</summary>
public sealed class OrthancTests
{
    [Fact]
    public async Task StoreFiles_ToOrthanc_EveryInstanceArrivesWithUnchangedPixelData()
    {
        var files = (await CtCorpus.UncompressedAsync(120)).Take(10)
            .Concat((await CtCorpus.TransferSyntaxVariantsAsync()).Where(f => !Path.GetFileName(f).StartsWith("bigendian", StringComparison.Ordinal)))
            .ToArray();
        await using var orthanc = await OrthancPeer.StartAsync(Peers.FreePort());
        var client = new DicomClient(new DicomClientOptions { Host = "127.0.0.1", Port = orthanc.DicomPort, CalledAeTitle = OrthancPeer.AeTitle });

        var results = await client.StoreFilesAsync(files);

        Assert.All(results, r => Assert.True(r.Succeeded, $"{Path.GetFileName(r.Path)}: {r.Error}"));
        var ids = await orthanc.InstanceIdsAsync();
        Assert.Equal(files.Length, ids.Length);
        var stored = new Dictionary<string, byte[]>();
        foreach (var id in ids)
        {
            var bytes = await orthanc.FileAsync(id);
            using var file = DicomFile.Parse(bytes);
            stored[file.Dataset.GetString(DicomTags.SOPInstanceUID)] = PixelBytes(file);
        }

        foreach (var source in files)
        {
            using var file = DicomFile.Open(source);
            var uid = file.Dataset.GetString(DicomTags.SOPInstanceUID);
            Assert.True(stored.TryGetValue(uid, out var pixels), $"{Path.GetFileName(source)} is missing in Orthanc.");
            Assert.True(PixelBytes(file).AsSpan().SequenceEqual(pixels), $"{Path.GetFileName(source)}: pixel data changed in Orthanc.");
        }
    }

    [Fact]
    public async Task OrthancModalityStore_ToMedCamScp_RoutesEveryInstance()
    {
        var files = (await CtCorpus.UncompressedAsync(120)).Skip(40).Take(15)
            .Concat((await CtCorpus.TransferSyntaxVariantsAsync()).Where(f => Path.GetFileName(f).StartsWith("jpeg-sv1", StringComparison.Ordinal) || Path.GetFileName(f).StartsWith("rle", StringComparison.Ordinal)))
            .ToArray();
        await using var scp = await ScpHarness.StartAsync(b => b.AllowCallingAeTitles(OrthancPeer.AeTitle));
        await using var orthanc = await OrthancPeer.StartAsync(scp.Port);
        var ids = new List<string>();
        foreach (var file in files)
        {
            ids.Add((await orthanc.UploadAsync(file)).Id);
        }

        var body = new JsonObject { ["Resources"] = new JsonArray([.. ids.Select(id => JsonValue.Create(id))]), ["Synchronous"] = true };
        using var content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await orthanc.Http.PostAsync("modalities/medcam/store", content);

        Assert.True(response.IsSuccessStatusCode, $"Orthanc C-STORE to MedCam failed: {await response.Content.ReadAsStringAsync()}\n{orthanc.Output}");
        var received = scp.ReceivedFiles();
        Assert.Equal(files.Length, received.Length);
        var byUid = received.ToDictionary(p => DicomBytes.Meta(p).SopInstanceUid);
        foreach (var source in files)
        {
            using var original = DicomFile.Open(source);
            var uid = original.Dataset.GetString(DicomTags.SOPInstanceUID);
            Assert.True(byUid.TryGetValue(uid, out var copyPath), $"{Path.GetFileName(source)} was not routed.");
            using var copy = DicomFile.Open(copyPath);
            Assert.True(PixelBytes(original).AsSpan().SequenceEqual(PixelBytes(copy)), $"{Path.GetFileName(source)}: pixel data changed on the way.");
        }
    }

    /// <summary>Native pixel data bytes, or the concatenated fragments of encapsulated pixel data.</summary>
    private static byte[] PixelBytes(DicomFile file) => file.Dataset.GetItem(DicomTags.PixelData) switch
    {
        DicomElement element => element.Data.ToArray(),
        DicomFragmentSequence fragments => [.. fragments.Fragments.SelectMany(f => f.ToArray())],
        var other => throw new InvalidOperationException($"Unexpected pixel data item {other.GetType().Name}."),
    };
}
