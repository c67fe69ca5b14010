using System.Runtime.InteropServices;

namespace MedCam.Imaging.NumPy;

/// <summary>
/// An n-dimensional array read from or written to a <c>.npy</c> file: the element type, the shape and the raw
/// element bytes in C (row-major) order and little-endian byte order, whatever the file's order was.
/// </summary>
public sealed class NpyArray
{
    public NpyArray(NpyDataType dataType, int[] shape, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(bytes);
        var count = CountOf(shape);
        if (count * NpyDataTypes.SizeOf(dataType) != bytes.LongLength)
        {
            throw new ArgumentException($"The shape ({string.Join(", ", shape)}) holds {count} elements of {dataType} but {bytes.LongLength} bytes were given.", nameof(bytes));
        }

        DataType = dataType;
        Shape = shape;
        Bytes = bytes;
    }

    public NpyDataType DataType { get; }

    public int[] Shape { get; }

    /// <summary>Element bytes, C order, little-endian.</summary>
    public byte[] Bytes { get; }

    public int Rank => Shape.Length;

    public long Length => Bytes.LongLength / NpyDataTypes.SizeOf(DataType);

    public static NpyArray FromSingle(ReadOnlySpan<float> data, params int[] shape) => From(NpyDataType.Float32, data, shape);

    public static NpyArray FromDouble(ReadOnlySpan<double> data, params int[] shape) => From(NpyDataType.Float64, data, shape);

    public static NpyArray FromInt32(ReadOnlySpan<int> data, params int[] shape) => From(NpyDataType.Int32, data, shape);

    public static NpyArray FromInt64(ReadOnlySpan<long> data, params int[] shape) => From(NpyDataType.Int64, data, shape);

    public static NpyArray FromUInt8(ReadOnlySpan<byte> data, params int[] shape) => From(NpyDataType.UInt8, data, shape);

    public static NpyArray FromBool(ReadOnlySpan<bool> data, params int[] shape) => From(NpyDataType.Bool, data, shape);

    /// <summary>All elements converted to float32 (booleans become 0/1).</summary>
    public float[] ToSingle()
    {
        var result = new float[Length];
        var b = Bytes.AsSpan();
        switch (DataType)
        {
            case NpyDataType.Float32:
                MemoryMarshal.Cast<byte, float>(b).CopyTo(result);
                break;
            case NpyDataType.Float64:
                var d = MemoryMarshal.Cast<byte, double>(b);
                for (var i = 0; i < d.Length; i++)
                {
                    result[i] = (float)d[i];
                }

                break;
            default:
                var asDouble = ToDouble();
                for (var i = 0; i < asDouble.Length; i++)
                {
                    result[i] = (float)asDouble[i];
                }

                break;
        }

        return result;
    }

    /// <summary>All elements converted to float64 (booleans become 0/1).</summary>
    public double[] ToDouble()
    {
        var result = new double[Length];
        var b = Bytes.AsSpan();
        switch (DataType)
        {
            case NpyDataType.Bool:
                for (var i = 0; i < b.Length; i++)
                {
                    result[i] = b[i] != 0 ? 1 : 0;
                }

                break;
            case NpyDataType.Int8: Convert(MemoryMarshal.Cast<byte, sbyte>(b), result); break;
            case NpyDataType.UInt8: Convert(b, result); break;
            case NpyDataType.Int16: Convert(MemoryMarshal.Cast<byte, short>(b), result); break;
            case NpyDataType.UInt16: Convert(MemoryMarshal.Cast<byte, ushort>(b), result); break;
            case NpyDataType.Int32: Convert(MemoryMarshal.Cast<byte, int>(b), result); break;
            case NpyDataType.UInt32: Convert(MemoryMarshal.Cast<byte, uint>(b), result); break;
            case NpyDataType.Int64: Convert(MemoryMarshal.Cast<byte, long>(b), result); break;
            case NpyDataType.UInt64: Convert(MemoryMarshal.Cast<byte, ulong>(b), result); break;
            case NpyDataType.Float16: Convert(MemoryMarshal.Cast<byte, Half>(b), result); break;
            case NpyDataType.Float32: Convert(MemoryMarshal.Cast<byte, float>(b), result); break;
            case NpyDataType.Float64: MemoryMarshal.Cast<byte, double>(b).CopyTo(result); break;
            default: throw new InvalidOperationException($"Unknown data type {DataType}.");
        }

        return result;
    }

    /// <summary>Elements as booleans (non-zero is true), for masks.</summary>
    public bool[] ToBool()
    {
        var values = ToDouble();
        var result = new bool[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = values[i] != 0;
        }

        return result;
    }

    internal static long CountOf(ReadOnlySpan<int> shape)
    {
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Negative dimension {d} in shape.", nameof(shape));
            }

            count *= d;
        }

        return count;
    }

    private static NpyArray From<T>(NpyDataType type, ReadOnlySpan<T> data, int[] shape)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (CountOf(shape) != data.Length)
        {
            throw new ArgumentException($"The shape ({string.Join(", ", shape)}) holds {CountOf(shape)} elements but {data.Length} were given.", nameof(shape));
        }

        return new NpyArray(type, (int[])shape.Clone(), MemoryMarshal.AsBytes(data).ToArray());
    }

    private static void Convert<T>(ReadOnlySpan<T> source, Span<double> destination)
        where T : unmanaged, System.Numerics.INumberBase<T>
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = double.CreateTruncating(source[i]);
        }
    }
}
