using System.IO.Compression;

namespace MedCam.Dicom.IO;

/// <summary>Reads Part 10 files: preamble, meta group (explicit VR LE), then the data set in its transfer syntax.</summary>
internal static class DicomFileReader
{
    private const int PreambleLength = 128;

    public static DicomFile Open(string path, DicomReadOptions options)
    {
        if (!options.MemoryMap)
        {
            return Parse(File.ReadAllBytes(path), options, null);
        }

        var memory = new MappedFileMemory(path);
        try
        {
            return Parse(memory.Memory, options, memory);
        }
        catch
        {
            ((IDisposable)memory).Dispose();
            throw;
        }
    }

    public static DicomFile Read(Stream stream, DicomReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Parse(DicomDatasetReader.ReadAllBytes(stream), options, null);
    }

    public static DicomFile Parse(ReadOnlyMemory<byte> bytes, DicomReadOptions options, IDisposable? owner)
    {
        var span = bytes.Span;
        int metaStart;
        if (span.Length >= PreambleLength + 4 && span.Slice(PreambleLength, 4).SequenceEqual("DICM"u8))
        {
            metaStart = PreambleLength + 4;
        }
        else if (span.Length >= 4 && span[..4].SequenceEqual("DICM"u8))
        {
            metaStart = 4;
        }
        else
        {
            // No preamble: a bare data set (as some archives store them). Detect its encoding from the first element.
            var guessed = DicomDatasetReader.GuessTransferSyntax(span);
            var bare = DicomDatasetReader.Read(bytes, guessed, options);
            return new DicomFile(new DicomDataset(), bare, guessed, owner);
        }

        var metaBytes = bytes[metaStart..];
        var metaExplicit = metaBytes.Length < 6 || DicomVR.TryParse(metaBytes.Span[4], metaBytes.Span[5], out _);
        var metaParser = new DicomStreamParser(metaBytes, metaExplicit, bigEndian: false, options, metaStart);
        var meta = metaParser.ParseDataset(DicomCharacterSet.Default, tag => tag.Group != 0x0002);
        var syntax = meta.TryGet<string>(DicomTags.TransferSyntaxUID, out var uid) && uid.Length > 0
            ? DicomTransferSyntax.Parse(uid)
            : throw new DicomFormatException("The file meta information has no Transfer Syntax UID (0002,0010).");
        var body = metaBytes[metaParser.Position..];
        var dataset = DicomDatasetReader.Read(body, syntax, options, metaStart + metaParser.Position);
        return new DicomFile(meta, dataset, syntax, owner);
    }

    internal static byte[] Inflate(ReadOnlySpan<byte> compressed, int maxRatio)
    {
        var limit = (long)Math.Max(compressed.Length, 1) * maxRatio;
        using var input = new MemoryStream(compressed.ToArray());
        using var deflate = new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        try
        {
            int read;
            while ((read = deflate.Read(buffer, 0, buffer.Length)) > 0)
            {
                output.Write(buffer, 0, read);
                if (output.Length > limit || output.Length > int.MaxValue - 1)
                {
                    throw new DicomFormatException($"The deflated data set expands beyond {maxRatio} times its size; rejected.");
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw new DicomFormatException("The deflated data set is not a valid deflate stream.", ex);
        }

        return output.ToArray();
    }
}
