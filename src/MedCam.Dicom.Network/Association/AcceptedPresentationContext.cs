namespace MedCam.Dicom.Network.Association;

/// <summary>A negotiated presentation context: the abstract syntax and the one transfer syntax both sides agreed on.</summary>
public sealed record AcceptedPresentationContext(byte Id, string AbstractSyntax, string TransferSyntax);
