namespace MedCam.Dicom.Network.Server;

/// <summary>The role implementations a server dispatches to; a role left null is not offered in negotiation.</summary>
public sealed record DicomServiceProviders
{
    public ICEchoProvider? Echo { get; init; } = new VerificationProvider();

    public ICStoreProvider? Store { get; init; }

    public IAssociationObserver? Observer { get; init; }
}
