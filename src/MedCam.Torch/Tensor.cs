namespace MedCam.Torch;

/// <summary>
/// A dense float32 tensor in managed memory, row-major (C order), e.g. [N, C, H, W] or [N, C, D, H, W]. It is what
/// goes into and comes out of <see cref="TorchModel"/>; the runtime pins <see cref="Data"/> for the duration of a
/// call instead of copying it.
/// </summary>
public sealed class Tensor
{
    /// <summary>Wraps <paramref name="data"/> (no copy). Its length must equal the product of the shape.</summary>
    public Tensor(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0)
        {
            throw new InputShapeException("A tensor needs at least one dimension.");
        }

        long product = 1;
        foreach (var size in shape)
        {
            if (size < 0)
            {
                throw new InputShapeException($"Tensor shape {FormatShape(shape)} has a negative dimension.");
            }

            product *= size;
        }

        if (product != data.Length)
        {
            throw new InputShapeException(
                $"Tensor shape {FormatShape(shape)} needs {product} values but the buffer holds {data.Length}.");
        }

        Data = data;
        Shape = (int[])shape.Clone();
    }

    /// <summary>A zero-filled tensor of the given shape.</summary>
    public static Tensor Zeros(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long product = 1;
        foreach (var size in shape)
        {
            product *= size;
        }

        return new Tensor(new float[product], shape);
    }

    public float[] Data { get; }

    public int[] Shape { get; }

    public int Rank => Shape.Length;

    public long Length => Data.LongLength;

    public Span<float> AsSpan() => Data;

    /// <summary>The elements of sample <paramref name="batchIndex"/> along dimension 0, without copying.</summary>
    public Span<float> SampleSpan(int batchIndex)
    {
        var size = SampleLength;
        ArgumentOutOfRangeException.ThrowIfNegative(batchIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(batchIndex, Shape[0]);
        return Data.AsSpan(checked((int)(batchIndex * size)), checked((int)size));
    }

    /// <summary>Elements per sample (the product of all dimensions but the first).</summary>
    public long SampleLength => Shape[0] == 0 ? 0 : Data.LongLength / Shape[0];

    /// <summary>Sample <paramref name="batchIndex"/> as a tensor of shape [1, ...] (copies).</summary>
    public Tensor Slice(int batchIndex)
    {
        var shape = (int[])Shape.Clone();
        shape[0] = 1;
        return new Tensor(SampleSpan(batchIndex).ToArray(), shape);
    }

    /// <summary>Element at a full index (convenience for tests and small reads).</summary>
    public float this[params int[] index]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(index);
            if (index.Length != Rank)
            {
                throw new ArgumentException($"Index has {index.Length} components, tensor rank is {Rank}.", nameof(index));
            }

            long offset = 0;
            for (var i = 0; i < Rank; i++)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(index[i]);
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index[i], Shape[i]);
                offset = (offset * Shape[i]) + index[i];
            }

            return Data[offset];
        }
    }

    public override string ToString() => $"Tensor{FormatShape(Shape)}";

    internal static string FormatShape(IEnumerable<int> shape) => "[" + string.Join(", ", shape) + "]";
}
