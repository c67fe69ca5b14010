using System.Collections.Frozen;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace MedCam.Dicom;

/// <summary>What a UID identifies (PS3.6 Annex A "UID Type").</summary>
public enum DicomUidType
{
    Unknown,
    TransferSyntax,
    SOPClass,
    ApplicationContextName,
    Instance,
}

/// <summary>A unique identifier (PS3.5 9): dotted digits, at most 64 characters. Equality is by value.</summary>
public sealed class DicomUid : IEquatable<DicomUid>
{
    private const string UuidRoot = "2.25.";

    public DicomUid(string value, string name = "", DicomUidType type = DicomUidType.Unknown)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
        Name = name;
        Type = type;
    }

    public string Value { get; }

    /// <summary>The standard name for well-known UIDs; empty otherwise.</summary>
    public string Name { get; }

    public DicomUidType Type { get; }

    /// <summary>True when the value follows PS3.5 9.1: components of digits without leading zeros, at most 64 characters.</summary>
    public bool IsValid => IsValidValue(Value);

    /// <summary>A well-known UID if the value is in the dictionary, else a plain instance UID.</summary>
    public static DicomUid Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var trimmed = value.TrimEnd('\0', ' ');
        return DicomUids.Lookup(trimmed) ?? new DicomUid(trimmed, string.Empty, DicomUidType.Instance);
    }

    /// <summary>A new random UID: "2.25." followed by a random UUID as an unsigned decimal (PS3.5 B.2).</summary>
    public static DicomUid Generate() => FromUuid(Guid.NewGuid());

    /// <summary>
    /// A deterministic UID derived from the inputs (a name-based UUID, RFC 9562 version 8 layout over SHA-256), so the
    /// same source, model, method and parameters always give the same UID. Inputs are length-prefixed, so ("ab","c")
    /// and ("a","bc") differ.
    /// </summary>
    public static DicomUid FromName(params string[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var builder = new StringBuilder("medcam-uid-v1");
        foreach (var input in inputs)
        {
            builder.Append('|').Append(input.Length).Append(':').Append(input);
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString()));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8 (custom)
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new DicomUid(UuidRoot + new BigInteger(hash.AsSpan(0, 16), isUnsigned: true, isBigEndian: true), string.Empty, DicomUidType.Instance);
    }

    /// <summary>The "2.25." form of a UUID (PS3.5 B.2), the UUID read as a big-endian unsigned 128-bit integer.</summary>
    public static DicomUid FromUuid(Guid uuid)
    {
        Span<byte> bytes = stackalloc byte[16];
        uuid.TryWriteBytes(bytes, bigEndian: true, out _);
        return new DicomUid(UuidRoot + new BigInteger(bytes, isUnsigned: true, isBigEndian: true), string.Empty, DicomUidType.Instance);
    }

    public static bool IsValidValue(string value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 64)
        {
            return false;
        }

        foreach (var component in value.Split('.'))
        {
            if (component.Length == 0 || (component.Length > 1 && component[0] == '0') || !component.All(char.IsAsciiDigit))
            {
                return false;
            }
        }

        return true;
    }

    public bool Equals(DicomUid? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as DicomUid);

    public override int GetHashCode() => Value.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Name.Length > 0 ? $"{Value} ({Name})" : Value;

    public static bool operator ==(DicomUid? left, DicomUid? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(DicomUid? left, DicomUid? right) => !(left == right);
}

/// <summary>Lookup over the generated well-known UIDs.</summary>
public static partial class DicomUids
{
    /// <summary>MedCam's Implementation Class UID (PS3.7 D.3.3.2), written in every file meta group and association.</summary>
    public static readonly DicomUid MedCamImplementationClass = new("2.25.203813542769407583984766363537661882383", "MedCam Implementation Class", DicomUidType.Unknown);

    /// <summary>MedCam's Implementation Version Name (SH, at most 16 characters).</summary>
    public const string MedCamImplementationVersionName = "MEDCAM_0.1";

    public static IEnumerable<DicomUid> All => Index.ByValue.Values;

    public static DicomUid? Lookup(string value) => Index.ByValue.GetValueOrDefault(value);

    // A holder class so the index is built after every generated field (partial-class field order is unspecified).
    private static class Index
    {
        public static readonly FrozenDictionary<string, DicomUid> ByValue = CreateAll().ToFrozenDictionary(u => u.Value, StringComparer.Ordinal);
    }
}
