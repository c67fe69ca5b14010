namespace MedCam.Imaging.NumPy;

/// <summary>The element types MedCam reads from and writes to NumPy <c>.npy</c> files.</summary>
public enum NpyDataType
{
    Bool,
    Int8,
    UInt8,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Float16,
    Float32,
    Float64,
}

/// <summary>Maps <see cref="NpyDataType"/> to and from NumPy's <c>descr</c> type strings.</summary>
public static class NpyDataTypes
{
    /// <summary>Bytes per element.</summary>
    public static int SizeOf(NpyDataType type) => type switch
    {
        NpyDataType.Bool or NpyDataType.Int8 or NpyDataType.UInt8 => 1,
        NpyDataType.Int16 or NpyDataType.UInt16 or NpyDataType.Float16 => 2,
        NpyDataType.Int32 or NpyDataType.UInt32 or NpyDataType.Float32 => 4,
        NpyDataType.Int64 or NpyDataType.UInt64 or NpyDataType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown NumPy data type."),
    };

    /// <summary>The little-endian <c>descr</c> string written to headers, e.g. <c>&lt;f4</c>.</summary>
    public static string Descr(NpyDataType type) => type switch
    {
        NpyDataType.Bool => "|b1",
        NpyDataType.Int8 => "|i1",
        NpyDataType.UInt8 => "|u1",
        NpyDataType.Int16 => "<i2",
        NpyDataType.UInt16 => "<u2",
        NpyDataType.Int32 => "<i4",
        NpyDataType.UInt32 => "<u4",
        NpyDataType.Int64 => "<i8",
        NpyDataType.UInt64 => "<u8",
        NpyDataType.Float16 => "<f2",
        NpyDataType.Float32 => "<f4",
        NpyDataType.Float64 => "<f8",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown NumPy data type."),
    };

    /// <summary>Parses a <c>descr</c> such as <c>&lt;f4</c>, <c>&gt;i2</c>, <c>|u1</c>, <c>?</c>.</summary>
    /// <returns>The type, and whether the stored bytes are big-endian.</returns>
    public static (NpyDataType Type, bool BigEndian) Parse(string descr)
    {
        ArgumentNullException.ThrowIfNull(descr);
        if (descr is "?" or "|b1" or "b1")
        {
            return (NpyDataType.Bool, false);
        }

        var s = descr;
        var bigEndian = false;
        if (s.Length > 0 && s[0] is '<' or '>' or '|' or '=')
        {
            bigEndian = s[0] == '>' || (s[0] == '=' && !BitConverter.IsLittleEndian);
            s = s[1..];
        }

        NpyDataType? type = s switch
        {
            "b1" => NpyDataType.Bool,
            "i1" => NpyDataType.Int8,
            "u1" => NpyDataType.UInt8,
            "i2" => NpyDataType.Int16,
            "u2" => NpyDataType.UInt16,
            "i4" => NpyDataType.Int32,
            "u4" => NpyDataType.UInt32,
            "i8" => NpyDataType.Int64,
            "u8" => NpyDataType.UInt64,
            "f2" => NpyDataType.Float16,
            "f4" => NpyDataType.Float32,
            "f8" => NpyDataType.Float64,
            _ => null,
        };
        if (type is null)
        {
            throw new NpyFormatException($"Unsupported NumPy dtype '{descr}': MedCam reads bool, int8-64, uint8-64, float16, float32 and float64 (structured, complex, string and object arrays are not supported).");
        }

        return (type.Value, bigEndian && SizeOf(type.Value) > 1);
    }
}
