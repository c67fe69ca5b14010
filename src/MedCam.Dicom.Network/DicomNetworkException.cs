using MedCam.Dicom.Network.Pdus;

namespace MedCam.Dicom.Network;

/// <summary>A DICOM network failure: protocol violation, timeout, lost connection.</summary>
public class DicomNetworkException : Exception
{
    public DicomNetworkException()
    {
    }

    public DicomNetworkException(string message)
        : base(message)
    {
    }

    public DicomNetworkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The peer answered the A-ASSOCIATE-RQ with an A-ASSOCIATE-RJ.</summary>
public sealed class DicomAssociationRejectedException : DicomNetworkException
{
    public DicomAssociationRejectedException(AssociateRejectPdu reject)
        : base($"Association rejected: {reject?.Describe()}.") => Reject = reject!;

    public DicomAssociationRejectedException()
        : this(new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, AssociateRejectReason.NoReasonGiven))
    {
    }

    public DicomAssociationRejectedException(string message)
        : base(message) => Reject = new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, AssociateRejectReason.NoReasonGiven);

    public DicomAssociationRejectedException(string message, Exception innerException)
        : base(message, innerException) => Reject = new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, AssociateRejectReason.NoReasonGiven);

    public AssociateRejectPdu Reject { get; }

    /// <summary>Transient rejections (congestion, local limit) are worth retrying.</summary>
    public bool IsTransient => Reject.Result == AssociateRejectResult.Transient;
}

/// <summary>The association ended by an A-ABORT (from either side) or lost its transport.</summary>
public sealed class DicomAssociationAbortedException : DicomNetworkException
{
    public DicomAssociationAbortedException()
    {
    }

    public DicomAssociationAbortedException(string message)
        : base(message)
    {
    }

    public DicomAssociationAbortedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
