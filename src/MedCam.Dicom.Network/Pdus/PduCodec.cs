using System.Buffers.Binary;
using System.Text;

namespace MedCam.Dicom.Network.Pdus;

/// <summary>
/// Encodes and decodes PDUs (PS3.8 9.3). All multi-byte fields of the upper layer are big endian (PS3.8 9.3.1);
/// AE titles are 16 bytes, space padded; UIDs in items are unpadded ASCII.
/// </summary>
public static class PduCodec
{
    /// <summary>Size of the PDU header: type, reserved, 32-bit length.</summary>
    public const int HeaderLength = 6;

    private const byte ApplicationContextItem = 0x10;
    private const byte PresentationContextRequestItem = 0x20;
    private const byte PresentationContextAcceptItem = 0x21;
    private const byte AbstractSyntaxItem = 0x30;
    private const byte TransferSyntaxItem = 0x40;
    private const byte UserInformationItem = 0x50;
    private const byte MaxLengthSubItem = 0x51;
    private const byte ImplementationClassSubItem = 0x52;
    private const byte AsyncOperationsSubItem = 0x53;
    private const byte RoleSelectionSubItem = 0x54;
    private const byte ImplementationVersionSubItem = 0x55;

    /// <summary>Encodes a whole PDU, header included.</summary>
    public static byte[] Encode(Pdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        var body = new ByteSink();
        switch (pdu)
        {
            case AssociateRequestPdu rq:
                WriteAssociateFixedFields(body, rq);
                foreach (var pc in rq.PresentationContexts)
                {
                    var item = new ByteSink();
                    item.U8(pc.Id).U8(0).U8(0).U8(0);
                    WriteUidItem(item, AbstractSyntaxItem, pc.AbstractSyntax);
                    foreach (var ts in pc.TransferSyntaxes)
                    {
                        WriteUidItem(item, TransferSyntaxItem, ts);
                    }

                    body.Item(PresentationContextRequestItem, item);
                }

                WriteUserInformation(body, rq.UserInformation);
                break;
            case AssociateAcceptPdu ac:
                WriteAssociateFixedFields(body, ac);
                foreach (var pc in ac.PresentationContexts)
                {
                    var item = new ByteSink();
                    item.U8(pc.Id).U8(0).U8((byte)pc.Result).U8(0);
                    // PS3.8 9.3.3.2: the transfer syntax sub-item is present but not significant when not accepted.
                    WriteUidItem(item, TransferSyntaxItem, pc.IsAccepted ? pc.TransferSyntax ?? string.Empty : string.Empty);
                    body.Item(PresentationContextAcceptItem, item);
                }

                WriteUserInformation(body, ac.UserInformation);
                break;
            case AssociateRejectPdu rj:
                body.U8(0).U8((byte)rj.Result).U8((byte)rj.Source).U8(rj.Reason);
                break;
            case PDataPdu pd:
                foreach (var pdv in pd.Values)
                {
                    body.U32((uint)(pdv.Data.Length + 2)).U8(pdv.PresentationContextId).U8(MessageControlHeader(pdv.IsCommand, pdv.IsLastFragment));
                    body.Bytes(pdv.Data.Span);
                }

                break;
            case ReleaseRequestPdu or ReleaseResponsePdu:
                body.U32(0);
                break;
            case AbortPdu ab:
                body.U8(0).U8(0).U8((byte)ab.Source).U8((byte)ab.Reason);
                break;
            default:
                throw new ArgumentException($"Unsupported PDU {pdu.GetType().Name}.", nameof(pdu));
        }

        var result = new byte[HeaderLength + body.Length];
        result[0] = (byte)pdu.Type;
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(2), (uint)body.Length);
        body.CopyTo(result.AsSpan(HeaderLength));
        return result;
    }

    /// <summary>The message control header of a PDV (PS3.8 E.2): bit 0 command, bit 1 last fragment.</summary>
    public static byte MessageControlHeader(bool isCommand, bool isLast) => (byte)((isCommand ? 1 : 0) | (isLast ? 2 : 0));

    /// <summary>Decodes a PDU body (the bytes after the 6-byte header).</summary>
    /// <exception cref="DicomPduException">The body is malformed.</exception>
    public static Pdu Decode(PduType type, ReadOnlyMemory<byte> body) => type switch
    {
        PduType.AssociateRequest => DecodeAssociate(body.Span, request: true),
        PduType.AssociateAccept => DecodeAssociate(body.Span, request: false),
        PduType.AssociateReject => DecodeFixed4(body.Span, type, b =>
            new AssociateRejectPdu((AssociateRejectResult)b[1], (AssociateRejectSource)b[2], b[3])),
        PduType.PData => new PDataPdu(DecodePresentationDataValues(body)),
        PduType.ReleaseRequest => DecodeFixed4(body.Span, type, _ => ReleaseRequestPdu.Instance),
        PduType.ReleaseResponse => DecodeFixed4(body.Span, type, _ => ReleaseResponsePdu.Instance),
        PduType.Abort => DecodeFixed4(body.Span, type, b => new AbortPdu((AbortSource)b[2], (AbortReason)b[3])),
        _ => throw new DicomPduException($"Unrecognized PDU type 0x{(byte)type:X2}.", AbortReason.UnrecognizedPdu),
    };

    /// <summary>Splits a P-DATA-TF body into its PDVs, slicing (not copying) <paramref name="body"/>.</summary>
    public static List<PresentationDataValue> DecodePresentationDataValues(ReadOnlyMemory<byte> body)
    {
        var values = new List<PresentationDataValue>(2);
        var offset = 0;
        var span = body.Span;
        while (offset < body.Length)
        {
            if (body.Length - offset < 6)
            {
                throw new DicomPduException($"P-DATA-TF: truncated PDV item header at offset {offset}.");
            }

            var itemLength = BinaryPrimitives.ReadUInt32BigEndian(span[offset..]);
            if (itemLength < 2 || itemLength > (uint)(body.Length - offset - 4))
            {
                throw new DicomPduException($"P-DATA-TF: PDV item length {itemLength} does not fit the {body.Length}-byte PDU.");
            }

            var pcId = span[offset + 4];
            var header = span[offset + 5];
            if ((header & 0xFC) != 0)
            {
                throw new DicomPduException($"P-DATA-TF: reserved bits set in message control header 0x{header:X2}.");
            }

            if ((pcId & 1) == 0)
            {
                throw new DicomPduException($"P-DATA-TF: presentation context id {pcId} is not odd.");
            }

            values.Add(new PresentationDataValue(pcId, (header & 1) != 0, (header & 2) != 0, body.Slice(offset + 6, (int)itemLength - 2)));
            offset += 4 + (int)itemLength;
        }

        if (values.Count == 0)
        {
            throw new DicomPduException("P-DATA-TF without any presentation data value.");
        }

        return values;
    }

    private static T DecodeFixed4<T>(ReadOnlySpan<byte> body, PduType type, Func<byte[], T> create)
    {
        if (body.Length != 4)
        {
            throw new DicomPduException($"{type} PDU must have a 4-byte body, found {body.Length}.");
        }

        return create(body.ToArray());
    }

    private static AssociatePdu DecodeAssociate(ReadOnlySpan<byte> body, bool request)
    {
        if (body.Length < 68)
        {
            throw new DicomPduException($"A-ASSOCIATE body of {body.Length} bytes is shorter than its 68 fixed bytes.");
        }

        var version = BinaryPrimitives.ReadUInt16BigEndian(body);
        var called = ReadAeTitle(body.Slice(4, 16));
        var calling = ReadAeTitle(body.Slice(20, 16));
        string? applicationContext = null;
        var proposals = new List<PresentationContextProposal>();
        var answers = new List<PresentationContextAnswer>();
        UserInformation? userInformation = null;
        var offset = 68;
        while (offset < body.Length)
        {
            var itemType = ReadItem(body, ref offset, out var value);
            switch (itemType)
            {
                case ApplicationContextItem:
                    applicationContext = ReadUid(value);
                    break;
                case PresentationContextRequestItem when request:
                    proposals.Add(DecodeProposal(value));
                    break;
                case PresentationContextAcceptItem when !request:
                    answers.Add(DecodeAnswer(value));
                    break;
                case UserInformationItem:
                    userInformation = DecodeUserInformation(value);
                    break;
                default:
                    throw new DicomPduException($"A-ASSOCIATE: unexpected item type 0x{itemType:X2}.", AbortReason.UnexpectedPduParameter);
            }
        }

        if (applicationContext is null)
        {
            throw new DicomPduException("A-ASSOCIATE without an application context item.");
        }

        if (userInformation is null)
        {
            throw new DicomPduException("A-ASSOCIATE without a user information item.");
        }

        if (request)
        {
            if (proposals.Count == 0)
            {
                throw new DicomPduException("A-ASSOCIATE-RQ without any presentation context.");
            }

            return new AssociateRequestPdu
            {
                ProtocolVersion = version,
                CalledAeTitle = called,
                CallingAeTitle = calling,
                ApplicationContextName = applicationContext,
                PresentationContexts = proposals,
                UserInformation = userInformation,
            };
        }

        return new AssociateAcceptPdu
        {
            ProtocolVersion = version,
            CalledAeTitle = called,
            CallingAeTitle = calling,
            ApplicationContextName = applicationContext,
            PresentationContexts = answers,
            UserInformation = userInformation,
        };
    }

    private static PresentationContextProposal DecodeProposal(ReadOnlySpan<byte> value)
    {
        if (value.Length < 4)
        {
            throw new DicomPduException("Presentation context item shorter than 4 bytes.");
        }

        var id = value[0];
        if ((id & 1) == 0)
        {
            throw new DicomPduException($"Presentation context id {id} is not odd.");
        }

        string? abstractSyntax = null;
        var transferSyntaxes = new List<string>();
        var offset = 4;
        while (offset < value.Length)
        {
            var subType = ReadItem(value, ref offset, out var subValue);
            switch (subType)
            {
                case AbstractSyntaxItem:
                    abstractSyntax = ReadUid(subValue);
                    break;
                case TransferSyntaxItem:
                    transferSyntaxes.Add(ReadUid(subValue));
                    break;
                default:
                    throw new DicomPduException($"Presentation context {id}: unexpected sub-item 0x{subType:X2}.", AbortReason.UnexpectedPduParameter);
            }
        }

        if (abstractSyntax is null || transferSyntaxes.Count == 0)
        {
            throw new DicomPduException($"Presentation context {id} lacks its abstract syntax or transfer syntaxes.");
        }

        return new PresentationContextProposal(id, abstractSyntax, transferSyntaxes);
    }

    private static PresentationContextAnswer DecodeAnswer(ReadOnlySpan<byte> value)
    {
        if (value.Length < 4)
        {
            throw new DicomPduException("Presentation context item shorter than 4 bytes.");
        }

        var id = value[0];
        var result = (PresentationContextResult)value[2];
        if (result > PresentationContextResult.TransferSyntaxesNotSupported)
        {
            throw new DicomPduException($"Presentation context {id}: unknown result {value[2]}.");
        }

        string? transferSyntax = null;
        var offset = 4;
        while (offset < value.Length)
        {
            var subType = ReadItem(value, ref offset, out var subValue);
            if (subType != TransferSyntaxItem)
            {
                throw new DicomPduException($"Presentation context {id}: unexpected sub-item 0x{subType:X2}.", AbortReason.UnexpectedPduParameter);
            }

            transferSyntax = ReadUid(subValue);
        }

        if (result == PresentationContextResult.Acceptance && string.IsNullOrEmpty(transferSyntax))
        {
            throw new DicomPduException($"Presentation context {id} accepted without a transfer syntax.");
        }

        return new PresentationContextAnswer(id, result, result == PresentationContextResult.Acceptance ? transferSyntax : null);
    }

    private static UserInformation DecodeUserInformation(ReadOnlySpan<byte> value)
    {
        uint maxLength = 0;
        string? implementationClass = null;
        string? implementationVersion = null;
        AsyncOperationsWindow? window = null;
        var roles = new List<RoleSelection>();
        var others = new List<UserInformationSubItem>();
        var offset = 0;
        while (offset < value.Length)
        {
            var subType = ReadItem(value, ref offset, out var sub);
            switch (subType)
            {
                case MaxLengthSubItem:
                    RequireLength(sub, 4, "maximum length");
                    maxLength = BinaryPrimitives.ReadUInt32BigEndian(sub);
                    break;
                case ImplementationClassSubItem:
                    implementationClass = ReadUid(sub);
                    break;
                case ImplementationVersionSubItem:
                    implementationVersion = Encoding.ASCII.GetString(sub).TrimEnd(' ', '\0');
                    break;
                case AsyncOperationsSubItem:
                    RequireLength(sub, 4, "asynchronous operations window");
                    window = new AsyncOperationsWindow(BinaryPrimitives.ReadUInt16BigEndian(sub), BinaryPrimitives.ReadUInt16BigEndian(sub[2..]));
                    break;
                case RoleSelectionSubItem:
                    if (sub.Length < 4)
                    {
                        throw new DicomPduException("SCP/SCU role selection sub-item shorter than 4 bytes.");
                    }

                    var uidLength = BinaryPrimitives.ReadUInt16BigEndian(sub);
                    RequireLength(sub, uidLength + 4, "SCP/SCU role selection");
                    roles.Add(new RoleSelection(ReadUid(sub.Slice(2, uidLength)), sub[2 + uidLength] == 1, sub[3 + uidLength] == 1));
                    break;
                default:
                    others.Add(new UserInformationSubItem(subType, sub.ToArray()));
                    break;
            }
        }

        return new UserInformation
        {
            MaxPduLength = maxLength,
            // Some old peers omit it; PS3.7 D.3.3.2 requires it, but refusing them would help nobody.
            ImplementationClassUid = implementationClass ?? string.Empty,
            ImplementationVersionName = implementationVersion,
            AsyncOperations = window,
            RoleSelections = roles,
            OtherItems = others,
        };
    }

    private static void RequireLength(ReadOnlySpan<byte> value, int expected, string what)
    {
        if (value.Length != expected)
        {
            throw new DicomPduException($"User information {what} sub-item has length {value.Length}, expected {expected}.");
        }
    }

    private static byte ReadItem(ReadOnlySpan<byte> buffer, ref int offset, out ReadOnlySpan<byte> value)
    {
        if (buffer.Length - offset < 4)
        {
            throw new DicomPduException($"Truncated item header at offset {offset}.");
        }

        var type = buffer[offset];
        int length = BinaryPrimitives.ReadUInt16BigEndian(buffer[(offset + 2)..]);
        if (length > buffer.Length - offset - 4)
        {
            throw new DicomPduException($"Item 0x{type:X2} claims {length} bytes but only {buffer.Length - offset - 4} remain.");
        }

        value = buffer.Slice(offset + 4, length);
        offset += 4 + length;
        return type;
    }

    private static string ReadUid(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            if (b is not ((>= (byte)'0' and <= (byte)'9') or (byte)'.' or 0 or (byte)' '))
            {
                throw new DicomPduException($"UID contains byte 0x{b:X2}, which is not a digit or a dot.");
            }
        }

        return Encoding.ASCII.GetString(value).TrimEnd('\0', ' ');
    }

    private static string ReadAeTitle(ReadOnlySpan<byte> value) => Encoding.ASCII.GetString(value).Trim(' ', '\0');

    private static void WriteAssociateFixedFields(ByteSink body, AssociatePdu pdu)
    {
        body.U16(pdu.ProtocolVersion).U16(0);
        body.AeTitle(pdu.CalledAeTitle).AeTitle(pdu.CallingAeTitle);
        body.Zeros(32);
        WriteUidItem(body, ApplicationContextItem, pdu.ApplicationContextName);
    }

    private static void WriteUidItem(ByteSink sink, byte itemType, string uid)
    {
        sink.U8(itemType).U8(0).U16((ushort)uid.Length).Ascii(uid);
    }

    private static void WriteUserInformation(ByteSink body, UserInformation info)
    {
        var item = new ByteSink();
        item.U8(MaxLengthSubItem).U8(0).U16(4).U32(info.MaxPduLength);
        WriteUidItem(item, ImplementationClassSubItem, info.ImplementationClassUid);
        if (info.AsyncOperations is { } window)
        {
            item.U8(AsyncOperationsSubItem).U8(0).U16(4).U16(window.MaxOperationsInvoked).U16(window.MaxOperationsPerformed);
        }

        foreach (var role in info.RoleSelections)
        {
            item.U8(RoleSelectionSubItem).U8(0).U16((ushort)(role.SopClassUid.Length + 4))
                .U16((ushort)role.SopClassUid.Length).Ascii(role.SopClassUid)
                .U8(role.ScuRole ? (byte)1 : (byte)0).U8(role.ScpRole ? (byte)1 : (byte)0);
        }

        if (!string.IsNullOrEmpty(info.ImplementationVersionName))
        {
            item.U8(ImplementationVersionSubItem).U8(0).U16((ushort)info.ImplementationVersionName.Length).Ascii(info.ImplementationVersionName);
        }

        foreach (var other in info.OtherItems)
        {
            item.U8(other.ItemType).U8(0).U16((ushort)other.Value.Length).Bytes(other.Value.Span);
        }

        body.Item(UserInformationItem, item);
    }

    /// <summary>A growable big-endian byte writer for PDU bodies.</summary>
    private sealed class ByteSink
    {
        private byte[] buffer = new byte[256];

        public int Length { get; private set; }

        public ByteSink U8(byte value)
        {
            Ensure(1)[0] = value;
            Length += 1;
            return this;
        }

        public ByteSink U16(ushort value)
        {
            BinaryPrimitives.WriteUInt16BigEndian(Ensure(2), value);
            Length += 2;
            return this;
        }

        public ByteSink U32(uint value)
        {
            BinaryPrimitives.WriteUInt32BigEndian(Ensure(4), value);
            Length += 4;
            return this;
        }

        public ByteSink Bytes(ReadOnlySpan<byte> value)
        {
            value.CopyTo(Ensure(value.Length));
            Length += value.Length;
            return this;
        }

        public ByteSink Ascii(string value)
        {
            Length += Encoding.ASCII.GetBytes(value, Ensure(value.Length));
            return this;
        }

        public ByteSink AeTitle(string value)
        {
            var span = Ensure(16);
            span[..16].Fill((byte)' ');
            Encoding.ASCII.GetBytes(value.AsSpan(0, Math.Min(16, value.Length)), span);
            Length += 16;
            return this;
        }

        public ByteSink Zeros(int count)
        {
            Ensure(count)[..count].Clear();
            Length += count;
            return this;
        }

        public ByteSink Item(byte type, ByteSink content)
        {
            if (content.Length > ushort.MaxValue)
            {
                throw new ArgumentException($"Item 0x{type:X2} of {content.Length} bytes exceeds 65535.");
            }

            U8(type).U8(0).U16((ushort)content.Length);
            return Bytes(content.buffer.AsSpan(0, content.Length));
        }

        public void CopyTo(Span<byte> destination) => buffer.AsSpan(0, Length).CopyTo(destination);

        private Span<byte> Ensure(int count)
        {
            if (Length + count > buffer.Length)
            {
                Array.Resize(ref buffer, Math.Max(buffer.Length * 2, Length + count));
            }

            return buffer.AsSpan(Length);
        }
    }
}
