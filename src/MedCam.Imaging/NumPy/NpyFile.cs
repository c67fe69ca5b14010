using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MedCam.Imaging.NumPy;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0; C and Fortran order; little- and
/// big-endian). See numpy/lib/format.py's format description: magic <c>\x93NUMPY</c>, version bytes, a little-endian
/// header length (uint16 in 1.0, uint32 in 2.0/3.0), an ASCII (UTF-8 in 3.0) Python dict literal with <c>descr</c>,
/// <c>fortran_order</c> and <c>shape</c>, padded with spaces and a newline so the data starts 64-byte aligned.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static NpyArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"NumPy file '{path}' does not exist.", path);
        }

        using var stream = File.OpenRead(path);
        try
        {
            return Read(stream);
        }
        catch (NpyFormatException e)
        {
            throw new NpyFormatException($"'{path}': {e.Message}", e);
        }
    }

    public static NpyArray Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> preamble = stackalloc byte[8];
        if (ReadFully(stream, preamble) < 8 || !preamble[..6].SequenceEqual(Magic))
        {
            throw new NpyFormatException("not a NumPy .npy file (the magic string \\x93NUMPY is missing).");
        }

        int major = preamble[6];
        int headerLength;
        if (major == 1)
        {
            Span<byte> len = stackalloc byte[2];
            RequireBytes(stream, len, "header length");
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(len);
        }
        else if (major is 2 or 3)
        {
            Span<byte> len = stackalloc byte[4];
            RequireBytes(stream, len, "header length");
            var l = BinaryPrimitives.ReadUInt32LittleEndian(len);
            if (l > 1 << 24)
            {
                throw new NpyFormatException($"header length {l} is implausible.");
            }

            headerLength = (int)l;
        }
        else
        {
            throw new NpyFormatException($"unsupported .npy format version {major}.{preamble[7]} (1.0, 2.0 and 3.0 are supported).");
        }

        var headerBytes = new byte[headerLength];
        RequireBytes(stream, headerBytes, "header");
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        var (type, bigEndian, fortran, shape) = ParseHeader(header);

        var count = NpyArray.CountOf(shape);
        var size = NpyDataTypes.SizeOf(type);
        if (count * size > Array.MaxLength)
        {
            throw new NpyFormatException($"array of {count} elements is too large to load.");
        }

        var data = new byte[count * size];
        var got = ReadFully(stream, data);
        if (got < data.Length)
        {
            throw new NpyFormatException($"truncated data: the header declares shape ({string.Join(", ", shape)}) of {type} = {data.Length} bytes but only {got} follow.");
        }

        if (bigEndian)
        {
            SwapBytes(data, size);
        }

        if (fortran && shape.Length > 1)
        {
            data = FortranToC(data, shape, size);
        }

        return new NpyArray(type, shape, data);
    }

    /// <summary>Reads any numeric .npy as float32 (the common case for images and maps).</summary>
    public static float[] ReadSingle(string path, out int[] shape)
    {
        var array = Read(path);
        shape = array.Shape;
        return array.ToSingle();
    }

    public static void Write(string path, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(path);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        using var stream = File.Create(path);
        Write(stream, array);
    }

    public static void Write(string path, ReadOnlySpan<float> data, params int[] shape) => Write(path, NpyArray.FromSingle(data, shape));

    public static void Write(Stream stream, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        var shapeText = array.Shape.Length switch
        {
            0 => "()",
            1 => $"({array.Shape[0].ToString(CultureInfo.InvariantCulture)},)",
            _ => "(" + string.Join(", ", array.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")",
        };
        var dict = $"{{'descr': '{NpyDataTypes.Descr(array.DataType)}', 'fortran_order': False, 'shape': {shapeText}, }}";

        // Version 1.0 when the header fits in a uint16, as numpy does; pad so data starts on a 64-byte boundary.
        var major = dict.Length + 1 + 10 < ushort.MaxValue ? 1 : 2;
        var prefix = Magic.Length + 2 + (major == 1 ? 2 : 4);
        var total = prefix + dict.Length + 1;
        var padded = (total + 63) / 64 * 64;
        var header = dict + new string(' ', padded - total) + "\n";
        var headerBytes = Encoding.Latin1.GetBytes(header);

        stream.Write(Magic);
        stream.WriteByte((byte)major);
        stream.WriteByte(0);
        if (major == 1)
        {
            Span<byte> len = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)headerBytes.Length);
            stream.Write(len);
        }
        else
        {
            Span<byte> len = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)headerBytes.Length);
            stream.Write(len);
        }

        stream.Write(headerBytes);
        stream.Write(array.Bytes);
    }

    private static (NpyDataType Type, bool BigEndian, bool Fortran, int[] Shape) ParseHeader(string header)
    {
        var descr = DescrRegex().Match(header);
        var fortran = FortranRegex().Match(header);
        var shape = ShapeRegex().Match(header);
        if (!descr.Success || !fortran.Success || !shape.Success)
        {
            throw new NpyFormatException($"malformed header (expected 'descr', 'fortran_order' and 'shape'): {header.Trim()}");
        }

        var (type, bigEndian) = NpyDataTypes.Parse(descr.Groups[1].Value);
        var dims = new List<int>();
        foreach (var part in shape.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var text = part.TrimEnd('L');
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var d) || d > int.MaxValue)
            {
                throw new NpyFormatException($"bad dimension '{part}' in shape ({shape.Groups[1].Value}).");
            }

            dims.Add((int)d);
        }

        return (type, bigEndian, fortran.Groups[1].Value == "True", dims.ToArray());
    }

    private static void SwapBytes(Span<byte> data, int size)
    {
        for (var i = 0; i < data.Length; i += size)
        {
            data.Slice(i, size).Reverse();
        }
    }

    /// <summary>Fortran order stores axis 0 fastest: it is the C-order array of the reversed shape, transposed.</summary>
    private static byte[] FortranToC(byte[] source, int[] shape, int size)
    {
        var rank = shape.Length;
        var fStrides = new long[rank];
        long s = 1;
        for (var a = 0; a < rank; a++)
        {
            fStrides[a] = s;
            s *= shape[a];
        }

        var result = new byte[source.Length];
        var index = new int[rank];
        long fOffset = 0;
        var count = source.Length / size;
        for (long c = 0; c < count; c++)
        {
            Buffer.BlockCopy(source, (int)(fOffset * size), result, (int)(c * size), size);
            for (var a = rank - 1; a >= 0; a--)
            {
                index[a]++;
                fOffset += fStrides[a];
                if (index[a] < shape[a])
                {
                    break;
                }

                fOffset -= fStrides[a] * shape[a];
                index[a] = 0;
            }
        }

        return result;
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    private static void RequireBytes(Stream stream, Span<byte> buffer, string what)
    {
        if (ReadFully(stream, buffer) < buffer.Length)
        {
            throw new NpyFormatException($"file ends inside the {what}.");
        }
    }

    [GeneratedRegex("""['"]descr['"]\s*:\s*['"]([^'"]*)['"]""")]
    private static partial Regex DescrRegex();

    [GeneratedRegex("""['"]fortran_order['"]\s*:\s*(True|False)""")]
    private static partial Regex FortranRegex();

    [GeneratedRegex("""['"]shape['"]\s*:\s*\(([^)]*)\)""")]
    private static partial Regex ShapeRegex();
}
