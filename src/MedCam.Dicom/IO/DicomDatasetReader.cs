namespace MedCam.Dicom;

/// <summary>
/// Reads a bare data set (no preamble or meta) in a given transfer syntax: what the network layer receives as DIMSE
/// command sets (implicit VR LE) and data sets.
/// </summary>
public static class DicomDatasetReader
{
    public static DicomDataset Read(ReadOnlyMemory<byte> bytes, DicomTransferSyntax transferSyntax, DicomReadOptions? options = null) =>
        Read(bytes, transferSyntax, options ?? DicomReadOptions.Default, 0);

    /// <summary>Reads the whole stream (at most its remaining length when seekable) and parses it.</summary>
    public static DicomDataset Read(Stream stream, DicomTransferSyntax transferSyntax, DicomReadOptions? options = null) =>
        Read(ReadAllBytes(stream), transferSyntax, options ?? DicomReadOptions.Default, 0);

    internal static DicomDataset Read(ReadOnlyMemory<byte> bytes, DicomTransferSyntax transferSyntax, DicomReadOptions options, int baseOffset)
    {
        ArgumentNullException.ThrowIfNull(transferSyntax);
        ArgumentNullException.ThrowIfNull(options);
        if (transferSyntax.IsDeflated)
        {
            bytes = IO.DicomFileReader.Inflate(bytes.Span, options.MaxDeflateRatio);
            baseOffset = 0;
        }

        var parser = new IO.DicomStreamParser(bytes, transferSyntax.IsExplicitVR, transferSyntax.IsBigEndian, options, baseOffset);
        Func<DicomTag, bool>? stop = options.StopBefore is { } limit ? tag => tag >= limit : null;
        return parser.ParseDataset(DicomCharacterSet.Default, stop);
    }

    /// <summary>Guesses the encoding of a bare data set from its first element: explicit VR if a VR code follows the tag.</summary>
    public static DicomTransferSyntax GuessTransferSyntax(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 6 && DicomVR.TryParse(bytes[4], bytes[5], out _))
        {
            // Group numbers are small: a big-endian stream starts with 0x00 0x08 where little endian has 0x08 0x00.
            return bytes[0] == 0 && bytes[1] != 0 ? DicomTransferSyntax.ExplicitVRBigEndian : DicomTransferSyntax.ExplicitVRLittleEndian;
        }

        return DicomTransferSyntax.ImplicitVRLittleEndian;
    }

    internal static byte[] ReadAllBytes(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.CanSeek)
        {
            var remaining = stream.Length - stream.Position;
            if (remaining > int.MaxValue)
            {
                throw new DicomFormatException($"The stream holds {remaining} bytes; objects over 2 GiB are not supported.");
            }

            var buffer = new byte[remaining];
            stream.ReadExactly(buffer);
            return buffer;
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
