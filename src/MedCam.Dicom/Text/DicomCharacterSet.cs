using System.Text;

namespace MedCam.Dicom;

/// <summary>
/// Specific Character Set (0008,0005) semantics (PS3.3 C.12.1.1.2, PS3.5 6.1): single-byte sets, UTF-8, GB18030, and
/// ISO 2022 code extensions with escape sequences (Japanese IR 13/87/159, Korean IR 149, Chinese IR 58) on read.
/// </summary>
public sealed class DicomCharacterSet : IEquatable<DicomCharacterSet>
{
    static DicomCharacterSet() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private DicomCharacterSet(string[] terms)
    {
        Terms = terms;
        UsesCodeExtensions = terms.Length > 1 || (terms.Length == 1 && terms[0].StartsWith("ISO 2022", StringComparison.Ordinal));
        Primary = Iso2022Decoder.SingleByteEncoding(terms.Length > 0 ? terms[0] : string.Empty);
    }

    /// <summary>The default repertoire (ASCII; bytes above 0x7F are read as Latin-1 so nothing is lost).</summary>
    public static readonly DicomCharacterSet Default = new([]);

    /// <summary>ISO_IR 192: UTF-8, the set MedCam writes whenever text is not plain ASCII.</summary>
    public static readonly DicomCharacterSet Utf8 = new(["ISO_IR 192"]);

    /// <summary>The defined terms from (0008,0005), first value possibly empty.</summary>
    public IReadOnlyList<string> Terms { get; }

    public bool UsesCodeExtensions { get; }

    internal Encoding Primary { get; }

    /// <summary>Creates the character set for the value of (0008,0005), e.g. "ISO_IR 100" or "\ISO 2022 IR 87".</summary>
    public static DicomCharacterSet FromSpecificCharacterSet(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Default;
        }

        var terms = value.Split('\\').Select(t => t.Trim()).ToArray();
        if (terms.Length == 1 && terms[0] == "ISO_IR 192")
        {
            return Utf8;
        }

        return terms.Length == 1 && terms[0] is "ISO_IR 6" or "ISO 2022 IR 6" ? Default : new DicomCharacterSet(terms);
    }

    /// <summary>True for the VRs whose text is affected by (0008,0005) (PS3.5 6.1.2.3).</summary>
    public static bool AppliesTo(DicomVR vr) => vr == DicomVR.SH || vr == DicomVR.LO || vr == DicomVR.ST || vr == DicomVR.LT
        || vr == DicomVR.UC || vr == DicomVR.UT || vr == DicomVR.PN;

    /// <summary>Decodes a value of the given VR to a string (padding kept).</summary>
    public string Decode(ReadOnlySpan<byte> bytes, DicomVR vr)
    {
        ArgumentNullException.ThrowIfNull(vr);
        if (!AppliesTo(vr))
        {
            return Encoding.Latin1.GetString(bytes);
        }

        if (UsesCodeExtensions && (bytes.Contains((byte)0x1B) || bytes.ContainsAnyInRange((byte)0x80, (byte)0xFF)))
        {
            return Iso2022Decoder.Decode(bytes, Terms, vr == DicomVR.PN);
        }

        return Primary.GetString(bytes);
    }

    public bool Equals(DicomCharacterSet? other) => other is not null && Terms.SequenceEqual(other.Terms, StringComparer.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as DicomCharacterSet);

    public override int GetHashCode() => string.Join('\\', Terms).GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Terms.Count == 0 ? "(default)" : string.Join('\\', Terms);
}
