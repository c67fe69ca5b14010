using System.Buffers.Binary;
using System.Text;

namespace MedCam.Dicom.Network.Storage.Journal;

/// <summary>
/// On-disk layout of a journal segment. Offset 0: a 4 KiB segment header (magic, segment id, replay sequence,
/// CRC-32C); id 0 marks a retired (free) segment. From 4 KiB on: records, each starting on a 4 KiB boundary:
/// <code>
///  0 u32 magic "MCJR"   4 u16 version   6 u16 path length   8 u64 segment id   16 u64 payload length
/// 24 u32 payload checksum (Crc32C.Quarters)   28 u32 header CRC-32C (bytes 0-27, path)   32 path (UTF-8, relative)
/// 512 payload: the final file's bytes (Part 10 header + dataset as received), then zero padding to 4 KiB
/// </code>
/// A record counts only if its segment id matches the segment header (so stale records of an earlier use of a
/// reused segment never replay) and both CRCs hold (so a torn write never replays). Records of concurrent
/// associations can complete out of order, so replay skips an invalid record 4 KiB at a time instead of stopping.
/// </summary>
internal static class JournalFormat
{
    public const int Block = 4096;
    public const int SegmentHeaderBytes = Block;
    public const int RecordHeaderBytes = 512;
    public const int MaxPathBytes = RecordHeaderBytes - 32;
    private const ulong SegmentMagic = 0x0031_4745_534A_434D; // "MCJSEG1\0"
    private const uint RecordMagic = 0x524A_434D; // "MCJR"
    private const ushort Version = 1;

    public static long RecordBytes(long payloadLength) => Align(RecordHeaderBytes + payloadLength);

    public static long Align(long value) => (value + Block - 1) / Block * Block;

    public static void WriteSegmentHeader(Span<byte> block, ulong segmentId, ulong sequence)
    {
        block[..SegmentHeaderBytes].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(block, SegmentMagic);
        BinaryPrimitives.WriteUInt64LittleEndian(block[8..], segmentId);
        BinaryPrimitives.WriteUInt64LittleEndian(block[16..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(block[24..], Crc32C.Append(0, block[..24]));
    }

    /// <summary>The live segment's id and sequence, or false for a free, blank or damaged header.</summary>
    public static bool TryReadSegmentHeader(ReadOnlySpan<byte> block, out ulong segmentId, out ulong sequence)
    {
        segmentId = 0;
        sequence = 0;
        if (block.Length < 28 || BinaryPrimitives.ReadUInt64LittleEndian(block) != SegmentMagic
            || BinaryPrimitives.ReadUInt32LittleEndian(block[24..]) != Crc32C.Append(0, block[..24]))
        {
            return false;
        }

        segmentId = BinaryPrimitives.ReadUInt64LittleEndian(block[8..]);
        sequence = BinaryPrimitives.ReadUInt64LittleEndian(block[16..]);
        return segmentId != 0;
    }

    /// <summary>Fills the first <see cref="RecordHeaderBytes"/> of <paramref name="record"/>; the payload follows.</summary>
    public static void WriteRecordHeader(Span<byte> record, ulong segmentId, string relativePath, long payloadLength, uint payloadCrc)
    {
        var header = record[..RecordHeaderBytes];
        header.Clear();
        var pathLength = Encoding.UTF8.GetBytes(relativePath, header[32..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header, RecordMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)pathLength);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], segmentId);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], (ulong)payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], payloadCrc);
        var crc = Crc32C.Append(Crc32C.Append(0, header[..28]), header.Slice(32, pathLength));
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], crc);
    }

    /// <summary>Parses a record header written for <paramref name="segmentId"/>; false for anything else.</summary>
    public static bool TryReadRecordHeader(ReadOnlySpan<byte> header, ulong segmentId, out string relativePath, out long payloadLength, out uint payloadCrc)
    {
        relativePath = string.Empty;
        payloadLength = 0;
        payloadCrc = 0;
        if (header.Length < RecordHeaderBytes || BinaryPrimitives.ReadUInt32LittleEndian(header) != RecordMagic
            || BinaryPrimitives.ReadUInt16LittleEndian(header[4..]) != Version
            || BinaryPrimitives.ReadUInt64LittleEndian(header[8..]) != segmentId)
        {
            return false;
        }

        int pathLength = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
        if (pathLength is 0 or > MaxPathBytes)
        {
            return false;
        }

        var crc = Crc32C.Append(Crc32C.Append(0, header[..28]), header.Slice(32, pathLength));
        if (crc != BinaryPrimitives.ReadUInt32LittleEndian(header[28..]))
        {
            return false;
        }

        relativePath = Encoding.UTF8.GetString(header.Slice(32, pathLength));
        payloadLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
        payloadCrc = BinaryPrimitives.ReadUInt32LittleEndian(header[24..]);
        return payloadLength >= 0;
    }
}
