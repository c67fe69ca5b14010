using System.Buffers;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace MedCam.Dicom.Network.Storage.Journal;

/// <summary>
/// The write-ahead journal behind <see cref="StoreDurability.Journal"/>: a small pool of preallocated segment
/// files in <c>Root/.journal/</c>. A C-STORE reserves room in the active segment, writes its record and asks the
/// flusher thread for durability; the flusher makes one fdatasync per segment for every request queued since its
/// last flush (group commit across associations). A checkpointer seals the active segment once the store is idle
/// (or the interval has passed), checkpoints sealed segments when idle, when fewer than two segments are ready,
/// or when due: it waits until every record has been renamed into its final place, syncs those files and their
/// folders in one batch and retires the segments for reuse. <see cref="Open"/> replays live segments first.
/// </summary>
internal sealed class StoreJournal : IAsyncDisposable
{
    private readonly object gate = new();
    private readonly string root;
    private readonly string folder;
    private readonly DicomFileStoreOptions options;
    private readonly ILogger logger;
    private readonly Func<long> freeBytes;
    private readonly List<JournalSegment> segments = [];
    private readonly Queue<JournalSegment> ready = new();
    private readonly List<JournalSegment> sealedSegments = [];
    private readonly SemaphoreSlim checkpointSignal = new(0);
    private readonly CancellationTokenSource stopping = new();
    private Task checkpointer = Task.CompletedTask;
    private JournalSegment? active;
    private ulong nextSequence = 1;
    private long lastAppend = Environment.TickCount64;
    private long lastCheckpoint = Environment.TickCount64;
    private volatile bool failed;

    private StoreJournal(string root, DicomFileStoreOptions options, ILogger logger, Func<long> freeBytes)
    {
        this.root = root;
        this.options = options;
        this.logger = logger;
        this.freeBytes = freeBytes;
        folder = Path.Combine(root, ".journal");
    }

    /// <summary>Records replayed by <see cref="Open"/> (acknowledged or not, each is now at its final path).</summary>
    public int Replayed { get; private set; }

    /// <summary>Bytes the journal may still allocate on the volume (its next segment), counted against the watermark.</summary>
    public long PendingAllocationBytes
    {
        get
        {
            lock (gate)
            {
                return ready.Count == 0 && segments.Count < options.JournalMaxSegments ? options.JournalSegmentBytes : 0;
            }
        }
    }

    /// <summary>Opens (replaying whatever a crash left) or creates the journal of <paramref name="root"/>.</summary>
    public static StoreJournal Open(string root, DicomFileStoreOptions options, ILogger logger, Func<long> freeBytes)
    {
        var journal = new StoreJournal(root, options, logger, freeBytes);
        try
        {
            journal.Recover();
            journal.checkpointer = Task.Run(journal.CheckpointLoopAsync);
            return journal;
        }
        catch
        {
            foreach (var segment in journal.segments)
            {
                segment.Dispose();
            }

            throw;
        }
    }

    /// <summary>Room for one record in the active segment, or null (full pool, too big, journal failed): use per-file fsync.</summary>
    public JournalReservation? TryReserve(long payloadLength)
    {
        var bytes = JournalFormat.RecordBytes(payloadLength);
        var wake = false;
        try
        {
            lock (gate)
            {
                if (failed || stopping.IsCancellationRequested || bytes > options.JournalSegmentBytes - JournalFormat.SegmentHeaderBytes)
                {
                    return null;
                }

                if (active is null || active.WriteOffset + bytes > active.Capacity)
                {
                    if (active is not null)
                    {
                        sealedSegments.Add(active);
                        active = null;
                        wake = true;
                    }

                    if (!ready.TryDequeue(out var next))
                    {
                        wake = true;
                        return null;
                    }

                    active = next;
                    wake |= ready.Count < 2;
                    if (active.WriteOffset + bytes > active.Capacity)
                    {
                        // A segment made smaller by an earlier configuration: this record does not fit in any.
                        return null;
                    }
                }

                lastAppend = Environment.TickCount64;
                var offset = active.WriteOffset;
                active.WriteOffset += bytes;
                active.Records++;
                active.Reserve();
                return new JournalReservation(this, active, offset, bytes);
            }
        }
        finally
        {
            if (wake)
            {
                checkpointSignal.Release();
            }
        }
    }

    /// <summary>
    /// Returns once every record written to <paramref name="segment"/> before the call is on stable storage: one
    /// fdatasync on the caller's own thread. Concurrent associations each call it; the kernel writes every dirty
    /// record of the segment in the first call and coalesces concurrent cache flushes, which is the group commit.
    /// A user-space leader/follower scheme measured slower here (its followers wait for a flush that started
    /// before their record, then for a hand-off), and a flusher thread costs a scheduling delay per instance.
    /// </summary>
    internal void Commit(JournalSegment segment)
    {
        try
        {
            DurableFile.DataSync(segment.Handle);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // After a failed fdatasync the kernel may have dropped the dirty pages: trust nothing more.
            failed = true;
            logger.LogError(ex, "Journal flush failed; falling back to per-file fsync");
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await checkpointer.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        // Clean shutdown: everything materialised is synced and every segment retired, so nothing replays.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        lock (gate)
        {
            if (active is { Records: > 0 })
            {
                sealedSegments.Add(active);
                active = null;
            }
        }

        while (DateTime.UtcNow < deadline && SealedInFlight() > 0)
        {
            await Task.Delay(10).ConfigureAwait(false);
        }

        try
        {
            _ = Checkpoint();
        }
        catch (IOException ex)
        {
            logger.LogError(ex, "Final journal checkpoint failed; the journal replays at the next start");
        }

        lock (gate)
        {
            foreach (var segment in segments)
            {
                segment.Dispose();
            }
        }

        stopping.Dispose();
    }

    private int SealedInFlight()
    {
        lock (gate)
        {
            return sealedSegments.Sum(s => s.InFlight - s.Kept);
        }
    }

    private async Task CheckpointLoopAsync()
    {
        var token = stopping.Token;
        var idleTrigger = options.JournalCheckpointIdle != Timeout.InfiniteTimeSpan;
        var poll = idleTrigger && options.JournalCheckpointIdle < options.JournalCheckpointInterval ? options.JournalCheckpointIdle : options.JournalCheckpointInterval;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await checkpointSignal.WaitAsync(poll, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                var now = Environment.TickCount64;
                var idle = idleTrigger && now - Volatile.Read(ref lastAppend) >= options.JournalCheckpointIdle.TotalMilliseconds;
                var due = now - lastCheckpoint >= options.JournalCheckpointInterval.TotalMilliseconds;
                bool pressure;
                lock (gate)
                {
                    if ((idle || due) && active is { Records: > 0 })
                    {
                        sealedSegments.Add(active);
                        active = null;
                    }

                    pressure = ready.Count < 2;
                }

                if (idle || due || pressure)
                {
                    if (Checkpoint())
                    {
                        lastCheckpoint = now;
                    }

                    EnsureSpare(idle ? 2 : 1);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogError(ex, "Journal checkpoint failed; retrying");
            }
        }
    }

    /// <summary>Syncs the files the oldest fully materialised sealed segments produced, then retires them; false when none could be.</summary>
    private bool Checkpoint()
    {
        List<JournalSegment> retire = [];
        lock (gate)
        {
            // Oldest first and only a prefix, so a replay never puts an older version over a newer one.
            foreach (var segment in sealedSegments.OrderBy(s => s.Sequence))
            {
                if (segment.InFlight > 0)
                {
                    break;
                }

                retire.Add(segment);
            }
        }

        if (retire.Count == 0)
        {
            return false;
        }

        SyncMaterialised(retire.SelectMany(s => s.Materialised).ToList());
        foreach (var segment in retire)
        {
            // A fresh id retires every record of the previous use in one header write.
            lock (gate)
            {
                sealedSegments.Remove(segment);
                segment.Activate(nextSequence++);
                ready.Enqueue(segment);
            }
        }

        return true;
    }

    /// <summary>The files, then every folder holding one, then the root (new study folders are entries in it).</summary>
    private void SyncMaterialised(List<string> files)
    {
        DurableFile.SyncFiles(files);
        foreach (var directory in files.Select(Path.GetDirectoryName).Distinct(StringComparer.Ordinal))
        {
            if (directory is not null && directory != root && Directory.Exists(directory))
            {
                DurableFile.SyncDirectory(directory);
            }
        }

        DurableFile.SyncDirectory(root);
    }

    private void EnsureSpare(int wanted)
    {
        while (true)
        {
            string path;
            lock (gate)
            {
                if (ready.Count >= wanted || segments.Count >= options.JournalMaxSegments || stopping.IsCancellationRequested)
                {
                    return;
                }

                path = SegmentPath(segments.Count);
            }

            if (freeBytes() - options.JournalSegmentBytes < options.MinimumFreeBytes)
            {
                return;
            }

            AddSegment(path);
        }
    }

    private void AddSegment(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        var segment = JournalSegment.Create(path, options.JournalSegmentBytes);
        DurableFile.SyncDirectory(folder);
        lock (gate)
        {
            segment.Activate(nextSequence++);
            segments.Add(segment);
            ready.Enqueue(segment);
        }
    }

    private string SegmentPath(int index) => Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"segment-{index:D4}.mcj"));

    private void Recover()
    {
        Directory.CreateDirectory(folder);
        var live = new List<(JournalSegment Segment, ulong Id, ulong Sequence)>();
        var header = new byte[JournalFormat.SegmentHeaderBytes];
        for (var index = 0; File.Exists(SegmentPath(index)); index++)
        {
            var segment = JournalSegment.Open(SegmentPath(index));
            if (segment.Capacity < JournalFormat.SegmentHeaderBytes * 2)
            {
                segment.Dispose();
                break;
            }

            segments.Add(segment);
            if (RandomAccess.Read(segment.Handle, header, 0) == header.Length
                && JournalFormat.TryReadSegmentHeader(header, out var id, out var sequence))
            {
                live.Add((segment, id, sequence));
                nextSequence = Math.Max(nextSequence, sequence + 1);
            }
        }

        // Oldest use first, so a later version of the same instance ends up on top.
        var replayed = new List<string>();
        foreach (var (segment, id, _) in live.OrderBy(l => l.Sequence))
        {
            Replay(segment, id, replayed);
        }

        Replayed = replayed.Count;
        if (Replayed > 0)
        {
            SyncMaterialised(replayed);
            logger.LogWarning("Journal replay: {Count} instance(s) from an unclean stop restored to their final paths", Replayed);
        }

        foreach (var segment in segments)
        {
            segment.Activate(nextSequence++);
            ready.Enqueue(segment);
        }

        for (var index = segments.Count; index < options.JournalInitialSegments; index++)
        {
            if (freeBytes() - options.JournalSegmentBytes < options.MinimumFreeBytes)
            {
                break;
            }

            AddSegment(SegmentPath(index));
        }
    }

    /// <summary>Materialises every intact record of a live segment, in offset (= reservation) order.</summary>
    private void Replay(JournalSegment segment, ulong segmentId, List<string> replayed)
    {
        var header = new byte[JournalFormat.RecordHeaderBytes];
        for (long offset = JournalFormat.SegmentHeaderBytes; offset + header.Length <= segment.Capacity;)
        {
            if (RandomAccess.Read(segment.Handle, header, offset) == header.Length
                && JournalFormat.TryReadRecordHeader(header, segmentId, out var relative, out var length, out var crc)
                && offset + JournalFormat.RecordBytes(length) <= segment.Capacity
                && ResolveTarget(relative) is { } target)
            {
                var payload = ArrayPool<byte>.Shared.Rent((int)length);
                try
                {
                    var span = payload.AsSpan(0, (int)length);
                    if (RandomAccess.Read(segment.Handle, span, offset + JournalFormat.RecordHeaderBytes) == length && Crc32C.Quarters(span) == crc)
                    {
                        Materialise(target, span);
                        replayed.Add(target);
                        offset += JournalFormat.RecordBytes(length);
                        continue;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(payload);
                }
            }

            offset += JournalFormat.Block;
        }
    }

    private string? ResolveTarget(string relative)
    {
        if (Path.IsPathRooted(relative) || relative.Split('/').Any(part => part is "" or "." or ".."))
        {
            return null;
        }

        var target = Path.GetFullPath(Path.Combine(root, relative));
        return target.StartsWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? target : null;
    }

    private void Materialise(string target, ReadOnlySpan<byte> bytes) =>
        Materialiser.WriteFinal(bytes, Path.Combine(root, ".incoming", $"{Guid.NewGuid():N}.part"), target);
}

/// <summary>Room for one record in a journal segment; dispose once the final file is in place (or abandoned).</summary>
internal sealed class JournalReservation : IDisposable
{
    private readonly StoreJournal journal;
    private bool released;

    internal JournalReservation(StoreJournal journal, JournalSegment segment, long offset, long bytes)
    {
        this.journal = journal;
        Segment = segment;
        Offset = offset;
        Bytes = bytes;
    }

    public JournalSegment Segment { get; }

    public long Offset { get; }

    /// <summary>Bytes reserved (a multiple of 4 KiB): the record written here may be at most this long.</summary>
    public long Bytes { get; }

    /// <summary>
    /// Writes <paramref name="data"/> (4 KiB-aligned in memory, offset and length) at <paramref name="offset"/>
    /// within the record: directly to the device where O_DIRECT is available, else into the page cache with
    /// writeback started at once.
    /// </summary>
    public void Write(ReadOnlySpan<byte> data, long offset = 0)
    {
        Check(data.Length, offset);
        if (Segment.DirectHandle is { } direct)
        {
            RandomAccess.Write(direct, data, Offset + offset);
        }
        else
        {
            RandomAccess.Write(Segment.Handle, data, Offset + offset);
            DurableFile.StartWriteback(Segment.Handle, Offset + offset, data.Length);
        }
    }

    /// <summary>Reads the record back (4 KiB-aligned memory and length), directly from the device where O_DIRECT is available.</summary>
    public void Read(Span<byte> destination)
    {
        Check(destination.Length, 0);
        var handle = Segment.DirectHandle ?? Segment.Handle;
        for (var done = 0; done < destination.Length;)
        {
            var read = RandomAccess.Read(handle, destination[done..], Offset + done);
            if (read <= 0)
            {
                throw new IOException($"Journal segment {Path.GetFileName(Segment.Path)} ended inside a record.");
            }

            done += read;
        }
    }

    /// <summary><see cref="Write"/> on a thread-pool thread, so the caller keeps receiving meanwhile.</summary>
    public Task WriteInBackground(ReadOnlyMemory<byte> data, long offset) => Task.Run(() => Write(data.Span, offset));

    public void Commit() => journal.Commit(Segment);

    /// <summary>The record's final file is in place (unsynced): the checkpoint syncs it before retiring the segment.</summary>
    public void Materialised(string path) => Segment.Materialised.Enqueue(path);

    /// <summary>
    /// The final file could not be written: the record stays in flight for good, so its segment is never retired
    /// and the next start replays it; a clean stop does not wait for it.
    /// </summary>
    public void KeepForReplay()
    {
        if (!released)
        {
            released = true;
            Segment.Keep();
        }
    }

    public void Dispose()
    {
        if (!released)
        {
            released = true;
            Segment.Release();
        }
    }

    private void Check(int length, long offset)
    {
        if (offset < 0 || offset + length > Bytes)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"Journal write of {length} bytes at {offset} is outside the {Bytes}-byte reservation.");
        }
    }
}
