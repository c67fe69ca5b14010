using System.Buffers.Binary;
using System.Text;

namespace MedCam.Dicom.Network.Files;

/// <summary>
/// The Part 10 file preamble and File Meta Information (PS3.10 7.1) written ahead of a dataset received over the
/// network, and the minimal reading of it needed to send a file in its own transfer syntax.
/// </summary>
public static class Part10Header
{
    private static readonly byte[] Magic = "DICM"u8.ToArray();

    /// <summary>Builds preamble + "DICM" + group 0002 in Explicit VR Little Endian.</summary>
    public static byte[] Build(string sopClassUid, string sopInstanceUid, string transferSyntaxUid, string implementationClassUid, string? implementationVersionName, string? sourceAeTitle)
    {
        var group = new List<byte>(256);
        AddElement(group, 0x0001, "OB", [0x00, 0x01]);
        AddElement(group, 0x0002, "UI", Pad(sopClassUid, 0));
        AddElement(group, 0x0003, "UI", Pad(sopInstanceUid, 0));
        AddElement(group, 0x0010, "UI", Pad(transferSyntaxUid, 0));
        AddElement(group, 0x0012, "UI", Pad(implementationClassUid, 0));
        if (!string.IsNullOrEmpty(implementationVersionName))
        {
            AddElement(group, 0x0013, "SH", Pad(implementationVersionName, (byte)' '));
        }

        if (!string.IsNullOrEmpty(sourceAeTitle))
        {
            AddElement(group, 0x0016, "AE", Pad(sourceAeTitle, (byte)' '));
        }

        var result = new byte[128 + 4 + 12 + group.Count];
        Magic.CopyTo(result, 128);
        var span = result.AsSpan(132);
        BinaryPrimitives.WriteUInt16LittleEndian(span, 0x0002);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], 0x0000);
        span[4] = (byte)'U';
        span[5] = (byte)'L';
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)group.Count);
        group.CopyTo(result, 144);
        return result;
    }

    /// <summary>Reads the File Meta Information of a Part 10 file; the stream is left at the first dataset byte.</summary>
    /// <exception cref="InvalidDataException">The file has no preamble/DICM prefix or a malformed group 0002.</exception>
    public static FileMetaInformation Read(Stream stream, string fileNameForErrors)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> prefix = stackalloc byte[132];
        if (stream.ReadAtLeast(prefix, 132, throwOnEndOfStream: false) < 132 || !prefix[128..].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{fileNameForErrors}: not a DICOM Part 10 file (no 'DICM' after the 128-byte preamble).");
        }

        string? sopClass = null;
        string? sopInstance = null;
        string? transferSyntax = null;
        Span<byte> header = stackalloc byte[8];
        Span<byte> length32 = stackalloc byte[4];
        while (true)
        {
            var position = stream.Position;
            if (stream.ReadAtLeast(header, 8, throwOnEndOfStream: false) < 8)
            {
                break;
            }

            var group = BinaryPrimitives.ReadUInt16LittleEndian(header);
            if (group != 0x0002)
            {
                stream.Position = position;
                break;
            }

            var element = BinaryPrimitives.ReadUInt16LittleEndian(header[2..]);
            var vr = Encoding.ASCII.GetString(header.Slice(4, 2));
            uint length;
            if (vr is "OB" or "OW" or "UN" or "SQ" or "UT" or "UC" or "UR" or "OD" or "OF" or "OL" or "OV")
            {
                stream.ReadExactly(length32);
                length = BinaryPrimitives.ReadUInt32LittleEndian(length32);
            }
            else
            {
                length = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
            }

            if (length > 1 << 16)
            {
                throw new InvalidDataException($"{fileNameForErrors}: file meta element (0002,{element:X4}) has an implausible length {length}.");
            }

            var value = new byte[length];
            stream.ReadExactly(value);
            var text = Encoding.ASCII.GetString(value).TrimEnd('\0', ' ');
            switch (element)
            {
                case 0x0002:
                    sopClass = text;
                    break;
                case 0x0003:
                    sopInstance = text;
                    break;
                case 0x0010:
                    transferSyntax = text;
                    break;
                default:
                    break;
            }
        }

        if (string.IsNullOrEmpty(sopClass) || string.IsNullOrEmpty(sopInstance) || string.IsNullOrEmpty(transferSyntax))
        {
            throw new InvalidDataException($"{fileNameForErrors}: file meta information lacks the media storage SOP class/instance UID or the transfer syntax.");
        }

        return new FileMetaInformation(sopClass, sopInstance, transferSyntax, stream.Position);
    }

    private static byte[] Pad(string value, byte padding)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        if ((bytes.Length & 1) == 1)
        {
            Array.Resize(ref bytes, bytes.Length + 1);
            bytes[^1] = padding;
        }

        return bytes;
    }

    private static void AddElement(List<byte> group, ushort element, string vr, byte[] value)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(header, 0x0002);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], element);
        header[4] = (byte)vr[0];
        header[5] = (byte)vr[1];
        int headerLength;
        if (vr == "OB")
        {
            header[6] = 0;
            header[7] = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)value.Length);
            headerLength = 12;
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)value.Length);
            headerLength = 8;
        }

        foreach (var b in header[..headerLength])
        {
            group.Add(b);
        }

        group.AddRange(value);
    }
}

/// <summary>What the network layer needs from a file's meta information.</summary>
public sealed record FileMetaInformation(string SopClassUid, string SopInstanceUid, string TransferSyntaxUid, long DataSetOffset);
