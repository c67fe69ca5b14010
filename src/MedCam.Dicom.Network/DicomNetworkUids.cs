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

    /// <summary>MedCam's implementation class UID, shared with the Part 10 writer of the DICOM core.</summary>
    public static string ImplementationClassUid => DicomUids.MedCamImplementationClass.Value;

    public static string ImplementationVersionName => DicomUids.MedCamImplementationVersionName;

    /// <summary>Transfer syntaxes whose datasets are not encapsulated.</summary>
    public static bool IsUncompressed(string transferSyntaxUid) => transferSyntaxUid is ImplicitVrLittleEndian
        or ExplicitVrLittleEndian or ExplicitVrBigEndian or DeflatedExplicitVrLittleEndian;

    /// <summary>
    /// Storage SOP classes live under 1.2.840.10008.5.1.4.1.1 (PS3.4 Table B.5-1) and 1.2.840.10008.5.1.4.34 (RT).
    /// An arc rule rather than a list: the core's UID dictionary names only the classes MedCam itself writes.
    /// </summary>
    public static bool IsStorageSopClass(string sopClassUid) =>
        sopClassUid.StartsWith("1.2.840.10008.5.1.4.1.1.", StringComparison.Ordinal)
        || sopClassUid.StartsWith("1.2.840.10008.5.1.4.34.", StringComparison.Ordinal);

    /// <summary>Standard transfer syntaxes all live under 1.2.840.10008.1.2 (PS3.6 Table A-1).</summary>
    public static bool IsStandardTransferSyntax(string uid) =>
        uid == ImplicitVrLittleEndian || uid.StartsWith("1.2.840.10008.1.2.", StringComparison.Ordinal);
}
