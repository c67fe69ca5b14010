namespace MedCam.Dicom.Codecs.Gdcm;

/// <summary>Registers the GDCM backend: one codec instance per transfer syntax so each knows its syntax.</summary>
public static class GdcmCodecs
{
    /// <summary>Adds JPEG, JPEG-LS and JPEG 2000 decoding to a registry (e.g. <see cref="DicomCodecRegistry.Default"/>).</summary>
    public static DicomCodecRegistry AddGdcm(this DicomCodecRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var syntax in new GdcmCodec().TransferSyntaxes)
        {
            registry.Register(new SyntaxBoundCodec(syntax));
        }

        return registry;
    }

    private sealed class SyntaxBoundCodec(DicomTransferSyntax syntax) : IDicomCodec
    {
        private readonly GdcmCodec _inner = new();

        public IReadOnlyCollection<DicomTransferSyntax> TransferSyntaxes { get; } = [syntax];

        public bool CanEncode => false;

        public DecodedFrame Decode(ReadOnlyMemory<byte> encodedFrame, PixelDataDescription description) =>
            _inner.DecodeFrame(encodedFrame, description, syntax);

        public byte[] Encode(ReadOnlyMemory<byte> nativeFrame, PixelDataDescription description) => _inner.Encode(nativeFrame, description);
    }
}
