namespace MedCam.Dicom;

/// <summary>The Image Pixel module attributes (PS3.3 C.7.6.3) that say how pixel bytes are laid out.</summary>
public sealed record PixelDataDescription
{
    public int Rows { get; init; }

    public int Columns { get; init; }

    public int SamplesPerPixel { get; init; } = 1;

    public int BitsAllocated { get; init; } = 8;

    public int BitsStored { get; init; } = 8;

    public int HighBit { get; init; } = 7;

    /// <summary>0 unsigned, 1 two's complement.</summary>
    public int PixelRepresentation { get; init; }

    public string PhotometricInterpretation { get; init; } = "MONOCHROME2";

    /// <summary>0: samples interleaved per pixel (R1G1B1R2...); 1: one plane per sample (R...G...B...).</summary>
    public int PlanarConfiguration { get; init; }

    public int NumberOfFrames { get; init; } = 1;

    public bool IsSigned => PixelRepresentation == 1;

    /// <summary>Bytes of one uncompressed frame as stored natively (YBR_FULL_422 stores two chroma samples per pixel pair).</summary>
    public int NativeFrameLength
    {
        get
        {
            long pixels = (long)Rows * Columns;
            long samples = PhotometricInterpretation == "YBR_FULL_422" ? pixels * 2 : pixels * SamplesPerPixel;
            var bits = samples * BitsAllocated;
            var bytes = (bits + 7) / 8;
            return bytes > int.MaxValue ? throw new DicomFormatException($"A frame of {bytes} bytes is too large.") : (int)bytes;
        }
    }

    public static PixelDataDescription FromDataset(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var bitsAllocated = dataset.GetOrDefault<int>(DicomTags.BitsAllocated, 0);
        var bitsStored = dataset.GetOrDefault(DicomTags.BitsStored, bitsAllocated);
        var description = new PixelDataDescription
        {
            Rows = dataset.Get<int>(DicomTags.Rows),
            Columns = dataset.Get<int>(DicomTags.Columns),
            SamplesPerPixel = dataset.GetOrDefault(DicomTags.SamplesPerPixel, 1),
            BitsAllocated = bitsAllocated,
            BitsStored = bitsStored,
            HighBit = dataset.GetOrDefault(DicomTags.HighBit, bitsStored - 1),
            PixelRepresentation = dataset.GetOrDefault(DicomTags.PixelRepresentation, 0),
            PhotometricInterpretation = dataset.GetOrDefault(DicomTags.PhotometricInterpretation, "MONOCHROME2").Trim(),
            PlanarConfiguration = dataset.GetOrDefault(DicomTags.PlanarConfiguration, 0),
            NumberOfFrames = Math.Max(1, dataset.GetOrDefault(DicomTags.NumberOfFrames, 1)),
        };
        description.Validate();
        return description;
    }

    public void Validate()
    {
        if (Rows <= 0 || Columns <= 0 || Rows > 65535 || Columns > 65535)
        {
            throw new DicomFormatException($"Invalid image size {Rows} x {Columns}.");
        }

        if (BitsAllocated is not (1 or 8 or 16 or 32) || BitsStored < 1 || BitsStored > BitsAllocated || HighBit < BitsStored - 1 || HighBit >= BitsAllocated)
        {
            throw new DicomFormatException($"Invalid bit layout: allocated {BitsAllocated}, stored {BitsStored}, high bit {HighBit}.");
        }

        if (SamplesPerPixel is not (1 or 3))
        {
            throw new DicomFormatException($"Samples per pixel {SamplesPerPixel} is not supported (1 or 3).");
        }
    }
}
