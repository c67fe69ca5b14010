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

    public RecordBuffer(long initialCapacity = 1024 * 1024)
    {
        if (!Pool.TryTake(out var pooled) || pooled.Length < initialCapacity + JournalFormat.Block)
        {
            if (pooled is not null)
            {
                Pool.Add(pooled);
            }

            pooled = Allocate(Math.Max(initialCapacity, 64 * 1024));
        }

        array = pooled;
        start = AlignedStart(array);
    }

    public long PayloadLength { get; private set; }

    public ReadOnlyMemory<byte> PayloadMemory => array.AsMemory(start + JournalFormat.RecordHeaderBytes, (int)PayloadLength);

    /// <summary>Record bytes (header included) that fill whole 4 KiB blocks so far: they can go to the journal before the rest.</summary>
    public int CompleteBlockBytes => (int)((JournalFormat.RecordHeaderBytes + PayloadLength) / JournalFormat.Block * JournalFormat.Block);

    /// <summary>
    /// Bytes <paramref name="from"/> to <paramref name="from"/> + <paramref name="length"/> of the record (block
    /// aligned when <paramref name="from"/> is). The memory stays valid while a write is in flight, even if the
    /// buffer grows meanwhile: growing copies into a new array and leaves the old one to the collector.
    /// </summary>
    public ReadOnlyMemory<byte> Record(int from, int length) => array.AsMemory(start + from, length);

    /// <summary>Reads a committed record of <paramref name="payloadLength"/> bytes back from the journal; returns its payload.</summary>
    public ReadOnlyMemory<byte> Load(JournalReservation reservation, long payloadLength)
    {
        var total = (int)JournalFormat.RecordBytes(payloadLength);
        EnsureCapacity(total);
        reservation.Read(array.AsSpan(start, total));
        PayloadLength = payloadLength;
        return PayloadMemory;
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        EnsureCapacity(JournalFormat.RecordHeaderBytes + PayloadLength + data.Length);
        data.CopyTo(array.AsSpan(start + JournalFormat.RecordHeaderBytes + (int)PayloadLength));
        PayloadLength += data.Length;
    }

    /// <summary>The whole record, header stamped and zero-padded to a 4 KiB multiple, ready for one positional write.</summary>
    public ReadOnlyMemory<byte> Seal(ulong segmentId, string relativePath, uint payloadCrc)
    {
        var total = (int)JournalFormat.RecordBytes(PayloadLength);
        EnsureCapacity(total);
        var record = array.AsMemory(start, total);
        JournalFormat.WriteRecordHeader(record.Span, segmentId, relativePath, PayloadLength, payloadCrc);
        record.Span[(JournalFormat.RecordHeaderBytes + (int)PayloadLength)..].Clear();
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
