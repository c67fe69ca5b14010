using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace MedCam.Dicom;

/// <summary>
/// A value element. The value stays as its raw little-endian bytes (a slice of the source buffer when read from a
/// file) and is decoded only when a getter asks for it.
/// </summary>
public sealed class DicomElement : DicomItem
{
    public DicomElement(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> data, DicomCharacterSet? characterSet = null)
        : base(tag, vr)
    {
        Data = data;
        CharacterSet = characterSet ?? DicomCharacterSet.Default;
    }

    /// <summary>The raw value bytes, little endian, including any padding byte.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The character set in effect where the element was read (or UTF-8 for text MedCam created).</summary>
    public DicomCharacterSet CharacterSet { get; }

    public int Length => Data.Length;

    /// <summary>Number of values: backslash-separated for multi-valued text, length / unit size for binary.</summary>
    public int Count
    {
        get
        {
            if (Data.IsEmpty)
            {
                return 0;
            }

            if (VR.IsText)
            {
                return VR.IsMultiValued ? Data.Span.Count((byte)'\\') + 1 : 1;
            }

            return Data.Length / VR.UnitSize;
        }
    }

    /// <summary>The whole value decoded as text (character set applied, padding removed); for binary VRs the values joined by '\'.</summary>
    public string GetText() => VR.IsText
        ? TrimPadding(CharacterSet.Decode(Data.Span, VR), VR)
        : string.Join('\\', DicomValueReader.GetValues<string>(this));

    /// <summary>True when every byte is 7-bit ASCII (no character set needed).</summary>
    public bool IsAscii => !Data.Span.ContainsAnyInRange((byte)0x80, (byte)0xFF) && !Data.Span.Contains((byte)0x1B);

    /// <summary>A text element from values (joined by '\'); non-ASCII text is encoded as UTF-8.</summary>
    public static DicomElement FromStrings(DicomTag tag, DicomVR vr, params string[] values)
    {
        ArgumentNullException.ThrowIfNull(vr);
        ArgumentNullException.ThrowIfNull(values);
        if (!vr.IsText)
        {
            return FromNumbers(tag, vr, values.Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray());
        }

        var text = string.Join('\\', values);
        var ascii = Ascii.IsValid(text);
        var bytes = ascii ? Encoding.ASCII.GetBytes(text) : Encoding.UTF8.GetBytes(text);
        return new DicomElement(tag, vr, Pad(bytes, vr), ascii ? DicomCharacterSet.Default : DicomCharacterSet.Utf8);
    }

    /// <summary>A numeric element: binary for US/SS/UL/SL/FL/FD/SV/UV/OW/OF/OD/OL/OV, text for DS and IS.</summary>
    public static DicomElement FromNumbers<T>(DicomTag tag, DicomVR vr, params T[] values)
        where T : INumber<T>
    {
        ArgumentNullException.ThrowIfNull(vr);
        ArgumentNullException.ThrowIfNull(values);
        if (vr == DicomVR.DS)
        {
            return FromStrings(tag, vr, values.Select(v => FormatDecimalString(double.CreateChecked(v))).ToArray());
        }

        if (vr == DicomVR.IS)
        {
            return FromStrings(tag, vr, values.Select(v => long.CreateChecked(v).ToString(CultureInfo.InvariantCulture)).ToArray());
        }

        if (vr.IsText || vr == DicomVR.SQ)
        {
            return FromStrings(tag, vr, values.Select(v => v.ToString(null, CultureInfo.InvariantCulture)).ToArray());
        }

        var bytes = new byte[values.Length * vr.UnitSize];
        for (var i = 0; i < values.Length; i++)
        {
            WriteBinary(bytes.AsSpan(i * vr.UnitSize), vr, values[i]);
        }

        return new DicomElement(tag, vr, Pad(bytes, vr));
    }

    /// <summary>An AT element listing attribute tags.</summary>
    public static DicomElement FromTags(DicomTag tag, params DicomTag[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 4), values[i].Group);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan((i * 4) + 2), values[i].Element);
        }

        return new DicomElement(tag, DicomVR.AT, bytes);
    }

    /// <summary>An element over raw little-endian bytes (OB/OW pixel data, UN, ...); odd lengths are padded.</summary>
    public static DicomElement FromBytes(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(vr);
        return new DicomElement(tag, vr, bytes.Length % 2 == 0 ? bytes : Pad(bytes.ToArray(), vr));
    }

    /// <summary>An element over a typed array (e.g. ushort[] as OW), copied to little-endian bytes.</summary>
    public static DicomElement FromArray<T>(DicomTag tag, DicomVR vr, ReadOnlySpan<T> values)
        where T : unmanaged => FromBytes(tag, vr, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>
    /// A DS value with at most 16 characters (PS3.5 6.2): the shortest round-trip form, else the most precise
    /// form that fits.
    /// </summary>
    public static string FormatDecimalString(double value)
    {
        var s = value.ToString("R", CultureInfo.InvariantCulture);
        for (var digits = 15; s.Length > 16 && digits > 0; digits--)
        {
            s = value.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture).Replace("E+", "E", StringComparison.Ordinal);
        }

        return s;
    }

    internal static string TrimPadding(string text, DicomVR vr) =>
        vr == DicomVR.UI ? text.TrimEnd('\0', ' ') : text.TrimEnd(' ', '\0');

    private static ReadOnlyMemory<byte> Pad(byte[] bytes, DicomVR vr)
    {
        if (bytes.Length % 2 == 0)
        {
            return bytes;
        }

        var padded = new byte[bytes.Length + 1];
        bytes.CopyTo(padded, 0);
        padded[^1] = vr.PaddingByte;
        return padded;
    }

    private static void WriteBinary<T>(Span<byte> target, DicomVR vr, T value)
        where T : INumber<T>
    {
        switch (vr.Code)
        {
            case "US" or "OW": BinaryPrimitives.WriteUInt16LittleEndian(target, ushort.CreateChecked(value)); break;
            case "SS": BinaryPrimitives.WriteInt16LittleEndian(target, short.CreateChecked(value)); break;
            case "UL" or "OL": BinaryPrimitives.WriteUInt32LittleEndian(target, uint.CreateChecked(value)); break;
            case "SL": BinaryPrimitives.WriteInt32LittleEndian(target, int.CreateChecked(value)); break;
            case "FL" or "OF": BinaryPrimitives.WriteSingleLittleEndian(target, float.CreateChecked(value)); break;
            case "FD" or "OD": BinaryPrimitives.WriteDoubleLittleEndian(target, double.CreateChecked(value)); break;
            case "SV": BinaryPrimitives.WriteInt64LittleEndian(target, long.CreateChecked(value)); break;
            case "UV" or "OV": BinaryPrimitives.WriteUInt64LittleEndian(target, ulong.CreateChecked(value)); break;
            case "OB" or "UN": target[0] = byte.CreateChecked(value); break;
            default: throw new ArgumentException($"VR {vr} does not hold binary numbers.", nameof(vr));
        }
    }
}
