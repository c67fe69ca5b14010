using System.Buffers;

namespace MedCam.Dicom.Network.Storage.Journal;

/// <summary>
/// A pooled, growing buffer holding one journal record being received: <see cref="JournalFormat.RecordHeaderBytes"/>
/// reserved for the record header, then the payload (the final file's bytes) as it arrives.
/// </summary>
internal sealed class RecordBuffer : IDisposable
{
    private byte[] array;

    public RecordBuffer(int initialCapacity = 1024 * 1024)
    {
        array = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, JournalFormat.Block));
        PayloadLength = 0;
    }

    public long PayloadLength { get; private set; }

    public ReadOnlySpan<byte> Payload => array.AsSpan(JournalFormat.RecordHeaderBytes, (int)PayloadLength);

    public ReadOnlyMemory<byte> PayloadMemory => array.AsMemory(JournalFormat.RecordHeaderBytes, (int)PayloadLength);

    public void Append(ReadOnlySpan<byte> data)
    {
        var end = JournalFormat.RecordHeaderBytes + PayloadLength + data.Length;
        EnsureCapacity(end);
        data.CopyTo(array.AsSpan((int)(JournalFormat.RecordHeaderBytes + PayloadLength)));
        PayloadLength += data.Length;
    }

    /// <summary>The whole record, header stamped and zero-padded to a 4 KiB multiple, ready for one positional write.</summary>
    public ReadOnlySpan<byte> Seal(ulong segmentId, string relativePath, uint payloadCrc)
    {
        var total = JournalFormat.RecordBytes(PayloadLength);
        EnsureCapacity(total);
        JournalFormat.WriteRecordHeader(array, segmentId, relativePath, PayloadLength, payloadCrc);
        var used = JournalFormat.RecordHeaderBytes + (int)PayloadLength;
        array.AsSpan(used, (int)total - used).Clear();
        return array.AsSpan(0, (int)total);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(array);
        array = [];
    }

    private void EnsureCapacity(long needed)
    {
        if (needed <= array.Length)
        {
            return;
        }

        var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max(needed, (long)array.Length * 2)));
        array.AsSpan(0, JournalFormat.RecordHeaderBytes + (int)PayloadLength).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(array);
        array = grown;
    }
}
