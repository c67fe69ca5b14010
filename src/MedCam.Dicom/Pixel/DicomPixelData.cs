using System.Buffers.Binary;

namespace MedCam.Dicom;

/// <summary>
/// Frame-level access to pixel data. Native frames are slices of the element (so of the memory-mapped file);
/// encapsulated frames are located through the Extended or Basic Offset Table, else one fragment per frame, else by
/// start-of-image markers. Only the frame asked for is read and decoded.
/// </summary>
public sealed class DicomPixelData
{
    private readonly DicomItem _pixelItem;
    private readonly DicomCodecRegistry _codecs;
    private (int First, int Count)[]? _frameFragments;

    private DicomPixelData(DicomDataset dataset, DicomItem pixelItem, DicomTransferSyntax syntax, DicomCodecRegistry codecs)
    {
        Dataset = dataset;
        _pixelItem = pixelItem;
        TransferSyntax = syntax;
        _codecs = codecs;
        Description = PixelDataDescription.FromDataset(dataset);
    }

    public DicomDataset Dataset { get; }

    public DicomTransferSyntax TransferSyntax { get; }

    public PixelDataDescription Description { get; }

    public int NumberOfFrames => Description.NumberOfFrames;

    public bool IsEncapsulated => _pixelItem is DicomFragmentSequence;

    public static DicomPixelData Create(DicomFile file, DicomCodecRegistry? codecs = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        return Create(file.Dataset, file.TransferSyntax, codecs);
    }

    public static DicomPixelData Create(DicomDataset dataset, DicomTransferSyntax syntax, DicomCodecRegistry? codecs = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var item = dataset.TryGetItem(DicomTags.PixelData, out var p) ? p
            : dataset.TryGetItem(DicomTags.FloatPixelData, out var f) ? f
            : dataset.TryGetItem(DicomTags.DoubleFloatPixelData, out var d) ? d
            : throw new DicomTagNotFoundException(DicomTags.PixelData);
        return new DicomPixelData(dataset, item, syntax, codecs ?? DicomCodecRegistry.Default);
    }

    /// <summary>The stored bytes of one frame: a native slice, or the encoded fragments of that frame concatenated.</summary>
    public ReadOnlyMemory<byte> GetFrameBytes(int frame)
    {
        CheckFrame(frame);
        if (_pixelItem is DicomElement element)
        {
            var length = Description.NativeFrameLength;
            if (Description.BitsAllocated == 1 && NumberOfFrames > 1)
            {
                throw new DicomException("Multi-frame 1-bit pixel data is not supported.");
            }

            var offset = (long)frame * length;
            if (offset + length > element.Data.Length)
            {
                throw new DicomFormatException($"Pixel data holds {element.Data.Length} bytes; frame {frame} needs bytes {offset}..{offset + length}.");
            }

            return element.Data.Slice((int)offset, length);
        }

        var fragments = (DicomFragmentSequence)_pixelItem;
        var (first, count) = FrameFragments(fragments)[frame];
        if (count == 1)
        {
            return fragments.Fragments[first];
        }

        var total = 0;
        for (var i = first; i < first + count; i++)
        {
            total += fragments.Fragments[i].Length;
        }

        var joined = new byte[total];
        var at = 0;
        for (var i = first; i < first + count; i++)
        {
            fragments.Fragments[i].Span.CopyTo(joined.AsSpan(at));
            at += fragments.Fragments[i].Length;
        }

        return joined;
    }

    /// <summary>One frame as native little-endian bytes (decoded when encapsulated).</summary>
    public DecodedFrame DecodeFrameNative(int frame)
    {
        var bytes = GetFrameBytes(frame);
        if (!IsEncapsulated)
        {
            return new DecodedFrame(bytes, Description.PhotometricInterpretation, Description.PlanarConfiguration);
        }

        var codec = _codecs.Find(TransferSyntax)
            ?? throw new DicomException($"No codec is registered for {TransferSyntax}; register one (e.g. the GDCM backend) in DicomCodecRegistry.");
        var decoded = codec.Decode(bytes, Description);
        if (decoded.Data.Length < ExpectedDecodedLength(decoded.PhotometricInterpretation))
        {
            throw new DicomFormatException($"Frame {frame} decoded to {decoded.Data.Length} bytes; {ExpectedDecodedLength(decoded.PhotometricInterpretation)} expected.");
        }

        return decoded;
    }

    /// <summary>
    /// One frame as typed samples: grey images give Rows x Columns stored values (high bits masked, sign extended);
    /// colour images (RGB, YBR_FULL, YBR_FULL_422, PALETTE COLOR) give interleaved RGB, Rows x Columns x 3.
    /// </summary>
    public T[] GetFrame<T>(int frame)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        var decoded = DecodeFrameNative(frame);
        var pixels = Description.Rows * Description.Columns;
        if (decoded.PhotometricInterpretation == "PALETTE COLOR")
        {
            var indices = new int[pixels];
            PixelSampleReader.ReadStored(decoded.Data.Span, Description, indices);
            return PaletteColor.Apply<T>(Dataset, indices);
        }

        if (Description.SamplesPerPixel == 1)
        {
            var result = new T[pixels];
            PixelSampleReader.ReadStored(decoded.Data.Span, Description, result);
            return result;
        }

        return ColorConverter.ToRgb<T>(decoded, Description);
    }

    /// <summary>A grey frame in modality units: stored value x Rescale Slope + Rescale Intercept (PS3.3 C.11.1.1.2).</summary>
    public float[] GetFrameRescaled(int frame)
    {
        var values = new float[Description.Rows * Description.Columns];
        ReadFrameRescaled(frame, values);
        return values;
    }

    /// <summary>Writes a grey frame in modality units into <paramref name="destination"/> (Rows x Columns), no extra copy.</summary>
    public void ReadFrameRescaled(int frame, Span<float> destination)
    {
        if (Description.SamplesPerPixel != 1 || Description.PhotometricInterpretation == "PALETTE COLOR")
        {
            throw new DicomException($"Rescaled values need a grey image; this one is {Description.PhotometricInterpretation}.");
        }

        var pixels = Description.Rows * Description.Columns;
        if (destination.Length < pixels)
        {
            throw new ArgumentException($"Destination holds {destination.Length} values; {pixels} needed.", nameof(destination));
        }

        var target = destination[..pixels];
        PixelSampleReader.ReadStored(DecodeFrameNative(frame).Data.Span, Description, target);
        var slope = (float)Dataset.GetOrDefault(DicomTags.RescaleSlope, 1.0);
        var intercept = (float)Dataset.GetOrDefault(DicomTags.RescaleIntercept, 0.0);
        if (slope != 1f)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(target, slope, target);
        }

        if (intercept != 0f)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(target, intercept, target);
        }
    }

    private int ExpectedDecodedLength(string photometric) =>
        photometric == "YBR_FULL_422" ? Description.NativeFrameLength
        : (Description with { PhotometricInterpretation = photometric }).NativeFrameLength;

    private void CheckFrame(int frame)
    {
        if (frame < 0 || frame >= NumberOfFrames)
        {
            throw new ArgumentOutOfRangeException(nameof(frame), $"Frame {frame} is outside 0..{NumberOfFrames - 1}.");
        }
    }

    private (int First, int Count)[] FrameFragments(DicomFragmentSequence fragments) =>
        _frameFragments ??= FrameLocator.Locate(Dataset, fragments, NumberOfFrames);
}
