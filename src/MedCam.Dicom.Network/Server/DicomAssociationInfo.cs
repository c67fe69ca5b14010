using System.Net;
using MedCam.Dicom.Network.Association;

namespace MedCam.Dicom.Network.Server;

/// <summary>What a provider may know about the association a request arrived on.</summary>
public sealed record DicomAssociationInfo
{
    /// <summary>Sequential id, unique within one server instance; use it to correlate log lines.</summary>
    public required long Id { get; init; }

    public required string CallingAeTitle { get; init; }

    public required string CalledAeTitle { get; init; }

    public required EndPoint? RemoteEndPoint { get; init; }

    public string? PeerImplementationClassUid { get; init; }

    public string? PeerImplementationVersionName { get; init; }

    public bool IsTls { get; init; }

    public required IReadOnlyList<AcceptedPresentationContext> PresentationContexts { get; init; }
}
