using System.Collections.Frozen;

namespace MedCam.Dicom;

/// <summary>A transfer syntax (PS3.5 10) and the encoding rules the reader and writer follow for it.</summary>
public sealed class DicomTransferSyntax : IEquatable<DicomTransferSyntax>
{
    private DicomTransferSyntax(DicomUid uid, bool explicitVR, bool bigEndian, bool deflated, bool encapsulated, bool lossy)
    {
        Uid = uid;
        IsExplicitVR = explicitVR;
        IsBigEndian = bigEndian;
        IsDeflated = deflated;
        IsEncapsulated = encapsulated;
        IsLossy = lossy;
    }

    public DicomUid Uid { get; }

    public string Name => Uid.Name;

    public bool IsExplicitVR { get; }

    public bool IsBigEndian { get; }

    /// <summary>The data set after the meta group is a raw deflate stream (RFC 1951).</summary>
    public bool IsDeflated { get; }

    /// <summary>Pixel data is a sequence of fragments (PS3.5 A.4).</summary>
    public bool IsEncapsulated { get; }

    public bool IsLossy { get; }

    public static readonly DicomTransferSyntax ImplicitVRLittleEndian = new(DicomUids.ImplicitVRLittleEndian, false, false, false, false, false);
    public static readonly DicomTransferSyntax ExplicitVRLittleEndian = new(DicomUids.ExplicitVRLittleEndian, true, false, false, false, false);
    public static readonly DicomTransferSyntax ExplicitVRBigEndian = new(DicomUids.ExplicitVRBigEndian, true, true, false, false, false);
    public static readonly DicomTransferSyntax DeflatedExplicitVRLittleEndian = new(DicomUids.DeflatedExplicitVRLittleEndian, true, false, true, false, false);
    public static readonly DicomTransferSyntax JPEGBaseline8Bit = Encapsulated(DicomUids.JPEGBaseline8Bit, lossy: true);
    public static readonly DicomTransferSyntax JPEGExtended12Bit = Encapsulated(DicomUids.JPEGExtended12Bit, lossy: true);
    public static readonly DicomTransferSyntax JPEGLossless = Encapsulated(DicomUids.JPEGLossless, lossy: false);
    public static readonly DicomTransferSyntax JPEGLosslessSV1 = Encapsulated(DicomUids.JPEGLosslessSV1, lossy: false);
    public static readonly DicomTransferSyntax JPEGLSLossless = Encapsulated(DicomUids.JPEGLSLossless, lossy: false);
    public static readonly DicomTransferSyntax JPEGLSNearLossless = Encapsulated(DicomUids.JPEGLSNearLossless, lossy: true);
    public static readonly DicomTransferSyntax JPEG2000Lossless = Encapsulated(DicomUids.JPEG2000Lossless, lossy: false);
    public static readonly DicomTransferSyntax JPEG2000 = Encapsulated(DicomUids.JPEG2000, lossy: true);
    public static readonly DicomTransferSyntax RLELossless = Encapsulated(DicomUids.RLELossless, lossy: false);
    public static readonly DicomTransferSyntax HTJ2KLossless = Encapsulated(DicomUids.HTJ2KLossless, lossy: false);
    public static readonly DicomTransferSyntax HTJ2K = Encapsulated(DicomUids.HTJ2K, lossy: true);
    public static readonly DicomTransferSyntax EncapsulatedUncompressedExplicitVRLittleEndian = Encapsulated(DicomUids.EncapsulatedUncompressedExplicitVRLittleEndian, lossy: false);

    private static readonly FrozenDictionary<string, DicomTransferSyntax> Known = new[]
    {
        ImplicitVRLittleEndian, ExplicitVRLittleEndian, ExplicitVRBigEndian, DeflatedExplicitVRLittleEndian, JPEGBaseline8Bit,
        JPEGExtended12Bit, JPEGLossless, JPEGLosslessSV1, JPEGLSLossless, JPEGLSNearLossless, JPEG2000Lossless, JPEG2000,
        RLELossless, HTJ2KLossless, HTJ2K, EncapsulatedUncompressedExplicitVRLittleEndian,
    }.ToFrozenDictionary(t => t.Uid.Value, StringComparer.Ordinal);

    public static IEnumerable<DicomTransferSyntax> All => Known.Values;

    /// <summary>
    /// Resolves a UID ("1.2.840.10008.1.2.1"), a keyword ("ExplicitVRLittleEndian") or a short name ("explicit",
    /// "implicit", "big", "deflated", "rle"). Unknown UIDs are assumed encapsulated explicit VR little endian (PS3.5 A.4).
    /// </summary>
    public static DicomTransferSyntax Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim().TrimEnd('\0');
        if (Known.TryGetValue(value, out var known))
        {
            return known;
        }

        var alias = value.ToUpperInvariant() switch
        {
            "IMPLICIT" or "IVRLE" => ImplicitVRLittleEndian,
            "EXPLICIT" or "EVRLE" => ExplicitVRLittleEndian,
            "BIG" or "EVRBE" => ExplicitVRBigEndian,
            "DEFLATED" or "DEFLATE" => DeflatedExplicitVRLittleEndian,
            "RLE" => RLELossless,
            _ => null,
        };
        if (alias is not null)
        {
            return alias;
        }

        var byKeyword = Known.Values.FirstOrDefault(t => string.Equals(KeywordOf(t), value, StringComparison.OrdinalIgnoreCase));
        if (byKeyword is not null)
        {
            return byKeyword;
        }

        if (DicomUid.IsValidValue(value))
        {
            return Encapsulated(new DicomUid(value, string.Empty, DicomUidType.TransferSyntax), lossy: false);
        }

        throw new DicomFormatException($"'{text}' is not a transfer syntax UID or name.");
    }

    public bool Equals(DicomTransferSyntax? other) => other is not null && Uid.Equals(other.Uid);

    public override bool Equals(object? obj) => Equals(obj as DicomTransferSyntax);

    public override int GetHashCode() => Uid.GetHashCode();

    public override string ToString() => Uid.ToString();

    private static DicomTransferSyntax Encapsulated(DicomUid uid, bool lossy) => new(uid, true, false, false, true, lossy);

    private static string KeywordOf(DicomTransferSyntax syntax) =>
        typeof(DicomTransferSyntax).GetFields().FirstOrDefault(f => f.IsStatic && f.GetValue(null) == syntax)?.Name ?? string.Empty;
}
