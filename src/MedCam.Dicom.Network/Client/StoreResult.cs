using MedCam.Dicom.Network.Dimse;

namespace MedCam.Dicom.Network.Client;

/// <summary>The outcome of sending one file.</summary>
public sealed record StoreResult(string Path, string? SopInstanceUid, DimseStatus? Status, string? Error)
{
    /// <summary>The peer answered success or a warning.</summary>
    public bool Succeeded => Status is { IsSuccessOrWarning: true };
}
