namespace MedCam.Dicom.Network.Association;

/// <summary>Timers of one association (PS3.8 9.1.5 ARTIM, plus the idle and DIMSE response timeouts every PACS has).</summary>
public sealed record AssociationTimeouts
{
    /// <summary>ARTIM: how long to wait for an A-ASSOCIATE-RQ after connect, and for the transport to close after RJ/RP/A-ABORT.</summary>
    public TimeSpan Artim { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an established association may stay silent (including inside a PDU) before it is aborted.</summary>
    public TimeSpan Idle { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Requestor side: how long to wait for the A-ASSOCIATE-AC/RJ, an A-RELEASE-RP or a DIMSE response.</summary>
    public TimeSpan Response { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Requestor side: TCP connect (and TLS handshake) timeout.</summary>
    public TimeSpan Connect { get; init; } = TimeSpan.FromSeconds(15);
}
