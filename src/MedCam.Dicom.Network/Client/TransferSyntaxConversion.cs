namespace MedCam.Dicom.Network.Client;

/// <summary>Decoding a file to an uncompressed transfer syntax through the DICOM core, for peers that refuse its own.</summary>
internal static class TransferSyntaxConversion
{
    /// <summary>Proposed in this order for the fallback context.</summary>
    public static readonly string[] UncompressedTargets = [DicomNetworkUids.ExplicitVrLittleEndian, DicomNetworkUids.ImplicitVrLittleEndian];

    /// <summary>Uncompressed syntaxes always; encapsulated ones when the core's codec registry can decode them.</summary>
    public static bool CanDecode(string transferSyntaxUid)
    {
        var syntax = DicomTransferSyntax.Parse(transferSyntaxUid);
        return !syntax.IsEncapsulated || DicomCodecRegistry.Default.Find(syntax) is not null;
    }

    /// <summary>The file's data set, decoded and re-encoded as a bare data set in <paramref name="targetUid"/>.</summary>
    public static byte[] Convert(string path, string targetUid)
    {
        using var file = DicomFile.Open(path, new DicomReadOptions { MemoryMap = false });
        var target = DicomTransferSyntax.Parse(targetUid);
        var dataset = DicomTranscoder.Transcode(file.Dataset, file.TransferSyntax, target);
        return DicomDatasetWriter.ToBytes(dataset, target);
    }
}
