using System.Threading.Channels;

namespace MedCam.Dicom.Network.Storage;

/// <summary>Where and how <see cref="DicomFileStore"/> keeps received instances.</summary>
public sealed record DicomFileStoreOptions
{
    private const long JournalFormatBlock = 4096;

    /// <summary>Root folder; instances go to <c>Root/&lt;StudyInstanceUID&gt;/&lt;SOPInstanceUID&gt;.dcm</c>.</summary>
    public required string Root { get; init; }

    /// <summary>One sub-folder per study (false: all files directly in <see cref="Root"/>).</summary>
    public bool FolderPerStudy { get; init; } = true;

    /// <summary>
    /// Below this many free bytes on the volume, C-STORE is refused with 0xA700 (out of resources). The journal's
    /// own preallocated segments are on the same volume: a new segment is only created while the volume stays
    /// above the watermark, and space the journal still has to allocate counts against it.
    /// </summary>
    public long MinimumFreeBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>How an instance is made crash-safe before success is answered (default: write-ahead journal).</summary>
    public StoreDurability Durability { get; init; } = StoreDurability.Journal;

    /// <summary>Size of one preallocated journal segment (in <c>Root/.journal/</c>).</summary>
    public long JournalSegmentBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Journal segments allocated at start-up (before the first association), zero-filled and synced: 8 x 64 MiB
    /// absorbs a 1000-slice CT study at the journal's speed (see <see cref="MaterialiseBacklogBytes"/>).
    /// </summary>
    public int JournalInitialSegments { get; init; } = 8;

    /// <summary>Most journal segments kept; when all are in use an instance falls back to per-file fsync.</summary>
    public int JournalMaxSegments { get; init; } = 16;

    /// <summary>
    /// A checkpoint (materialised files and folders synced in one background batch, their journal segment retired
    /// for reuse) runs once no instance has arrived for this long; <see cref="Timeout.InfiniteTimeSpan"/> turns the
    /// idle trigger off. Checkpoints also run when fewer than two segments are ready, and after
    /// <see cref="JournalCheckpointInterval"/> at the latest.
    /// </summary>
    public TimeSpan JournalCheckpointIdle { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest time between checkpoints under continuous load (bounds the replay work after a crash).</summary>
    public TimeSpan JournalCheckpointInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Instances larger than this bypass the journal and are stored with per-file fsync.</summary>
    public long JournalMaxRecordBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>
    /// Bytes of journaled instances whose final files may still wait to be written after their answer (they are
    /// read back from the journal then; counted against <see cref="MinimumFreeBytes"/>); null: the journal's
    /// start-up size. Final files wait
    /// for a pause in receiving unless the backlog passes three quarters of this; past all of it an instance's file
    /// is written before its answer. See <see cref="DicomFileStore.WhenMaterialisedAsync"/>.
    /// </summary>
    public long? MaterialiseBacklogBytes { get; init; }

    /// <summary>
    /// Send journal blocks ahead while a dataset arrives: null decides from the measured link and journal speeds
    /// (see <c>RecordSizeHints</c>); true or false forces it (tests).
    /// </summary>
    internal bool? JournalSendAhead { get; init; }

    /// <summary>The backlog in force (<see cref="MaterialiseBacklogBytes"/> or the journal's start-up size).</summary>
    internal long EffectiveMaterialiseBacklogBytes => MaterialiseBacklogBytes ?? JournalSegmentBytes * JournalInitialSegments;

    /// <summary>
    /// These options with a journal of <paramref name="megabytes"/> MiB made at start-up (8 segments, up to 16 under
    /// a burst that outruns the checkpoints): the size of the burst (a study being routed) received at the
    /// journal's speed before final files are written while receiving.
    /// </summary>
    public DicomFileStoreOptions WithJournalSize(long megabytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(megabytes, 8);
        return this with { JournalSegmentBytes = megabytes * 1024 * 1024 / 8 / JournalFormatBlock * JournalFormatBlock, JournalInitialSegments = 8, JournalMaxSegments = 16 };
    }

    /// <summary>Optional fan-in of stored instances from every association (e.g. to a worker queue).</summary>
    public ChannelWriter<StoredInstance>? Notifications { get; init; }
}

/// <summary>
/// An instance stored and crash-safe (see <see cref="StoreDurability"/>), published before the sender gets its
/// answer. It is readable at <see cref="Path"/> at once in the per-file modes and within milliseconds with the
/// journal (its final file is written just after the answer; <see cref="DicomFileStore.WhenMaterialisedAsync"/>
/// waits for it, and a crash in between restores it there at the next start). No patient data: identifiers are
/// UIDs and AE titles.
/// </summary>
public sealed record StoredInstance(
    string Path,
    string SopClassUid,
    string SopInstanceUid,
    string? StudyInstanceUid,
    string TransferSyntaxUid,
    long Length,
    string CallingAeTitle,
    long AssociationId);
