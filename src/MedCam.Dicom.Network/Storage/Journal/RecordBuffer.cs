using System.Collections.Concurrent;

namespace MedCam.Dicom.Network.Storage.Journal;

/// <summary>
/// A reusable, growing buffer holding one journal record being received: <see cref="JournalFormat.RecordHeaderBytes"/>
/// reserved for the record header, then the payload (the final file's bytes) as it arrives. The record starts on a
/// 4 KiB boundary of pinned memory, as direct (O_DIRECT) writes to the journal require.
/// </summary>
internal sealed class RecordBuffer : IDisposable
{
    // Pinned memory kept for reuse stays bounded: at most 16 buffers of up to 4 MiB (a 512x512 CT slice needs 0.5).
    private const int KeepAtMost = 4 * 1024 * 1024;
    private const int PoolSize = 16;
    private static readonly ConcurrentBag<byte[]> Pool = [];
    private byte[] array;
    private int start;

    public RecordBuffer(int initialCapacity = 1024 * 1024)
    {
        if (!Pool.TryTake(out var pooled))
        {
            pooled = Allocate(initialCapacity);
        }

        array = pooled;
        start = AlignedStart(array);
    }

    public long PayloadLength { get; private set; }

    public ReadOnlyMemory<byte> PayloadMemory => array.AsMemory(start + JournalFormat.RecordHeaderBytes, (int)PayloadLength);

    public void Append(ReadOnlySpan<byte> data)
    {
        EnsureCapacity(JournalFormat.RecordHeaderBytes + PayloadLength + data.Length);
        data.CopyTo(array.AsSpan(start + JournalFormat.RecordHeaderBytes + (int)PayloadLength));
        PayloadLength += data.Length;
    }

    /// <summary>The whole record, header stamped and zero-padded to a 4 KiB multiple, ready for one positional write.</summary>
    public ReadOnlySpan<byte> Seal(ulong segmentId, string relativePath, uint payloadCrc)
    {
        var total = (int)JournalFormat.RecordBytes(PayloadLength);
        EnsureCapacity(total);
        var record = array.AsSpan(start, total);
        JournalFormat.WriteRecordHeader(record, segmentId, relativePath, PayloadLength, payloadCrc);
        record[(JournalFormat.RecordHeaderBytes + (int)PayloadLength)..].Clear();
        return record;
    }

    public void Dispose()
    {
        if (array.Length > 0 && array.Length <= KeepAtMost + JournalFormat.Block && Pool.Count < PoolSize)
        {
            Pool.Add(array);
        }

        array = [];
    }

    private static byte[] Allocate(long capacity) =>
        GC.AllocateUninitializedArray<byte>((int)Math.Min(Array.MaxLength, capacity + JournalFormat.Block), pinned: true);

    private static unsafe int AlignedStart(byte[] pinned)
    {
        fixed (byte* pointer = pinned)
        {
            return (int)((JournalFormat.Block - ((nuint)pointer % JournalFormat.Block)) % JournalFormat.Block);
        }
    }

    private void EnsureCapacity(long needed)
    {
        if (start + needed <= array.Length)
        {
            return;
        }

        var grown = Allocate(Math.Max(needed, (long)array.Length * 2));
        var grownStart = AlignedStart(grown);
        array.AsSpan(start, JournalFormat.RecordHeaderBytes + (int)PayloadLength).CopyTo(grown.AsSpan(grownStart));
        array = grown;
        start = grownStart;
    }
}
