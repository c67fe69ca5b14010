namespace MedCam.Dicom.Codecs.Gdcm;

/// <summary>
/// Decodes JPEG (baseline, extended, lossless), JPEG-LS and JPEG 2000 frames with GDCM (Debian's libgdcm-cil). Each
/// frame is handed to GDCM as a one-frame object, so multi-frame files are still decoded one frame at a time.
/// JPEG colour comes back as full-resolution YBR samples, reported as YBR_FULL so MedCam converts them to RGB.
/// </summary>
public sealed class GdcmCodec : IDicomCodec
{
    public IReadOnlyCollection<DicomTransferSyntax> TransferSyntaxes { get; } =
    [
        DicomTransferSyntax.JPEGBaseline8Bit, DicomTransferSyntax.JPEGExtended12Bit, DicomTransferSyntax.JPEGLossless,
        DicomTransferSyntax.JPEGLosslessSV1, DicomTransferSyntax.JPEGLSLossless, DicomTransferSyntax.JPEGLSNearLossless,
        DicomTransferSyntax.JPEG2000Lossless, DicomTransferSyntax.JPEG2000,
    ];

    public bool CanEncode => false;

    /// <summary>The transfer syntax of the frames this instance decodes; set per call by <see cref="DecodeFrame"/>.</summary>
    public DecodedFrame Decode(ReadOnlyMemory<byte> encodedFrame, PixelDataDescription description) =>
        DecodeFrame(encodedFrame, description, GuessSyntax(encodedFrame.Span));

    public DecodedFrame DecodeFrame(ReadOnlyMemory<byte> encodedFrame, PixelDataDescription description, DicomTransferSyntax syntax)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(syntax);
        GdcmNativeLoader.EnsureRegistered();
        var temp = Path.Combine(Path.GetTempPath(), "medcam-gdcm-" + Guid.NewGuid().ToString("N") + ".dcm");
        try
        {
            WriteSingleFrame(temp, encodedFrame, description, syntax);
            using var reader = new gdcm.ImageReader();
            reader.SetFileName(temp);
            if (!reader.Read())
            {
                throw new DicomFormatException($"GDCM could not read the {syntax.Name} frame.");
            }

            var image = reader.GetImage();
            var buffer = new byte[image.GetBufferLength()];
            if (!image.GetBuffer(buffer))
            {
                throw new DicomFormatException($"GDCM could not decode the {syntax.Name} frame.");
            }

            var photometric = image.GetPhotometricInterpretation().GetString()?.Trim() ?? description.PhotometricInterpretation;
            var planar = (int)image.GetPlanarConfiguration();
            var pixels = description.Rows * description.Columns;
            if (photometric == "YBR_FULL_422" && buffer.Length >= pixels * 3)
            {
                photometric = "YBR_FULL"; // GDCM up-samples the chroma; the samples are full resolution
            }

            return new DecodedFrame(buffer, photometric, planar);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public byte[] Encode(ReadOnlyMemory<byte> nativeFrame, PixelDataDescription description) =>
        throw new NotSupportedException("MedCam writes uncompressed or RLE only; the GDCM backend decodes.");

    // The codec interface passes no syntax: the frame's own markers say which family it is.
    private static DicomTransferSyntax GuessSyntax(ReadOnlySpan<byte> frame)
    {
        if (frame.Length >= 2 && frame[0] == 0xFF && frame[1] == 0x4F)
        {
            return DicomTransferSyntax.JPEG2000;
        }

        if (frame.Length > 4 && frame[..4].SequenceEqual(new byte[] { 0x00, 0x00, 0x00, 0x0C }))
        {
            return DicomTransferSyntax.JPEG2000; // JP2 box header
        }

        for (var i = 2; i + 1 < frame.Length && i < 65536; i++)
        {
            if (frame[i] != 0xFF)
            {
                continue;
            }

            switch (frame[i + 1])
            {
                case 0xF7: return DicomTransferSyntax.JPEGLSLossless;
                case 0xC3: return DicomTransferSyntax.JPEGLossless;
                case 0xC1: return DicomTransferSyntax.JPEGExtended12Bit;
                case 0xC0: return DicomTransferSyntax.JPEGBaseline8Bit;
            }
        }

        return DicomTransferSyntax.JPEGBaseline8Bit;
    }

    private static void WriteSingleFrame(string path, ReadOnlyMemory<byte> frame, PixelDataDescription d, DicomTransferSyntax syntax)
    {
        var ds = new DicomDataset()
            .AddOrUpdate(DicomTags.SOPClassUID, DicomUids.SecondaryCaptureImageStorage)
            .AddOrUpdate(DicomTags.SOPInstanceUID, DicomUid.Generate())
            .AddOrUpdate<ushort>(DicomTags.SamplesPerPixel, (ushort)d.SamplesPerPixel)
            .AddOrUpdate(DicomTags.PhotometricInterpretation, d.PhotometricInterpretation)
            .AddOrUpdate<ushort>(DicomTags.Rows, (ushort)d.Rows)
            .AddOrUpdate<ushort>(DicomTags.Columns, (ushort)d.Columns)
            .AddOrUpdate<ushort>(DicomTags.BitsAllocated, (ushort)d.BitsAllocated)
            .AddOrUpdate<ushort>(DicomTags.BitsStored, (ushort)d.BitsStored)
            .AddOrUpdate<ushort>(DicomTags.HighBit, (ushort)d.HighBit)
            .AddOrUpdate<ushort>(DicomTags.PixelRepresentation, (ushort)d.PixelRepresentation)
            .AddOrUpdate(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, ReadOnlyMemory<byte>.Empty, [frame]));
        if (d.SamplesPerPixel > 1)
        {
            ds.AddOrUpdate<ushort>(DicomTags.PlanarConfiguration, (ushort)d.PlanarConfiguration);
        }

        DicomFile.Create(ds, syntax).Save(path);
    }
}
