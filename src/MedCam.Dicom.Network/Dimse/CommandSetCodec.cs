using System.Buffers.Binary;
using System.Text;

namespace MedCam.Dicom.Network.Dimse;

/// <summary>
/// Reads and writes DIMSE command sets: group 0000 in Implicit VR Little Endian, led by the group length
/// (0000,0000) (PS3.7 6.3.1, E.1). Value representations come from the command dictionary of PS3.7 E.1.
/// </summary>
public static class CommandSetCodec
{
    private const uint GroupLength = 0x00000000;
    private const uint AffectedSopClassUid = 0x00000002;
    private const uint RequestedSopClassUid = 0x00000003;
    private const uint CommandFieldTag = 0x00000100;
    private const uint MessageIdTag = 0x00000110;
    private const uint MessageIdBeingRespondedToTag = 0x00000120;
    private const uint MoveDestinationTag = 0x00000600;
    private const uint PriorityTag = 0x00000700;
    private const uint CommandDataSetTypeTag = 0x00000800;
    private const uint StatusTag = 0x00000900;
    private const uint OffendingElementTag = 0x00000901;
    private const uint ErrorCommentTag = 0x00000902;
    private const uint AffectedSopInstanceUid = 0x00001000;
    private const uint RequestedSopInstanceUid = 0x00001001;
    private const uint MoveOriginatorAeTag = 0x00001030;
    private const uint MoveOriginatorMessageIdTag = 0x00001031;

    /// <summary>Encodes <paramref name="command"/> as an Implicit VR Little Endian command set.</summary>
    public static byte[] Encode(DimseCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var body = new List<byte>(160);
        if (command.AffectedSopClassUid is { } sopClass)
        {
            PutString(body, AffectedSopClassUid, sopClass, 0);
        }

        PutUInt16(body, CommandFieldTag, (ushort)command.CommandField);
        if (command.MessageId is { } messageId)
        {
            PutUInt16(body, MessageIdTag, messageId);
        }

        if (command.MessageIdBeingRespondedTo is { } respondedTo)
        {
            PutUInt16(body, MessageIdBeingRespondedToTag, respondedTo);
        }

        if (command.MoveDestination is { } destination)
        {
            PutString(body, MoveDestinationTag, destination, (byte)' ');
        }

        if (command.Priority is { } priority)
        {
            PutUInt16(body, PriorityTag, priority);
        }

        // PS3.7 E.1: any value other than 0x0101 means a dataset follows; 0x0000 is the customary one.
        PutUInt16(body, CommandDataSetTypeTag, command.HasDataSet ? (ushort)0x0000 : DimseCommand.NoDataSet);
        if (command.Status is { } status)
        {
            PutUInt16(body, StatusTag, status.Code);
        }

        if (command.OffendingElements.Count > 0)
        {
            var value = new byte[4 * command.OffendingElements.Count];
            for (var i = 0; i < command.OffendingElements.Count; i++)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(4 * i), (ushort)(command.OffendingElements[i] >> 16));
                BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan((4 * i) + 2), (ushort)command.OffendingElements[i]);
            }

            PutElement(body, OffendingElementTag, value);
        }

        if (command.ErrorComment is { } comment)
        {
            PutString(body, ErrorCommentTag, comment.Length > 64 ? comment[..64] : comment, (byte)' ');
        }

        if (command.AffectedSopInstanceUid is { } instance)
        {
            PutString(body, AffectedSopInstanceUid, instance, 0);
        }

        if (command.MoveOriginatorAeTitle is { } originator)
        {
            PutString(body, MoveOriginatorAeTag, originator, (byte)' ');
        }

        if (command.MoveOriginatorMessageId is { } originatorId)
        {
            PutUInt16(body, MoveOriginatorMessageIdTag, originatorId);
        }

        var result = new byte[12 + body.Count];
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(0), GroupLength);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(8), (uint)body.Count);
        body.CopyTo(result, 12);
        return result;
    }

    /// <summary>Decodes a command set. Elements outside the composite/normalized command dictionary are skipped.</summary>
    /// <exception cref="DicomNetworkException">The command set is truncated or lacks its command field.</exception>
    public static DimseCommand Decode(ReadOnlySpan<byte> data)
    {
        CommandField? field = null;
        string? sopClass = null;
        string? sopInstance = null;
        ushort? messageId = null;
        ushort? respondedTo = null;
        ushort? priority = null;
        ushort dataSetType = DimseCommand.NoDataSet;
        ushort? status = null;
        string? comment = null;
        string? originator = null;
        ushort? originatorId = null;
        string? destination = null;
        var offending = new List<uint>();
        var offset = 0;
        while (offset < data.Length)
        {
            if (data.Length - offset < 8)
            {
                throw new DicomNetworkException($"Command set truncated in an element header at offset {offset}.");
            }

            var group = BinaryPrimitives.ReadUInt16LittleEndian(data[offset..]);
            var element = BinaryPrimitives.ReadUInt16LittleEndian(data[(offset + 2)..]);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(data[(offset + 4)..]);
            if (group != 0x0000)
            {
                throw new DicomNetworkException($"Command set holds element ({group:X4},{element:X4}) outside group 0000.");
            }

            if (length > (uint)(data.Length - offset - 8))
            {
                throw new DicomNetworkException($"Command element (0000,{element:X4}) claims {length} bytes but only {data.Length - offset - 8} remain.");
            }

            var value = data.Slice(offset + 8, (int)length);
            offset += 8 + (int)length;
            switch ((uint)element)
            {
                case AffectedSopClassUid or RequestedSopClassUid:
                    sopClass = ReadString(value);
                    break;
                case AffectedSopInstanceUid or RequestedSopInstanceUid:
                    sopInstance = ReadString(value);
                    break;
                case CommandFieldTag:
                    field = (CommandField)ReadUInt16(value, element);
                    break;
                case MessageIdTag:
                    messageId = ReadUInt16(value, element);
                    break;
                case MessageIdBeingRespondedToTag:
                    respondedTo = ReadUInt16(value, element);
                    break;
                case MoveDestinationTag:
                    destination = ReadString(value);
                    break;
                case PriorityTag:
                    priority = ReadUInt16(value, element);
                    break;
                case CommandDataSetTypeTag:
                    dataSetType = ReadUInt16(value, element);
                    break;
                case StatusTag:
                    status = ReadUInt16(value, element);
                    break;
                case OffendingElementTag:
                    for (var i = 0; i + 4 <= value.Length; i += 4)
                    {
                        offending.Add(((uint)BinaryPrimitives.ReadUInt16LittleEndian(value[i..]) << 16) | BinaryPrimitives.ReadUInt16LittleEndian(value[(i + 2)..]));
                    }

                    break;
                case ErrorCommentTag:
                    comment = ReadString(value);
                    break;
                case MoveOriginatorAeTag:
                    originator = ReadString(value);
                    break;
                case MoveOriginatorMessageIdTag:
                    originatorId = ReadUInt16(value, element);
                    break;
                default:
                    break;
            }
        }

        return new DimseCommand
        {
            CommandField = field ?? throw new DicomNetworkException("Command set lacks the command field (0000,0100)."),
            AffectedSopClassUid = sopClass,
            AffectedSopInstanceUid = sopInstance,
            MessageId = messageId,
            MessageIdBeingRespondedTo = respondedTo,
            Priority = priority,
            HasDataSet = dataSetType != DimseCommand.NoDataSet,
            Status = status is { } code ? new DimseStatus(code) : null,
            ErrorComment = comment,
            OffendingElements = offending,
            MoveOriginatorAeTitle = originator,
            MoveOriginatorMessageId = originatorId,
            MoveDestination = destination,
        };
    }

    private static ushort ReadUInt16(ReadOnlySpan<byte> value, ushort element) => value.Length == 2
        ? BinaryPrimitives.ReadUInt16LittleEndian(value)
        : throw new DicomNetworkException($"Command element (0000,{element:X4}) is US but has length {value.Length}.");

    private static string ReadString(ReadOnlySpan<byte> value) => Encoding.ASCII.GetString(value).TrimEnd('\0', ' ').TrimStart(' ');

    private static void PutUInt16(List<byte> body, uint tag, ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        PutElement(body, tag, bytes);
    }

    private static void PutString(List<byte> body, uint tag, string value, byte padding)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        if ((bytes.Length & 1) == 1)
        {
            Array.Resize(ref bytes, bytes.Length + 1);
            bytes[^1] = padding;
        }

        PutElement(body, tag, bytes);
    }

    private static void PutElement(List<byte> body, uint tag, ReadOnlySpan<byte> value)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)(tag >> 16));
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)tag);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)value.Length);
        foreach (var b in header)
        {
            body.Add(b);
        }

        foreach (var b in value)
        {
            body.Add(b);
        }
    }
}
