using MedCam.Dicom.Network.Association;

namespace MedCam.Dicom.Network.Dimse;

/// <summary>A DIMSE command received on an accepted presentation context.</summary>
public sealed record IncomingCommand(AcceptedPresentationContext PresentationContext, DimseCommand Command);
