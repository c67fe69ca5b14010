namespace MedCam.Dicom;

/// <summary>
/// A DICOM Part 10 file (PS3.10 7.1): file meta information plus the data set. When opened from a path the bytes are
/// memory-mapped and element values are views into the mapping, so dispose the file when done with its values.
/// </summary>
public sealed class DicomFile : IDisposable
{
    private readonly IDisposable? _owner;

    internal DicomFile(DicomDataset meta, DicomDataset dataset, DicomTransferSyntax transferSyntax, IDisposable? owner)
    {
        FileMetaInformation = meta;
        Dataset = dataset;
        TransferSyntax = transferSyntax;
        _owner = owner;
    }

    /// <summary>Group 0002 elements as read (or as they will be regenerated on save).</summary>
    public DicomDataset FileMetaInformation { get; }

    public DicomDataset Dataset { get; }

    /// <summary>The transfer syntax the data set was encoded in.</summary>
    public DicomTransferSyntax TransferSyntax { get; }

    /// <summary>Wraps a data set for saving; the meta group is generated on save.</summary>
    public static DicomFile Create(DicomDataset dataset, DicomTransferSyntax? transferSyntax = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new DicomFile(new DicomDataset(), dataset, transferSyntax ?? DicomTransferSyntax.ExplicitVRLittleEndian, null);
    }

    /// <summary>Opens a file; memory-mapped unless the options say otherwise. Malformed content raises <see cref="DicomFormatException"/>.</summary>
    public static DicomFile Open(string path, DicomReadOptions? options = null) => IO.DicomFileReader.Open(path, options ?? DicomReadOptions.Default);

    /// <summary>Reads a whole stream (Part 10, or a bare data set whose encoding is detected).</summary>
    public static DicomFile Read(Stream stream, DicomReadOptions? options = null) => IO.DicomFileReader.Read(stream, options ?? DicomReadOptions.Default);

    /// <summary>Parses bytes already in memory; values are slices of <paramref name="bytes"/>.</summary>
    public static DicomFile Parse(ReadOnlyMemory<byte> bytes, DicomReadOptions? options = null) => IO.DicomFileReader.Parse(bytes, options ?? DicomReadOptions.Default, null);

    /// <summary>Writes Part 10 to a path in the given transfer syntax (default: the one read, else explicit VR LE).</summary>
    public void Save(string path, DicomTransferSyntax? transferSyntax = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var temp = path + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            Save(stream, transferSyntax);
        }

        File.Move(temp, path, overwrite: true);
    }

    public void Save(Stream stream, DicomTransferSyntax? transferSyntax = null) =>
        IO.DicomFileWriter.Write(stream, this, transferSyntax ?? TransferSyntax);

    public void Dispose() => _owner?.Dispose();
}
