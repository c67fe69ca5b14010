using MedCam.Dicom.Network.Files;

namespace MedCam.Dicom.Network.Tests.Infrastructure;

internal static class DicomBytes
{
    /// <summary>The dataset bytes of a Part 10 file (everything after the file meta information).</summary>
    public static byte[] DataSet(string path)
    {
        using var stream = File.OpenRead(path);
        var meta = Part10Header.Read(stream, path);
        var bytes = new byte[stream.Length - meta.DataSetOffset];
        stream.ReadExactly(bytes);
        return bytes;
    }

    public static FileMetaInformation Meta(string path)
    {
        using var stream = File.OpenRead(path);
        return Part10Header.Read(stream, path);
    }

    /// <summary>
    /// The dataset bytes as they travel over DIMSE: the file's dataset, plus the single trailing 00H pad byte that
    /// PS3.5 A.5 requires when a deflated bit stream has odd length (dcmconv +td writes such files unpadded, for
    /// roughly every second instance, depending on its random UIDs; dcmsend and the MedCam SCU pad them on the wire).
    /// </summary>
    public static byte[] WireDataSet(string path)
    {
        var bytes = DataSet(path);
        return bytes.Length % 2 == 0 ? bytes : [.. bytes, 0];
    }

    /// <summary>Asserts every source file arrived, keyed by SOP instance UID, with a byte-identical (on-wire) dataset.</summary>
    public static void AssertAllArrivedIdentical(IEnumerable<string> sources, IEnumerable<string> received)
    {
        var byInstance = received.ToDictionary(p => Meta(p).SopInstanceUid);
        foreach (var source in sources)
        {
            var meta = Meta(source);
            Assert.True(byInstance.TryGetValue(meta.SopInstanceUid, out var copy), $"{Path.GetFileName(source)} ({meta.SopInstanceUid}) did not arrive.");
            Assert.Equal(meta.TransferSyntaxUid, Meta(copy).TransferSyntaxUid);
            Assert.True(WireDataSet(source).AsSpan().SequenceEqual(DataSet(copy)), $"{Path.GetFileName(source)}: dataset bytes differ after transfer.");
        }
    }
}
