namespace MedCam.Dicom;

/// <summary>How a value is represented (PS3.5 6.2). A "smart enum": each instance carries the metadata the codec needs.</summary>
public sealed class DicomVR : IEquatable<DicomVR>
{
    private static readonly Dictionary<ushort, DicomVR> ByCode = [];

    private DicomVR(string code, DicomVRKind kind, bool has32BitLength, uint maxLength, int unitSize, byte paddingByte, bool isMultiValued = true)
    {
        Code = code;
        Kind = kind;
        Has32BitLength = has32BitLength;
        MaxLength = maxLength;
        UnitSize = unitSize;
        PaddingByte = paddingByte;
        IsMultiValued = isMultiValued;
        ByCode[Pack(code[0], code[1])] = this;
    }

    /// <summary>The two-letter code, e.g. "PN".</summary>
    public string Code { get; }

    public DicomVRKind Kind { get; }

    /// <summary>In explicit VR encodings the length is 32-bit after two reserved bytes (PS3.5 Table 7.1-1).</summary>
    public bool Has32BitLength { get; }

    /// <summary>Maximum length in bytes of one value (characters for text VRs); uint.MaxValue when unbounded.</summary>
    public uint MaxLength { get; }

    /// <summary>Size in bytes of one binary value (2 for US/OW, 4 for UL/FL/OF, 8 for FD/OD/SV); 1 for text and OB/UN.</summary>
    public int UnitSize { get; }

    /// <summary>Byte appended to reach even length: space for text, NUL for UI and binary.</summary>
    public byte PaddingByte { get; }

    /// <summary>Text VRs whose value may hold several values separated by a backslash.</summary>
    public bool IsMultiValued { get; }

    public bool IsText => Kind == DicomVRKind.Text;

    public bool IsBinaryNumber => Kind == DicomVRKind.BinaryNumber;

    /// <summary>Byte-swapped by unit size when converting between little and big endian.</summary>
    public bool NeedsByteSwap => SwapUnit > 1;

    /// <summary>Size of the units whose bytes are reversed between endiannesses: AT swaps its two 16-bit halves.</summary>
    public int SwapUnit => Code == "AT" ? 2 : Kind is DicomVRKind.BinaryNumber or DicomVRKind.OtherBinary ? UnitSize : 1;

    public static readonly DicomVR AE = new("AE", DicomVRKind.Text, false, 16, 1, 0x20);
    public static readonly DicomVR AS = new("AS", DicomVRKind.Text, false, 4, 1, 0x20);
    public static readonly DicomVR AT = new("AT", DicomVRKind.BinaryNumber, false, 4, 4, 0x00);
    public static readonly DicomVR CS = new("CS", DicomVRKind.Text, false, 16, 1, 0x20);
    public static readonly DicomVR DA = new("DA", DicomVRKind.Text, false, 8, 1, 0x20);
    public static readonly DicomVR DS = new("DS", DicomVRKind.Text, false, 16, 1, 0x20);
    public static readonly DicomVR DT = new("DT", DicomVRKind.Text, false, 26, 1, 0x20);
    public static readonly DicomVR FD = new("FD", DicomVRKind.BinaryNumber, false, 8, 8, 0x00);
    public static readonly DicomVR FL = new("FL", DicomVRKind.BinaryNumber, false, 4, 4, 0x00);
    public static readonly DicomVR IS = new("IS", DicomVRKind.Text, false, 12, 1, 0x20);
    public static readonly DicomVR LO = new("LO", DicomVRKind.Text, false, 64, 1, 0x20);
    public static readonly DicomVR LT = new("LT", DicomVRKind.Text, false, 10240, 1, 0x20, false);
    public static readonly DicomVR OB = new("OB", DicomVRKind.OtherBinary, true, uint.MaxValue, 1, 0x00);
    public static readonly DicomVR OD = new("OD", DicomVRKind.OtherBinary, true, uint.MaxValue, 8, 0x00);
    public static readonly DicomVR OF = new("OF", DicomVRKind.OtherBinary, true, uint.MaxValue, 4, 0x00);
    public static readonly DicomVR OL = new("OL", DicomVRKind.OtherBinary, true, uint.MaxValue, 4, 0x00);
    public static readonly DicomVR OV = new("OV", DicomVRKind.OtherBinary, true, uint.MaxValue, 8, 0x00);
    public static readonly DicomVR OW = new("OW", DicomVRKind.OtherBinary, true, uint.MaxValue, 2, 0x00);
    public static readonly DicomVR PN = new("PN", DicomVRKind.Text, false, 64 * 5, 1, 0x20);
    public static readonly DicomVR SH = new("SH", DicomVRKind.Text, false, 16, 1, 0x20);
    public static readonly DicomVR SL = new("SL", DicomVRKind.BinaryNumber, false, 4, 4, 0x00);
    public static readonly DicomVR SQ = new("SQ", DicomVRKind.Sequence, true, uint.MaxValue, 1, 0x00);
    public static readonly DicomVR SS = new("SS", DicomVRKind.BinaryNumber, false, 2, 2, 0x00);
    public static readonly DicomVR ST = new("ST", DicomVRKind.Text, false, 1024, 1, 0x20, false);
    public static readonly DicomVR SV = new("SV", DicomVRKind.BinaryNumber, true, 8, 8, 0x00);
    public static readonly DicomVR TM = new("TM", DicomVRKind.Text, false, 14, 1, 0x20);
    public static readonly DicomVR UC = new("UC", DicomVRKind.Text, true, uint.MaxValue, 1, 0x20);
    public static readonly DicomVR UI = new("UI", DicomVRKind.Text, false, 64, 1, 0x00);
    public static readonly DicomVR UL = new("UL", DicomVRKind.BinaryNumber, false, 4, 4, 0x00);
    public static readonly DicomVR UN = new("UN", DicomVRKind.OtherBinary, true, uint.MaxValue, 1, 0x00);
    public static readonly DicomVR UR = new("UR", DicomVRKind.Text, true, uint.MaxValue, 1, 0x20, false);
    public static readonly DicomVR US = new("US", DicomVRKind.BinaryNumber, false, 2, 2, 0x00);
    public static readonly DicomVR UT = new("UT", DicomVRKind.Text, true, uint.MaxValue, 1, 0x20, false);
    public static readonly DicomVR UV = new("UV", DicomVRKind.BinaryNumber, true, 8, 8, 0x00);

    /// <summary>Every standard VR.</summary>
    public static IReadOnlyCollection<DicomVR> All => ByCode.Values;

    /// <summary>Parses a two-letter code; unknown codes throw <see cref="DicomFormatException"/>.</summary>
    public static DicomVR Parse(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return code.Length == 2 && TryParse((byte)code[0], (byte)code[1], out var vr)
            ? vr
            : throw new DicomFormatException($"'{code}' is not a DICOM value representation.");
    }

    /// <summary>Looks a VR up from the two bytes found in an explicit VR stream.</summary>
    public static bool TryParse(byte first, byte second, out DicomVR vr) => ByCode.TryGetValue(Pack((char)first, (char)second), out vr!);

    public bool Equals(DicomVR? other) => ReferenceEquals(this, other);

    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    public override int GetHashCode() => Code.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Code;

    private static ushort Pack(char a, char b) => (ushort)((a << 8) | b);
}

/// <summary>Families of VRs that are decoded the same way.</summary>
public enum DicomVRKind
{
    /// <summary>Character strings (AE, CS, DS, PN, UI, UT, ...).</summary>
    Text,

    /// <summary>Fixed-size binary numbers (US, SS, UL, SL, FL, FD, AT, SV, UV).</summary>
    BinaryNumber,

    /// <summary>Byte or word streams (OB, OW, OF, OD, OL, OV, UN).</summary>
    OtherBinary,

    /// <summary>Sequence of items (SQ).</summary>
    Sequence,
}
