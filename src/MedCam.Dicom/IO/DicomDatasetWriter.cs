using System.IO.Compression;

namespace MedCam.Dicom;

/// <summary>
/// Writes a bare data set (no preamble or meta) in a transfer syntax: what the network layer sends as DIMSE command
/// sets (implicit VR LE, with (0000,0000) computed) and data sets. Text is normalised first (see
/// <see cref="DicomTextNormalizer"/>).
/// </summary>
public static class DicomDatasetWriter
{
    public static void Write(Stream stream, DicomDataset dataset, DicomTransferSyntax transferSyntax)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(transferSyntax);
        var prepared = DicomTextNormalizer.PrepareForWrite(dataset);
        if (transferSyntax.IsDeflated)
        {
            using var deflate = new DeflateStream(stream, CompressionLevel.Optimal, leaveOpen: true);
            using var buffered = new BufferedStream(deflate, 1 << 16);
            new IO.DicomStreamWriter(buffered, explicitVR: true, bigEndian: false).WriteDataset(prepared);
            return;
        }

        new IO.DicomStreamWriter(stream, transferSyntax.IsExplicitVR, transferSyntax.IsBigEndian).WriteDataset(prepared);
    }

    public static byte[] ToBytes(DicomDataset dataset, DicomTransferSyntax transferSyntax)
    {
        using var stream = new MemoryStream();
        Write(stream, dataset, transferSyntax);
        return stream.ToArray();
    }
}
