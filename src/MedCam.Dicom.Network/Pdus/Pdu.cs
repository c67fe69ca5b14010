namespace MedCam.Dicom.Network.Pdus;

/// <summary>One upper-layer protocol data unit (PS3.8 9.3). Encoded and decoded by <see cref="PduCodec"/>.</summary>
public abstract record Pdu
{
    /// <summary>The PDU-type field.</summary>
    public abstract PduType Type { get; }
}

/// <summary>Fields shared by A-ASSOCIATE-RQ and A-ASSOCIATE-AC (PS3.8 9.3.2, 9.3.3).</summary>
public abstract record AssociatePdu : Pdu
{
    /// <summary>The DICOM application context name (PS3.7 A.2.1).</summary>
    public const string DicomApplicationContext = "1.2.840.10008.3.1.1.1";

    /// <summary>Bit 0 set: version 1 of the protocol.</summary>
    public ushort ProtocolVersion { get; init; } = 1;

    public required string CalledAeTitle { get; init; }

    public required string CallingAeTitle { get; init; }

    public string ApplicationContextName { get; init; } = DicomApplicationContext;

    public required UserInformation UserInformation { get; init; }
}

/// <summary>A-ASSOCIATE-RQ (PS3.8 9.3.2).</summary>
public sealed record AssociateRequestPdu : AssociatePdu
{
    public override PduType Type => PduType.AssociateRequest;

    public required IReadOnlyList<PresentationContextProposal> PresentationContexts { get; init; }
}

/// <summary>A-ASSOCIATE-AC (PS3.8 9.3.3).</summary>
public sealed record AssociateAcceptPdu : AssociatePdu
{
    public override PduType Type => PduType.AssociateAccept;

    public required IReadOnlyList<PresentationContextAnswer> PresentationContexts { get; init; }
}

/// <summary>A-ASSOCIATE-RJ (PS3.8 9.3.4).</summary>
public sealed record AssociateRejectPdu(AssociateRejectResult Result, AssociateRejectSource Source, byte Reason) : Pdu
{
    public override PduType Type => PduType.AssociateReject;

    /// <summary>A readable explanation of the (source, reason) pair of PS3.8 Table 9-21.</summary>
    public string Describe() => (Source, Reason) switch
    {
        (AssociateRejectSource.ServiceUser, 1) => "no reason given",
        (AssociateRejectSource.ServiceUser, 2) => "application context name not supported",
        (AssociateRejectSource.ServiceUser, 3) => "calling AE title not recognized",
        (AssociateRejectSource.ServiceUser, 7) => "called AE title not recognized",
        (AssociateRejectSource.ServiceProviderAcse, 1) => "no reason given (ACSE)",
        (AssociateRejectSource.ServiceProviderAcse, 2) => "protocol version not supported",
        (AssociateRejectSource.ServiceProviderPresentation, 1) => "temporary congestion",
        (AssociateRejectSource.ServiceProviderPresentation, 2) => "local limit exceeded",
        _ => $"reason {Reason}",
    } + $" ({Result}, {Source})";
}

/// <summary>A-ASSOCIATE-RJ result field.</summary>
public enum AssociateRejectResult : byte
{
    Permanent = 1,
    Transient = 2,
}

/// <summary>A-ASSOCIATE-RJ source field.</summary>
public enum AssociateRejectSource : byte
{
    ServiceUser = 1,
    ServiceProviderAcse = 2,
    ServiceProviderPresentation = 3,
}

/// <summary>Reasons used with <see cref="AssociateRejectSource.ServiceUser"/> (PS3.8 Table 9-21).</summary>
public static class AssociateRejectReason
{
    public const byte NoReasonGiven = 1;
    public const byte ApplicationContextNotSupported = 2;
    public const byte CallingAeNotRecognized = 3;
    public const byte CalledAeNotRecognized = 7;

    /// <summary>With <see cref="AssociateRejectSource.ServiceProviderAcse"/>.</summary>
    public const byte ProtocolVersionNotSupported = 2;

    /// <summary>With <see cref="AssociateRejectSource.ServiceProviderPresentation"/>.</summary>
    public const byte TemporaryCongestion = 1;

    /// <summary>With <see cref="AssociateRejectSource.ServiceProviderPresentation"/>.</summary>
    public const byte LocalLimitExceeded = 2;
}

/// <summary>P-DATA-TF (PS3.8 9.3.5), decoded into its presentation data values.</summary>
public sealed record PDataPdu(IReadOnlyList<PresentationDataValue> Values) : Pdu
{
    public override PduType Type => PduType.PData;
}

/// <summary>One presentation-data-value item: a fragment of a command set or of a dataset (PS3.8 9.3.5.1, E.2).</summary>
public readonly record struct PresentationDataValue(byte PresentationContextId, bool IsCommand, bool IsLastFragment, ReadOnlyMemory<byte> Data);

/// <summary>A-RELEASE-RQ (PS3.8 9.3.6).</summary>
public sealed record ReleaseRequestPdu : Pdu
{
    public static ReleaseRequestPdu Instance { get; } = new();

    public override PduType Type => PduType.ReleaseRequest;
}

/// <summary>A-RELEASE-RP (PS3.8 9.3.7).</summary>
public sealed record ReleaseResponsePdu : Pdu
{
    public static ReleaseResponsePdu Instance { get; } = new();

    public override PduType Type => PduType.ReleaseResponse;
}

/// <summary>A-ABORT (PS3.8 9.3.8).</summary>
public sealed record AbortPdu(AbortSource Source, AbortReason Reason) : Pdu
{
    public override PduType Type => PduType.Abort;
}

/// <summary>A-ABORT source field.</summary>
public enum AbortSource : byte
{
    ServiceUser = 0,
    Reserved = 1,
    ServiceProvider = 2,
}

/// <summary>A-ABORT reason/diagnostic field, meaningful when the source is the service provider.</summary>
public enum AbortReason : byte
{
    NotSpecified = 0,
    UnrecognizedPdu = 1,
    UnexpectedPdu = 2,
    Reserved = 3,
    UnrecognizedPduParameter = 4,
    UnexpectedPduParameter = 5,
    InvalidPduParameterValue = 6,
}
