namespace MedCam.Dicom;

/// <summary>How files and streams are read.</summary>
public sealed record DicomReadOptions
{
    public static readonly DicomReadOptions Default = new();

    /// <summary>Deepest sequence nesting accepted; deeper input is rejected as hostile (DicomFormatException).</summary>
    public int MaxSequenceDepth { get; init; } = 32;

    /// <summary>Memory-map files (lazy) instead of reading them whole into memory.</summary>
    public bool MemoryMap { get; init; } = true;

    /// <summary>Stop at the first top-level tag at or above this one (e.g. PixelData for headers only); null reads everything.</summary>
    public DicomTag? StopBefore { get; init; }

    /// <summary>A deflated data set may expand at most this many times its compressed size before it is rejected.</summary>
    public int MaxDeflateRatio { get; init; } = 1024;
}
