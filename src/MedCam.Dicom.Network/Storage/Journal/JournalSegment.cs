using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Win32.SafeHandles;

namespace MedCam.Dicom.Network.Storage.Journal;

/// <summary>
/// One preallocated journal file: written full of zeros and synced once when created, so later records are pure
/// overwrites of allocated, initialised blocks and fdatasync needs no filesystem journal commit.
/// </summary>
internal sealed class JournalSegment : IDisposable
{
    private int inFlight;
    private int kept;

    private JournalSegment(string path, SafeFileHandle handle, long capacity)
    {
        Path = path;
        Handle = handle;
        Capacity = capacity;
        DirectHandle = DurableFile.TryOpenDirect(path);
    }

    public string Path { get; }

    /// <summary>Buffered handle: segment header, zero fill, replay reads.</summary>
    public SafeFileHandle Handle { get; }

    /// <summary>
    /// O_DIRECT handle for records where the filesystem supports it: the record goes straight to the device
    /// (no page-cache copy, no dirty pages another association's fdatasync would wait for), so the commit is
    /// little more than the cache flush. Null where unsupported (e.g. tmpfs): records use <see cref="Handle"/>.
    /// </summary>
    public SafeFileHandle? DirectHandle { get; }

    public long Capacity { get; }

    /// <summary>Random id of the current use (0: free); records carry it.</summary>
    public ulong Id { get; private set; }

    /// <summary>Order in which segments were put to use: replay follows it.</summary>
    public ulong Sequence { get; private set; }

    /// <summary>Next free offset (guarded by the journal's lock).</summary>
    public long WriteOffset { get; set; }

    public int Records { get; set; }

    /// <summary>Final files renamed into place from this use's records, unsynced until the checkpoint.</summary>
    public ConcurrentQueue<string> Materialised { get; } = new();

    /// <summary>Records reserved whose final file is not yet renamed into place.</summary>
    public int InFlight => Volatile.Read(ref inFlight);

    public static JournalSegment Create(string path, long capacity)
    {
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite);
        try
        {
            var zeros = ArrayPool<byte>.Shared.Rent(1024 * 1024);
            try
            {
                Array.Clear(zeros);
                for (long offset = 0; offset < capacity; offset += zeros.Length)
                {
                    RandomAccess.Write(handle, zeros.AsSpan(0, (int)Math.Min(zeros.Length, capacity - offset)), offset);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(zeros);
            }

            DurableFile.DataSync(handle);
            return new JournalSegment(path, handle, capacity);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public static JournalSegment Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        return new JournalSegment(path, handle, RandomAccess.GetLength(handle));
    }

    /// <summary>
    /// Puts the segment to use under a fresh id, durable before any record is written into it; records of the
    /// previous use no longer match, which is how a checkpointed segment is retired.
    /// </summary>
    public void Activate(ulong sequence)
    {
        Id = (ulong)Random.Shared.NextInt64(1, long.MaxValue);
        Sequence = sequence;
        WriteHeader();
        WriteOffset = JournalFormat.SegmentHeaderBytes;
        Records = 0;
        kept = 0;
        Materialised.Clear();
    }

    /// <summary>Records in flight that nobody is working on any more: kept for the next start's replay.</summary>
    public int Kept => Volatile.Read(ref kept);

    public void Reserve() => Interlocked.Increment(ref inFlight);

    public void Keep() => Interlocked.Increment(ref kept);

    public void Release() => Interlocked.Decrement(ref inFlight);

    public void Dispose()
    {
        DirectHandle?.Dispose();
        Handle.Dispose();
    }

    private void WriteHeader()
    {
        Span<byte> block = stackalloc byte[JournalFormat.SegmentHeaderBytes];
        JournalFormat.WriteSegmentHeader(block, Id, Sequence);
        RandomAccess.Write(Handle, block, 0);
        DurableFile.DataSync(Handle);
    }
}
