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
/// their final path only complete (written under <c>.incoming/</c>, then renamed); when the notification is
/// published the file is readable there. Dispose to checkpoint the journal on a clean stop (otherwise the next
/// start replays it, which is harmless).
/// </summary>
public sealed class DicomFileStore : ICStoreProvider, IAsyncDisposable
{
    private const int EnoSpc = 28;
    private readonly DicomFileStoreOptions options;
    private readonly ILogger logger;
    private readonly string root;
    private readonly string incoming;
    private readonly StoreJournal? journal;

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
        var free = FreeBytes() - (journal?.PendingAllocationBytes ?? 0);
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
            StoredInstance stored;
            if (journal is null)
            {
                stored = await StoreFileAsync(request, dataSet, header, temporary, options.Durability != StoreDurability.None, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                using var buffer = new RecordBuffer();
                buffer.Append(header);
                var spilled = false;
                while (true)
                {
                    var fragment = await dataSet.ReadFragmentAsync(cancellationToken).ConfigureAwait(false);
                    if (fragment.IsEmpty)
                    {
                        break;
                    }

                    if (buffer.PayloadLength + fragment.Length > options.JournalMaxRecordBytes)
                    {
                        // Too big to journal: continue as a per-file fsync store with what arrived so far.
                        spilled = true;
                        buffer.Append(fragment.Span);
                        break;
                    }

                    buffer.Append(fragment.Span);
                }

                stored = spilled
                    ? await StoreFileAsync(request, dataSet, buffer.PayloadMemory, temporary, durable: true, cancellationToken, header.Length).ConfigureAwait(false)
                    : await StoreJournaledAsync(request, buffer, header.Length, temporary).ConfigureAwait(false);
            }

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

    public async ValueTask DisposeAsync()
    {
        if (journal is not null)
        {
            await journal.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Journal path: one record write plus a (group) fdatasync of the journal make the instance durable; the final
    /// file is written meanwhile and renamed into place without its own fsync (the checkpoint syncs it later).
    /// </summary>
    private async Task<StoredInstance> StoreJournaledAsync(CStoreRequest request, RecordBuffer buffer, int headerLength, string temporary)
    {
        var payload = buffer.PayloadMemory;
        var studyUid = options.FolderPerStudy ? FindStudyUid(payload, headerLength, request.TransferSyntaxUid) : null;
        var (folder, target) = Target(studyUid, request.SopInstanceUid);
        using var reservation = journal!.TryReserve(payload.Length);
        if (reservation is null)
        {
            // Journal pool exhausted (checkpoint behind) or failed: this one instance pays for two fsyncs instead.
            return await StoreFileAsync(request, null, payload, temporary, durable: true, CancellationToken.None, headerLength).ConfigureAwait(false);
        }

        var relative = Path.GetRelativePath(root, target).Replace(Path.DirectorySeparatorChar, '/');
        WriteFile(temporary, payload.Span);
        reservation.Write(buffer.Seal(reservation.Segment.Id, relative, Crc32C.Quarters(payload.Span)));
        reservation.Commit();
        Directory.CreateDirectory(folder);
        File.Move(temporary, target, overwrite: true);
        reservation.Materialised(target);
        return new StoredInstance(target, request.SopClassUid, request.SopInstanceUid, studyUid, request.TransferSyntaxUid, payload.Length, request.Association.CallingAeTitle, request.Association.Id);
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

    private static void WriteFile(string path, ReadOnlySpan<byte> bytes)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0);
        file.Write(bytes);
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
