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

    /// <summary>Asserts every source file arrived, keyed by SOP instance UID, with a byte-identical dataset.</summary>
    public static void AssertAllArrivedIdentical(IEnumerable<string> sources, IEnumerable<string> received)
    {
        var byInstance = received.ToDictionary(p => Meta(p).SopInstanceUid);
        foreach (var source in sources)
        {
            var meta = Meta(source);
            Assert.True(byInstance.TryGetValue(meta.SopInstanceUid, out var copy), $"{Path.GetFileName(source)} ({meta.SopInstanceUid}) did not arrive.");
            Assert.Equal(meta.TransferSyntaxUid, Meta(copy).TransferSyntaxUid);
            Assert.True(DataSet(source).AsSpan().SequenceEqual(DataSet(copy)), $"{Path.GetFileName(source)}: dataset bytes differ after transfer.");
        }
    }
}
