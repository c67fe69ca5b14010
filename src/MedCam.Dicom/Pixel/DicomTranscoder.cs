namespace MedCam.Dicom;

/// <summary>
/// Changes the pixel data encoding of a data set between transfer syntaxes: native syntaxes need no change,
/// encapsulated pixel data is decoded frame by frame with the codec registry, RLE is encoded with the managed codec.
/// </summary>
public static class DicomTranscoder
{
    public static DicomDataset Transcode(DicomDataset dataset, DicomTransferSyntax from, DicomTransferSyntax to, DicomCodecRegistry? codecs = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        codecs ??= DicomCodecRegistry.Default;
        if (!dataset.Contains(DicomTags.PixelData) || (!from.IsEncapsulated && !to.IsEncapsulated) || from.Equals(to))
        {
            return dataset;
        }

        var native = from.IsEncapsulated ? Decompress(dataset, from, codecs) : dataset;
        return to.IsEncapsulated ? Compress(native, to, codecs) : native;
    }

    private static DicomDataset Decompress(DicomDataset dataset, DicomTransferSyntax from, DicomCodecRegistry codecs)
    {
        var pixels = DicomPixelData.Create(dataset, from, codecs);
        var frameLength = pixels.Description.NativeFrameLength;
        var all = new byte[checked(frameLength * pixels.NumberOfFrames)];
        var photometric = pixels.Description.PhotometricInterpretation;
        for (var f = 0; f < pixels.NumberOfFrames; f++)
        {
            var decoded = pixels.DecodeFrameNative(f);
            decoded.Data.Span.CopyTo(all.AsSpan(f * frameLength));
            photometric = decoded.PhotometricInterpretation;
        }

        var result = dataset.Clone();
        result.AddOrUpdate(DicomElement.FromBytes(DicomTags.PixelData, pixels.Description.BitsAllocated > 8 ? DicomVR.OW : DicomVR.OB, all));
        result.AddOrUpdate(DicomTags.PhotometricInterpretation, DicomVR.CS, photometric);
        if (pixels.Description.SamplesPerPixel > 1)
        {
            result.AddOrUpdate<ushort>(DicomTags.PlanarConfiguration, DicomVR.US, 0);
        }

        result.Remove(DicomTags.ExtendedOffsetTable);
        result.Remove(DicomTags.ExtendedOffsetTableLengths);
        return result;
    }

    private static DicomDataset Compress(DicomDataset dataset, DicomTransferSyntax to, DicomCodecRegistry codecs)
    {
        var codec = codecs.Find(to) ?? throw new DicomException($"No codec can encode {to.Name}.");
        var pixels = DicomPixelData.Create(dataset, DicomTransferSyntax.ExplicitVRLittleEndian, codecs);
        var fragments = new List<ReadOnlyMemory<byte>>(pixels.NumberOfFrames);
        for (var f = 0; f < pixels.NumberOfFrames; f++)
        {
            fragments.Add(codec.Encode(pixels.GetFrameBytes(f), pixels.Description));
        }

        var result = dataset.Clone();
        result.AddOrUpdate(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, BuildOffsetTable(fragments), fragments));
        return result;
    }

    private static byte[] BuildOffsetTable(List<ReadOnlyMemory<byte>> fragments)
    {
        var table = new byte[fragments.Count * 4];
        long offset = 0;
        for (var i = 0; i < fragments.Count; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(i * 4), checked((uint)offset));
            offset += 8 + fragments[i].Length + (fragments[i].Length & 1);
        }

        return table;
    }
}
