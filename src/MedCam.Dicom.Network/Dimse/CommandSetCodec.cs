namespace MedCam.Dicom.Network.Dimse;

/// <summary>
/// Maps <see cref="DimseCommand"/> to and from a DIMSE command set: group 0000 in Implicit VR Little Endian with
/// (0000,0000) first (PS3.7 6.3.1, E.1). Encoding and parsing are the DICOM core's bare data set reader and writer;
/// this class only knows which command elements exist.
/// </summary>
public static class CommandSetCodec
{
    /// <summary>Encodes <paramref name="command"/> as an Implicit VR Little Endian command set.</summary>
    public static byte[] Encode(DimseCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var set = new DicomDataset();
        if (command.AffectedSopClassUid is { } sopClass)
        {
            set.AddOrUpdate(DicomTags.AffectedSOPClassUID, DicomVR.UI, sopClass);
        }

        set.AddOrUpdate(DicomTags.CommandField, DicomVR.US, (ushort)command.CommandField);
        AddUInt16(set, DicomTags.MessageID, command.MessageId);
        AddUInt16(set, DicomTags.MessageIDBeingRespondedTo, command.MessageIdBeingRespondedTo);
        if (command.MoveDestination is { } destination)
        {
            set.AddOrUpdate(DicomTags.MoveDestination, DicomVR.AE, destination);
        }

        AddUInt16(set, DicomTags.Priority, command.Priority);
        // PS3.7 E.1: any value other than 0x0101 means a dataset follows; 0x0000 is the customary one.
        set.AddOrUpdate(DicomTags.CommandDataSetType, DicomVR.US, command.HasDataSet ? (ushort)0x0000 : DimseCommand.NoDataSet);
        AddUInt16(set, DicomTags.Status, command.Status?.Code);
        if (command.OffendingElements.Count > 0)
        {
            set.AddOrUpdate(DicomElement.FromTags(DicomTags.OffendingElement, [.. command.OffendingElements.Select(t => new DicomTag(t))]));
        }

        if (command.ErrorComment is { } comment)
        {
            set.AddOrUpdate(DicomTags.ErrorComment, DicomVR.LO, comment.Length > 64 ? comment[..64] : comment);
        }

        if (command.AffectedSopInstanceUid is { } instance)
        {
            set.AddOrUpdate(DicomTags.AffectedSOPInstanceUID, DicomVR.UI, instance);
        }

        if (command.MoveOriginatorAeTitle is { } originator)
        {
            set.AddOrUpdate(DicomTags.MoveOriginatorApplicationEntityTitle, DicomVR.AE, originator);
        }

        AddUInt16(set, DicomTags.MoveOriginatorMessageID, command.MoveOriginatorMessageId);
        return DicomDatasetWriter.ToBytes(set, DicomTransferSyntax.ImplicitVRLittleEndian);
    }

    /// <summary>Decodes a command set; elements this layer does not use are ignored.</summary>
    /// <exception cref="DicomNetworkException">The command set is malformed or lacks its command field.</exception>
    public static DimseCommand Decode(ReadOnlyMemory<byte> data)
    {
        DicomDataset set;
        try
        {
            set = DicomDatasetReader.Read(data, DicomTransferSyntax.ImplicitVRLittleEndian);
        }
        catch (DicomException ex)
        {
            throw new DicomNetworkException($"Malformed command set: {ex.Message}", ex);
        }

        if (set.Any(item => item.Tag.Group != 0x0000))
        {
            throw new DicomNetworkException("Command set holds elements outside group 0000.");
        }

        if (!set.TryGet<ushort>(DicomTags.CommandField, out var field))
        {
            throw new DicomNetworkException("Command set lacks the command field (0000,0100).");
        }

        return new DimseCommand
        {
            CommandField = (CommandField)field,
            AffectedSopClassUid = Text(set, DicomTags.AffectedSOPClassUID) ?? Text(set, DicomTags.RequestedSOPClassUID),
            AffectedSopInstanceUid = Text(set, DicomTags.AffectedSOPInstanceUID) ?? Text(set, DicomTags.RequestedSOPInstanceUID),
            MessageId = UInt16(set, DicomTags.MessageID),
            MessageIdBeingRespondedTo = UInt16(set, DicomTags.MessageIDBeingRespondedTo),
            Priority = UInt16(set, DicomTags.Priority),
            HasDataSet = UInt16(set, DicomTags.CommandDataSetType) is not DimseCommand.NoDataSet and not null,
            Status = UInt16(set, DicomTags.Status) is { } status ? new DimseStatus(status) : null,
            ErrorComment = Text(set, DicomTags.ErrorComment),
            OffendingElements = set.TryGet<DicomTag[]>(DicomTags.OffendingElement, out var tags) ? [.. tags.Select(t => t.Value)] : [],
            MoveOriginatorAeTitle = Text(set, DicomTags.MoveOriginatorApplicationEntityTitle),
            MoveOriginatorMessageId = UInt16(set, DicomTags.MoveOriginatorMessageID),
            MoveDestination = Text(set, DicomTags.MoveDestination),
        };
    }

    private static void AddUInt16(DicomDataset set, DicomTag tag, ushort? value)
    {
        if (value is { } v)
        {
            set.AddOrUpdate(tag, DicomVR.US, v);
        }
    }

    private static ushort? UInt16(DicomDataset set, DicomTag tag) => set.TryGet<ushort>(tag, out var value) ? value : null;

    private static string? Text(DicomDataset set, DicomTag tag) =>
        set.TryGetItem(tag, out var item) && item is DicomElement element ? element.GetText().Trim().TrimEnd('\0') : null;
}
