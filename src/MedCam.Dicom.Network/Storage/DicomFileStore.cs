using MedCam.Dicom.Network.Dimse;
using MedCam.Dicom.Network.Files;
using MedCam.Dicom.Network.Server;
using MedCam.Dicom.Network.Storage.Journal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MedCam.Dicom.Network.Storage;

/// <summary>
/// A storage SCP provider that keeps each dataset exactly as received behind a Part 10 header, one folder per
/// study, and makes it crash-safe before answering success (see <see cref="StoreDurability"/>). Files appear at
/// their final path only complete (written under <c>.incoming/</c>, then renamed). The notification is published
/// before the answer; with the journal the final file is written just after it (<see cref="WhenMaterialisedAsync"/>).
/// Dispose to checkpoint the journal on a clean stop (otherwise the next start replays it, which is harmless).
/// </summary>
public sealed class DicomFileStore : ICStoreProvider, IAsyncDisposable
{
    private const int EnoSpc = 28;
    private readonly DicomFileStoreOptions options;
    private readonly ILogger logger;
    private readonly string root;
    private readonly string incoming;
    private readonly StoreJournal? journal;
    private readonly Materialiser? materialiser;
    private readonly RecordSizeHints sizeHints = new();
    private int recordsSentAhead;
    private int recordsOutgrown;

    public DicomFileStore(DicomFileStoreOptions options, ILogger<DicomFileStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        root = Path.GetFullPath(options.Root);
        Directory.CreateDirectory(root);
        incoming = Path.Combine(root, ".incoming");
        Directory.CreateDirectory(incoming);
        RemoveStrayParts();
        if (options.Durability == StoreDurability.Journal && OperatingSystem.IsLinux())
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(options.JournalSegmentBytes, 1024L * 1024, nameof(options));
            journal = StoreJournal.Open(root, options, this.logger, FreeBytes);
            materialiser = new Materialiser(Math.Clamp(Environment.ProcessorCount, 1, 4), options.EffectiveMaterialiseBacklogBytes, this.logger);
        }
    }

    /// <summary>The durability actually in force (Journal becomes PerFileFsync where the journal is unsupported).</summary>
    public StoreDurability Durability => journal is not null ? StoreDurability.Journal
        : options.Durability == StoreDurability.None ? StoreDurability.None : StoreDurability.PerFileFsync;

    /// <summary>Instances the journal restored at start-up after an unclean stop.</summary>
    public int ReplayedInstances => journal?.Replayed ?? 0;

    public async ValueTask<CStoreResult> OnCStoreAsync(CStoreRequest request, DicomDataSetStream dataSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(dataSet);
        var free = FreeBytes() - (journal?.PendingAllocationBytes ?? 0) - (materialiser?.BacklogBytes ?? 0);
        if (free < options.MinimumFreeBytes)
        {
            logger.LogWarning("Refusing C-STORE: {Free} bytes free (journal allowance included), watermark {Watermark}", free, options.MinimumFreeBytes);
            return new CStoreResult(DimseStatus.OutOfResources, "Free disk space below the configured watermark");
        }

        var header = Part10Header.Build(
            request.SopClassUid, request.SopInstanceUid, request.TransferSyntaxUid,
            DicomNetworkUids.ImplementationClassUid, DicomNetworkUids.ImplementationVersionName, request.Association.CallingAeTitle);
        var temporary = Path.Combine(incoming, $"{Guid.NewGuid():N}.part");
        try
        {
            var stored = journal is null
                ? await StoreFileAsync(request, dataSet, header, temporary, options.Durability != StoreDurability.None, cancellationToken).ConfigureAwait(false)
                : await StoreJournaledAsync(request, dataSet, header, temporary, cancellationToken).ConfigureAwait(false);

            if (options.Notifications is { } notifications)
            {
                await notifications.WriteAsync(stored, cancellationToken).ConfigureAwait(false);
            }

            return CStoreResult.Success;
        }
        catch (IOException ex) when (ex.HResult == EnoSpc || (ex.HResult & 0xFFFF) == EnoSpc)
        {
            TryDelete(temporary);
            logger.LogWarning("Disk full while storing {SopInstanceUid}", request.SopInstanceUid);
            return new CStoreResult(DimseStatus.OutOfResources, "Disk full");
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Completes once every instance acknowledged before the call is readable at its final path. With
    /// <see cref="StoreDurability.Journal"/> the final file is written just after the answer (milliseconds); the
    /// other modes write it before answering, so this completes at once.
    /// </summary>
    public Task WhenMaterialisedAsync(CancellationToken cancellationToken = default) =>
        materialiser?.WhenMaterialisedAsync(cancellationToken) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (materialiser is not null)
        {
            await materialiser.DisposeAsync().ConfigureAwait(false);
        }

        if (journal is not null)
        {
            await journal.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Journal path: the dataset streams into a journal record as it arrives (see <see cref="StreamingRecord"/>);
    /// once the record is durable the sender gets its answer and the final file is written by the
    /// <see cref="Materialiser"/> (or here first, when its backlog is full). Too big for the journal: per-file fsync.
    /// </summary>
    private async Task<StoredInstance> StoreJournaledAsync(CStoreRequest request, DicomDataSetStream dataSet, byte[] header, string temporary, CancellationToken cancellationToken)
    {
        var record = new StreamingRecord(journal!, sizeHints.Expected(request.SopClassUid), options.JournalSendAhead ?? sizeHints.SendAhead);
        materialiser!.BeginReceive();
        try
        {
            return await ReceiveJournaledAsync(request, dataSet, header, temporary, record, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            materialiser.EndReceive();
            await record.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<StoredInstance> ReceiveJournaledAsync(CStoreRequest request, DicomDataSetStream dataSet, byte[] header, string temporary, StreamingRecord record, CancellationToken cancellationToken)
    {
        record.Buffer.Append(header);
        while (true)
        {
            var fragment = await dataSet.ReadFragmentAsync(cancellationToken).ConfigureAwait(false);
            if (fragment.IsEmpty)
            {
                break;
            }

            if (record.Buffer.PayloadLength + fragment.Length > options.JournalMaxRecordBytes)
            {
                // Too big to journal: continue as a per-file fsync store with what arrived so far.
                await record.AbandonAsync().ConfigureAwait(false);
                record.Buffer.Append(fragment.Span);
                return await StoreFileAsync(request, dataSet, record.Buffer.PayloadMemory, temporary, durable: true, cancellationToken, header.Length).ConfigureAwait(false);
            }

            await record.AppendAsync(fragment).ConfigureAwait(false);
        }

        var payload = record.Buffer.PayloadMemory;
        sizeHints.Observe(request.SopClassUid, payload.Length);
        var studyUid = options.FolderPerStudy ? FindStudyUid(payload, header.Length, request.TransferSyntaxUid) : null;
        var (_, target) = Target(studyUid, request.SopInstanceUid);
        var relative = Path.GetRelativePath(root, target).Replace(Path.DirectorySeparatorChar, '/');
        var reservation = await record.CommitAsync(relative).ConfigureAwait(false);
        sizeHints.ObserveSpeeds(payload.Length, record.ArrivalSeconds, record.WholeWriteBytesPerSecond);
        CountRecord(record);
        if (reservation is null)
        {
            // Journal pool exhausted (checkpoint behind) or failed: this one instance pays for two fsyncs instead.
            return await StoreFileAsync(request, null, payload, temporary, durable: true, CancellationToken.None, header.Length).ConfigureAwait(false);
        }

        var stored = new StoredInstance(target, request.SopClassUid, request.SopInstanceUid, studyUid, request.TransferSyntaxUid, payload.Length, request.Association.CallingAeTitle, request.Association.Id);
        if (!materialiser!.TryEnqueue(payload.Length, record.PayloadCrc, temporary, target, reservation))
        {
            using (reservation)
            {
                Materialiser.WriteFinal(payload.Span, temporary, target);
                reservation.Materialised(target);
            }
        }

        return stored;
    }

    /// <summary>Journal records whose blocks went ahead while the dataset arrived.</summary>
    internal int RecordsSentAhead => Volatile.Read(ref recordsSentAhead);

    /// <summary>Datasets that outgrew the journal room reserved for them (written whole at the end instead).</summary>
    internal int RecordsOutgrown => Volatile.Read(ref recordsOutgrown);

    private void CountRecord(StreamingRecord record)
    {
        if (record.SentAhead)
        {
            Interlocked.Increment(ref recordsSentAhead);
        }

        if (record.Outgrew)
        {
            Interlocked.Increment(ref recordsOutgrown);
        }
    }

    /// <summary>Per-file path: stream into <c>.incoming</c>, fsync, rename, fsync the folder(s) (or no sync at all).</summary>
    private async Task<StoredInstance> StoreFileAsync(
        CStoreRequest request, DicomDataSetStream? dataSet, ReadOnlyMemory<byte> received, string temporary, bool durable, CancellationToken cancellationToken, int? headerLength = null)
    {
        long length;
        string? studyUid = null;
        var file = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            BufferSize = 0,
            // Synchronous writes: they land in the page cache in microseconds, cheaper than a thread-pool hop each.
            Options = FileOptions.None,
        });
        await using (file.ConfigureAwait(false))
        {
            file.Write(received.Span);
            while (dataSet is not null)
            {
                var fragment = await dataSet.ReadFragmentAsync(cancellationToken).ConfigureAwait(false);
                if (fragment.IsEmpty)
                {
                    break;
                }

                file.Write(fragment.Span);
            }

            if (durable)
            {
                file.Flush(flushToDisk: true);
            }

            length = file.Length;
            if (options.FolderPerStudy)
            {
                file.Position = headerLength ?? received.Length;
                studyUid = StudyUidScanner.Find(file, request.TransferSyntaxUid);
            }
        }

        var (folder, target) = Target(studyUid, request.SopInstanceUid);
        var created = !Directory.Exists(folder);
        Directory.CreateDirectory(folder);
        File.Move(temporary, target, overwrite: true);
        if (durable)
        {
            DurableFile.SyncDirectory(folder);
            if (created && folder != root)
            {
                DurableFile.SyncDirectory(root);
            }
        }

        return new StoredInstance(target, request.SopClassUid, request.SopInstanceUid, studyUid, request.TransferSyntaxUid, length, request.Association.CallingAeTitle, request.Association.Id);
    }

    private (string Folder, string Target) Target(string? studyUid, string sopInstanceUid)
    {
        var folder = options.FolderPerStudy ? Path.Combine(root, SafeName(studyUid, "unknown-study")) : root;
        return (folder, Path.Combine(folder, SafeName(sopInstanceUid, "instance") + ".dcm"));
    }

    private static string? FindStudyUid(ReadOnlyMemory<byte> file, int headerLength, string transferSyntaxUid)
    {
        if (!System.Runtime.InteropServices.MemoryMarshal.TryGetArray(file, out var segment))
        {
            segment = file.ToArray();
        }

        using var stream = new MemoryStream(segment.Array!, segment.Offset + headerLength, segment.Count - headerLength, writable: false);
        return StudyUidScanner.Find(stream, transferSyntaxUid);
    }

    private void RemoveStrayParts()
    {
        // Only complete, renamed files are ever acknowledged: a .part is what a crash interrupted.
        foreach (var part in Directory.EnumerateFiles(incoming, "*.part"))
        {
            TryDelete(part);
        }
    }

    private long FreeBytes()
    {
        try
        {
            return new DriveInfo(root).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return long.MaxValue;
        }
    }

    /// <summary>UIDs are digits and dots (PS3.5 9.1); anything else is not trusted as a file name.</summary>
    private static string SafeName(string? uid, string fallback) =>
        !string.IsNullOrEmpty(uid) && uid.Length <= 64 && uid.All(c => c is (>= '0' and <= '9') or '.') && uid[0] != '.'
            ? uid
            : fallback + "-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(uid ?? string.Empty)))[..16];

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left as a stray .part file; removed at the next start.
        }
    }
}
