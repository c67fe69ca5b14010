namespace MedCam.Dicom.Network.Dimse;

/// <summary>A DIMSE status code (PS3.7 Annex C) with its category.</summary>
public readonly record struct DimseStatus(ushort Code)
{
    public static DimseStatus Success { get; } = new(0x0000);

    /// <summary>C-STORE warning: coercion of data elements (PS3.4 B.2.3).</summary>
    public static DimseStatus CoercionOfDataElements { get; } = new(0xB000);

    /// <summary>C-STORE warning: elements discarded.</summary>
    public static DimseStatus ElementsDiscarded { get; } = new(0xB006);

    /// <summary>C-STORE warning: dataset does not match SOP class.</summary>
    public static DimseStatus DataSetDoesNotMatchSopClassWarning { get; } = new(0xB007);

    /// <summary>C-STORE failure: refused, out of resources (PS3.4 B.2.3).</summary>
    public static DimseStatus OutOfResources { get; } = new(0xA700);

    /// <summary>C-STORE failure: dataset does not match SOP class.</summary>
    public static DimseStatus DataSetDoesNotMatchSopClass { get; } = new(0xA900);

    /// <summary>C-STORE failure: cannot understand.</summary>
    public static DimseStatus CannotUnderstand { get; } = new(0xC000);

    /// <summary>Refused: SOP class not supported (PS3.7 C.5.3).</summary>
    public static DimseStatus SopClassNotSupported { get; } = new(0x0122);

    /// <summary>Refused: not authorized.</summary>
    public static DimseStatus NotAuthorized { get; } = new(0x0124);

    /// <summary>Processing failure (PS3.7 C.5.6).</summary>
    public static DimseStatus ProcessingFailure { get; } = new(0x0110);

    /// <summary>Invalid SOP instance.</summary>
    public static DimseStatus InvalidSopInstance { get; } = new(0x0117);

    /// <summary>Duplicate invocation (message ID already in use).</summary>
    public static DimseStatus DuplicateInvocation { get; } = new(0x0210);

    /// <summary>Unrecognized operation (PS3.7 C.5.9).</summary>
    public static DimseStatus UnrecognizedOperation { get; } = new(0x0211);

    /// <summary>Mistyped argument.</summary>
    public static DimseStatus MistypedArgument { get; } = new(0x0212);

    public static DimseStatus Cancel { get; } = new(0xFE00);

    public static DimseStatus Pending { get; } = new(0xFF00);

    public DimseStatusCategory Category => Code switch
    {
        0x0000 => DimseStatusCategory.Success,
        0x0001 or (>= 0xB000 and <= 0xBFFF) => DimseStatusCategory.Warning,
        0xFE00 => DimseStatusCategory.Cancel,
        0xFF00 or 0xFF01 => DimseStatusCategory.Pending,
        _ => DimseStatusCategory.Failure,
    };

    public bool IsSuccess => Category == DimseStatusCategory.Success;

    /// <summary>Success or warning: the operation was performed.</summary>
    public bool IsSuccessOrWarning => Category is DimseStatusCategory.Success or DimseStatusCategory.Warning;

    public override string ToString() => $"0x{Code:X4} ({Category})";
}

/// <summary>Status categories of PS3.7 C.1.</summary>
public enum DimseStatusCategory
{
    Success,
    Warning,
    Failure,
    Cancel,
    Pending,
}
