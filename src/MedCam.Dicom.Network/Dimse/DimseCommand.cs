namespace MedCam.Dicom.Network.Dimse;

/// <summary>
/// A DIMSE command set (PS3.7 9.3, 10.3): the group 0000 elements the composite services use.
/// Always encoded in Implicit VR Little Endian (PS3.7 6.3.1).
/// </summary>
public sealed record DimseCommand
{
    /// <summary>(0000,0800) value meaning "no dataset follows".</summary>
    public const ushort NoDataSet = 0x0101;

    public required CommandField CommandField { get; init; }

    /// <summary>(0000,0002) or, for N-services, (0000,0003) requested SOP class.</summary>
    public string? AffectedSopClassUid { get; init; }

    /// <summary>(0000,1000).</summary>
    public string? AffectedSopInstanceUid { get; init; }

    /// <summary>(0000,0110) on requests.</summary>
    public ushort? MessageId { get; init; }

    /// <summary>(0000,0120) on responses.</summary>
    public ushort? MessageIdBeingRespondedTo { get; init; }

    /// <summary>(0000,0700): 0 medium, 1 high, 2 low.</summary>
    public ushort? Priority { get; init; }

    /// <summary>(0000,0800) != 0x0101.</summary>
    public bool HasDataSet { get; init; }

    /// <summary>(0000,0900) on responses.</summary>
    public DimseStatus? Status { get; init; }

    /// <summary>(0000,0902).</summary>
    public string? ErrorComment { get; init; }

    /// <summary>(0000,0901) offending element tags.</summary>
    public IReadOnlyList<uint> OffendingElements { get; init; } = [];

    /// <summary>(0000,1030) when a C-STORE is a C-MOVE sub-operation.</summary>
    public string? MoveOriginatorAeTitle { get; init; }

    /// <summary>(0000,1031).</summary>
    public ushort? MoveOriginatorMessageId { get; init; }

    /// <summary>(0000,0600) on C-MOVE requests.</summary>
    public string? MoveDestination { get; init; }

    public bool IsRequest => ((ushort)CommandField & 0x8000) == 0;

    public static DimseCommand CEchoRequest(ushort messageId) => new()
    {
        CommandField = CommandField.CEchoRequest,
        AffectedSopClassUid = DicomNetworkUids.Verification,
        MessageId = messageId,
    };

    public static DimseCommand CStoreRequest(ushort messageId, string sopClassUid, string sopInstanceUid, ushort priority = 0) => new()
    {
        CommandField = CommandField.CStoreRequest,
        AffectedSopClassUid = sopClassUid,
        AffectedSopInstanceUid = sopInstanceUid,
        MessageId = messageId,
        Priority = priority,
        HasDataSet = true,
    };

    /// <summary>The response to this request carrying <paramref name="status"/> (PS3.7 9.3.1.2, 9.3.5.2).</summary>
    public DimseCommand ResponseWith(DimseStatus status, string? errorComment = null) => new()
    {
        CommandField = (CommandField)((ushort)CommandField | 0x8000),
        AffectedSopClassUid = AffectedSopClassUid,
        AffectedSopInstanceUid = AffectedSopInstanceUid,
        MessageIdBeingRespondedTo = MessageId,
        Status = status,
        ErrorComment = errorComment,
    };
}
