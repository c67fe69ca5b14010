using System.Numerics.Tensors;
using MedCam.Imaging.NumPy;
using MedCam.Outputs.Sources;

namespace MedCam.Outputs;

/// <summary>
/// A class activation map on the source grid: float32, frames x rows x columns (C order), frame k belonging to
/// source frame k (volume order for a CT series, frame order for a cine).
/// </summary>
public sealed class CamMap
{
    public CamMap(float[] values, int frames, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (frames < 1 || rows < 1 || columns < 1 || values.LongLength != (long)frames * rows * columns)
        {
            throw new ArgumentException($"A {frames}x{rows}x{columns} CAM needs {(long)frames * rows * columns} values; got {values.Length}.", nameof(values));
        }

        var bad = Array.FindIndex(values, v => !float.IsFinite(v));
        if (bad >= 0)
        {
            throw new ArgumentException($"CAM value {bad} is {values[bad]}; every value must be finite.", nameof(values));
        }

        Values = values;
        Frames = frames;
        Rows = rows;
        Columns = columns;
        Minimum = TensorPrimitives.Min(values);
        Maximum = TensorPrimitives.Max(values);
    }

    public float[] Values { get; }

    public int Frames { get; }

    public int Rows { get; }

    public int Columns { get; }

    public float Minimum { get; }

    public float Maximum { get; }

    public int[] Shape => [Frames, Rows, Columns];

    /// <summary>Reads a float32 .npy of rank 3 (or rank 2 for one frame).</summary>
    public static CamMap FromNpy(string path)
    {
        var array = NpyFile.Read(path);
        var shape = array.Shape;
        if (array.DataType != NpyDataType.Float32)
        {
            throw new InvalidDataException($"{path}: the CAM must be float32; it is {array.DataType}.");
        }

        return shape.Length switch
        {
            3 => new CamMap(array.ToSingle(), shape[0], shape[1], shape[2]),
            2 => new CamMap(array.ToSingle(), 1, shape[0], shape[1]),
            _ => throw new InvalidDataException($"{path}: the CAM must have shape (frames, rows, columns); it has ({string.Join(", ", shape)})."),
        };
    }

    public ReadOnlySpan<float> Frame(int k) => Values.AsSpan(k * Rows * Columns, Rows * Columns);

    /// <summary>Throws when this map is not on the grid of <paramref name="source"/>, saying both shapes.</summary>
    public void EnsureMatches(SourceImageSet source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (Frames != source.FrameCount || Rows != source.Rows || Columns != source.Columns)
        {
            throw new ArgumentException(
                $"The CAM has shape ({Frames}, {Rows}, {Columns}) but the source grid is ({source.FrameCount}, {source.Rows}, {source.Columns}) "
                + $"({source.Kind}: {(source.Kind == SourceKind.Volume ? "slices" : "frames")} x rows x columns); resample the map onto the source first.");
        }
    }

    /// <summary>
    /// Values for display in [0, 1]: the map as is when it already lies in [0, 1] (the CAM engine's normalised
    /// output), else min-max scaled over the whole map so frames stay comparable.
    /// </summary>
    public float[] DisplayValues()
    {
        if (Minimum >= 0f && Maximum <= 1f)
        {
            return Values;
        }

        var range = Maximum - Minimum;
        var result = new float[Values.Length];
        if (range <= 0f)
        {
            return result;
        }

        TensorPrimitives.Subtract(Values, Minimum, result);
        TensorPrimitives.Multiply(result, 1f / range, result);
        return result;
    }
}
