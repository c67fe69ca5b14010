namespace MedCam.Dicom.Network.Pdus;

/// <summary>A PDU that cannot be decoded: unknown type, bad length, truncated or inconsistent items.</summary>
public sealed class DicomPduException : Exception
{
    public DicomPduException(string message, AbortReason reason = AbortReason.InvalidPduParameterValue)
        : base(message) => Reason = reason;

    public DicomPduException()
        : this("Malformed PDU.")
    {
    }

    public DicomPduException(string message, Exception innerException)
        : base(message, innerException) => Reason = AbortReason.InvalidPduParameterValue;

    /// <summary>The A-ABORT diagnostic to send back.</summary>
    public AbortReason Reason { get; }
}
