using MedCam.Dicom.Network.Association;
using MedCam.Dicom.Network.Dimse;

namespace MedCam.Dicom.Network.Server;

/// <summary>Verification SCP role (PS3.4 Annex A).</summary>
public interface ICEchoProvider
{
    ValueTask<DimseStatus> OnCEchoAsync(DicomAssociationInfo association, CancellationToken cancellationToken);
}

/// <summary>
/// Storage SCP role (PS3.4 Annex B). The dataset arrives as a stream straight off the network; the provider must
/// make the instance durable before returning a success status, and must not read beyond the stream.
/// </summary>
public interface ICStoreProvider
{
    ValueTask<CStoreResult> OnCStoreAsync(CStoreRequest request, DicomDataSetStream dataSet, CancellationToken cancellationToken);
}

/// <summary>Optional observer of association lifetimes (e.g. to start work once a sender released).</summary>
public interface IAssociationObserver
{
    ValueTask OnAssociationClosedAsync(DicomAssociationInfo association, AssociationOutcome outcome, CancellationToken cancellationToken);
}

/// <summary>How an association ended.</summary>
public enum AssociationOutcome
{
    Released,
    Aborted,
    Rejected,
}

/// <summary>One incoming C-STORE-RQ (PS3.7 9.1.1.1). Nothing here is patient data.</summary>
public sealed record CStoreRequest
{
    public required DicomAssociationInfo Association { get; init; }

    public required AcceptedPresentationContext PresentationContext { get; init; }

    public required string SopClassUid { get; init; }

    public required string SopInstanceUid { get; init; }

    public required ushort MessageId { get; init; }

    public ushort Priority { get; init; }

    public string? MoveOriginatorAeTitle { get; init; }

    public ushort? MoveOriginatorMessageId { get; init; }

    /// <summary>The transfer syntax the dataset bytes are encoded in.</summary>
    public string TransferSyntaxUid => PresentationContext.TransferSyntax;
}

/// <summary>A provider's answer to a C-STORE.</summary>
public sealed record CStoreResult(DimseStatus Status, string? ErrorComment = null)
{
    public static CStoreResult Success { get; } = new(DimseStatus.Success);
}

/// <summary>The default Verification SCP: always success.</summary>
public sealed class VerificationProvider : ICEchoProvider
{
    public ValueTask<DimseStatus> OnCEchoAsync(DicomAssociationInfo association, CancellationToken cancellationToken) =>
        ValueTask.FromResult(DimseStatus.Success);
}
