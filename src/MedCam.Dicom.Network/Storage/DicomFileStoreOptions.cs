using System.Threading.Channels;

namespace MedCam.Dicom.Network.Storage;

/// <summary>Where and how <see cref="DicomFileStore"/> keeps received instances.</summary>
public sealed record DicomFileStoreOptions
{
    /// <summary>Root folder; instances go to <c>Root/&lt;StudyInstanceUID&gt;/&lt;SOPInstanceUID&gt;.dcm</c>.</summary>
    public required string Root { get; init; }

    /// <summary>One sub-folder per study (false: all files directly in <see cref="Root"/>).</summary>
    public bool FolderPerStudy { get; init; } = true;

    /// <summary>Below this many free bytes on the volume, C-STORE is refused with 0xA700 (out of resources).</summary>
    public long MinimumFreeBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>fsync file and directory before answering success. Turning it off trades crash safety for speed.</summary>
    public bool Durable { get; init; } = true;

    /// <summary>Optional fan-in of stored instances from every association (e.g. to a worker queue).</summary>
    public ChannelWriter<StoredInstance>? Notifications { get; init; }
}

/// <summary>An instance made durable on disk. No patient data: identifiers are UIDs and AE titles.</summary>
public sealed record StoredInstance(
    string Path,
    string SopClassUid,
    string SopInstanceUid,
    string? StudyInstanceUid,
    string TransferSyntaxUid,
    long Length,
    string CallingAeTitle,
    long AssociationId);
