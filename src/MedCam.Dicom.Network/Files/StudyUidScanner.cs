using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MedCam.Dicom.Network.Files;

/// <summary>
/// Finds the Study Instance UID (0020,000D) near the start of an encoded dataset without parsing it: walks the
/// top-level elements in tag order (PS3.5 7.1), skipping values and nested sequences, and stops as soon as it has
/// passed (0020,000D). Used to file received instances by study while storing their bytes untouched.
/// </summary>
internal static class StudyUidScanner
{
    private const uint StudyInstanceUid = 0x0020000D;
    private const uint Item = 0xFFFEE000;
    private const uint ItemDelimitation = 0xFFFEE00D;
    private const uint SequenceDelimitation = 0xFFFEE0DD;
    private const int MaxDepth = 32;

    public static string? Find(Stream dataSet, string transferSyntaxUid)
    {
        var source = transferSyntaxUid == DicomNetworkUids.DeflatedExplicitVrLittleEndian
            ? new DeflateStream(dataSet, CompressionMode.Decompress, leaveOpen: true)
            : dataSet;
        try
        {
            var reader = new Reader(
                new BufferedStream(source, 16 * 1024),
                implicitVr: transferSyntaxUid == DicomNetworkUids.ImplicitVrLittleEndian,
                bigEndian: transferSyntaxUid == DicomNetworkUids.ExplicitVrBigEndian);
            while (reader.TryReadHeader(out var tag, out var length, out _))
            {
                if (tag == StudyInstanceUid)
                {
                    return length is > 0 and <= 64 ? Encoding.ASCII.GetString(reader.ReadValue((int)length)).TrimEnd('\0', ' ') : null;
                }

                if (tag > StudyInstanceUid)
                {
                    return null;
                }

                reader.Skip(length, 0);
            }

            return null;
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException or IOException)
        {
            return null;
        }
        finally
        {
            if (!ReferenceEquals(source, dataSet))
            {
                source.Dispose();
            }
        }
    }

    private sealed class Reader
    {
        private readonly Stream stream;
        private readonly bool implicitVr;
        private readonly bool bigEndian;
        private readonly byte[] scratch = new byte[8];

        public Reader(Stream stream, bool implicitVr, bool bigEndian)
        {
            this.stream = stream;
            this.implicitVr = implicitVr;
            this.bigEndian = bigEndian;
        }

        public bool TryReadHeader(out uint tag, out uint length, out bool isDelimiter)
        {
            length = 0;
            isDelimiter = false;
            if (stream.ReadAtLeast(scratch.AsSpan(0, 4), 4, throwOnEndOfStream: false) < 4)
            {
                tag = 0;
                return false;
            }

            tag = ((uint)U16(scratch) << 16) | U16(scratch.AsSpan(2));
            if (tag >> 16 == 0xFFFE)
            {
                // Items and delimiters carry no VR in any transfer syntax (PS3.5 7.5).
                isDelimiter = true;
                stream.ReadExactly(scratch.AsSpan(0, 4));
                length = U32(scratch);
                return true;
            }

            if (implicitVr)
            {
                stream.ReadExactly(scratch.AsSpan(0, 4));
                length = U32(scratch);
                return true;
            }

            stream.ReadExactly(scratch.AsSpan(0, 4));
            var vr = (char)scratch[0] + string.Empty + (char)scratch[1];
            if (vr is "OB" or "OD" or "OF" or "OL" or "OV" or "OW" or "SQ" or "SV" or "UC" or "UN" or "UR" or "UT" or "UV")
            {
                stream.ReadExactly(scratch.AsSpan(0, 4));
                length = U32(scratch);
            }
            else
            {
                length = U16(scratch.AsSpan(2));
            }

            return true;
        }

        public byte[] ReadValue(int length)
        {
            var value = new byte[length];
            stream.ReadExactly(value);
            return value;
        }

        /// <summary>Skips a value; undefined length means a sequence (or encapsulated pixel data) of items.</summary>
        public void Skip(uint length, int depth)
        {
            if (length != uint.MaxValue)
            {
                SkipBytes(length);
                return;
            }

            if (depth > MaxDepth)
            {
                throw new InvalidDataException("Sequences nested too deep.");
            }

            while (TryReadHeader(out var tag, out var itemLength, out _))
            {
                switch (tag)
                {
                    case SequenceDelimitation:
                        return;
                    case Item when itemLength != uint.MaxValue:
                        SkipBytes(itemLength);
                        break;
                    case Item:
                        SkipItemElements(depth + 1);
                        break;
                    default:
                        throw new InvalidDataException($"Unexpected tag {tag:X8} inside a sequence.");
                }
            }

            throw new EndOfStreamException();
        }

        private void SkipItemElements(int depth)
        {
            while (TryReadHeader(out var tag, out var length, out _))
            {
                if (tag == ItemDelimitation)
                {
                    return;
                }

                Skip(length, depth);
            }

            throw new EndOfStreamException();
        }

        private void SkipBytes(uint count)
        {
            if (stream.CanSeek)
            {
                stream.Seek(count, SeekOrigin.Current);
                return;
            }

            var buffer = new byte[Math.Min(count, 64 * 1024)];
            var remaining = (long)count;
            while (remaining > 0)
            {
                var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
                if (read == 0)
                {
                    throw new EndOfStreamException();
                }

                remaining -= read;
            }
        }

        private ushort U16(ReadOnlySpan<byte> bytes) => bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes);

        private uint U32(ReadOnlySpan<byte> bytes) => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }
}
