using System.Globalization;

namespace MedCam.Dicom;

/// <summary>An attribute tag (group, element) as defined in PS3.5 7.1. Immutable, ordered by group then element.</summary>
public readonly struct DicomTag : IEquatable<DicomTag>, IComparable<DicomTag>
{
    public DicomTag(ushort group, ushort element) => Value = ((uint)group << 16) | element;

    public DicomTag(uint value) => Value = value;

    /// <summary>The tag as one 32-bit number, group in the high half.</summary>
    public uint Value { get; }

    public ushort Group => (ushort)(Value >> 16);

    public ushort Element => (ushort)Value;

    /// <summary>Odd groups are private (PS3.5 7.8.1), except the reserved groups 0001, 0003, 0005, 0007 and FFFF.</summary>
    public bool IsPrivate => (Group & 1) == 1 && Group > 0x0007 && Group != 0xFFFF;

    /// <summary>A private creator element (gggg,0010-00FF) that reserves a block of a private group.</summary>
    public bool IsPrivateCreator => IsPrivate && Element >= 0x0010 && Element <= 0x00FF;

    /// <summary>Group length elements (gggg,0000): retired outside groups 0000 and 0002.</summary>
    public bool IsGroupLength => Element == 0x0000;

    /// <summary>The private creator element that reserves this private element's block, e.g. (0029,1010) -> (0029,0010).</summary>
    public DicomTag PrivateCreatorTag => IsPrivate && Element > 0x00FF
        ? new DicomTag(Group, (ushort)(Element >> 8))
        : throw new InvalidOperationException($"{this} is not a private data element.");

    /// <summary>The keyword from the data dictionary, or an empty string for unknown and private tags.</summary>
    public string Keyword => DicomDictionary.Lookup(this)?.Keyword ?? string.Empty;

    public static readonly DicomTag Item = new(0xFFFE, 0xE000);
    public static readonly DicomTag ItemDelimitation = new(0xFFFE, 0xE00D);
    public static readonly DicomTag SequenceDelimitation = new(0xFFFE, 0xE0DD);

    /// <summary>Parses "(0010,0010)", "0010,0010", "00100010" or a dictionary keyword such as "PatientName".</summary>
    public static DicomTag Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var tag) ? tag : throw new FormatException($"'{text}' is neither a tag like (0010,0010) nor a known keyword.");
    }

    public static bool TryParse(string? text, out DicomTag tag)
    {
        tag = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        if (s.StartsWith('(') && s.EndsWith(')'))
        {
            s = s[1..^1];
        }

        var hex = s.Replace(",", string.Empty, StringComparison.Ordinal);
        if (hex.Length == 8 && uint.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
        {
            tag = new DicomTag(value);
            return true;
        }

        var entry = DicomDictionary.LookupKeyword(text.Trim());
        if (entry is null)
        {
            return false;
        }

        tag = entry.Tag;
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"({Group:X4},{Element:X4})");

    public bool Equals(DicomTag other) => Value == other.Value;

    public override bool Equals(object? obj) => obj is DicomTag other && Equals(other);

    public override int GetHashCode() => (int)Value;

    public int CompareTo(DicomTag other) => Value.CompareTo(other.Value);

    public static bool operator ==(DicomTag left, DicomTag right) => left.Equals(right);

    public static bool operator !=(DicomTag left, DicomTag right) => !left.Equals(right);

    public static bool operator <(DicomTag left, DicomTag right) => left.Value < right.Value;

    public static bool operator >(DicomTag left, DicomTag right) => left.Value > right.Value;

    public static bool operator <=(DicomTag left, DicomTag right) => left.Value <= right.Value;

    public static bool operator >=(DicomTag left, DicomTag right) => left.Value >= right.Value;
}
