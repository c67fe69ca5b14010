namespace MedCam.Dicom;

/// <summary>A frame as native little-endian bytes, and how the codec left its colour samples.</summary>
public sealed record DecodedFrame(ReadOnlyMemory<byte> Data, string PhotometricInterpretation, int PlanarConfiguration);

/// <summary>
/// A pixel data codec for one or more encapsulated transfer syntaxes. Codecs work on one frame at a time so large
/// multi-frame objects never have to be decoded whole.
/// </summary>
public interface IDicomCodec
{
    IReadOnlyCollection<DicomTransferSyntax> TransferSyntaxes { get; }

    bool CanEncode { get; }

    /// <summary>Decodes one frame (its fragments concatenated) to native little-endian bytes.</summary>
    DecodedFrame Decode(ReadOnlyMemory<byte> encodedFrame, PixelDataDescription description);

    /// <summary>Encodes one native frame (planar configuration as described).</summary>
    byte[] Encode(ReadOnlyMemory<byte> nativeFrame, PixelDataDescription description);
}

/// <summary>
/// Codecs by transfer syntax. Pass a registry where pixel data is decoded (dependency injection); the
/// <see cref="Default"/> instance holds the managed RLE codec and whatever the host registers at start-up (e.g. GDCM).
/// </summary>
public sealed class DicomCodecRegistry
{
    private readonly Dictionary<string, IDicomCodec> _codecs = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public DicomCodecRegistry(params IDicomCodec[] codecs)
    {
        ArgumentNullException.ThrowIfNull(codecs);
        foreach (var codec in codecs)
        {
            Register(codec);
        }
    }

    /// <summary>The process-wide registry used when none is passed: managed RLE, plus codecs registered by the host.</summary>
    public static DicomCodecRegistry Default { get; } = new(new RleCodec());

    /// <summary>Registers a codec for each of its transfer syntaxes, replacing earlier ones.</summary>
    public DicomCodecRegistry Register(IDicomCodec codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        lock (_lock)
        {
            foreach (var syntax in codec.TransferSyntaxes)
            {
                _codecs[syntax.Uid.Value] = codec;
            }
        }

        return this;
    }

    public IDicomCodec? Find(DicomTransferSyntax syntax)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        lock (_lock)
        {
            return _codecs.GetValueOrDefault(syntax.Uid.Value);
        }
    }
}
