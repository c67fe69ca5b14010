namespace MedCam.Dicom.Network;

/// <summary>The few UIDs the network layer itself relies on.</summary>
public static class DicomNetworkUids
{
    /// <summary>Verification SOP class (PS3.4 A.4).</summary>
    public const string Verification = "1.2.840.10008.1.1";

    public const string ImplicitVrLittleEndian = "1.2.840.10008.1.2";

    public const string ExplicitVrLittleEndian = "1.2.840.10008.1.2.1";

    public const string DeflatedExplicitVrLittleEndian = "1.2.840.10008.1.2.1.99";

    public const string ExplicitVrBigEndian = "1.2.840.10008.1.2.2";

    /// <summary>MedCam's implementation class UID (2.25 arc, UUID derived).</summary>
    public const string ImplementationClassUid = "2.25.98137004611238751104286125379118453817";

    public const string ImplementationVersionName = "MEDCAM_010";

    /// <summary>Transfer syntaxes whose datasets are not encapsulated.</summary>
    public static bool IsUncompressed(string transferSyntaxUid) => transferSyntaxUid is ImplicitVrLittleEndian
        or ExplicitVrLittleEndian or ExplicitVrBigEndian or DeflatedExplicitVrLittleEndian;

    /// <summary>
    /// Storage SOP classes live under 1.2.840.10008.5.1.4.1.1 (PS3.4 B.5), plus a few outside that arc
    /// (PS3.4 Table B.5-1: RT, hanging protocols are not storage of instances we keep).
    /// </summary>
    public static bool IsStorageSopClass(string sopClassUid) =>
        sopClassUid.StartsWith("1.2.840.10008.5.1.4.1.1.", StringComparison.Ordinal)
        || sopClassUid.StartsWith("1.2.840.10008.5.1.4.34.", StringComparison.Ordinal);

    /// <summary>Standard transfer syntaxes all live under 1.2.840.10008.1.2 (PS3.6 Table A-1).</summary>
    public static bool IsStandardTransferSyntax(string uid) =>
        uid == ImplicitVrLittleEndian || uid.StartsWith("1.2.840.10008.1.2.", StringComparison.Ordinal);
}
