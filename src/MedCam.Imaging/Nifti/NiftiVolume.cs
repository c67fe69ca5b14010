using System.Runtime.InteropServices;

namespace MedCam.Imaging.Nifti;

/// <summary>
/// A NIfTI image in memory: voxels in file order (i fastest, so a C-ordered slices x rows x columns array is already
/// in order with i = column, j = row, k = slice), a RAS world affine and display/scaling metadata.
/// </summary>
public sealed record NiftiVolume
{
    private NiftiVolume(int[] dimensions, Array data, NiftiDataType dataType, NiftiAffine affine)
    {
        Dimensions = dimensions;
        Data = data;
        DataType = dataType;
        Affine = affine;
    }

    /// <summary>Sizes, i fastest: (columns, rows, slices[, frames]).</summary>
    public int[] Dimensions { get; }

    /// <summary>A typed array (float[], short[], ...) of every voxel in file order.</summary>
    public Array Data { get; }

    public NiftiDataType DataType { get; }

    /// <summary>Voxel to RAS+ millimetres.</summary>
    public NiftiAffine Affine { get; }

    /// <summary>Value = stored · slope + intercept (ignored when slope is 0, as in nifti1.h).</summary>
    public float SclSlope { get; init; } = 1;

    public float SclInter { get; init; }

    /// <summary>Display range hint (cal_min, cal_max); a CAM uses 0..1.</summary>
    public float CalMin { get; init; }

    public float CalMax { get; init; }

    /// <summary>Seconds between frames of a 4-D volume (pixdim[4]); 0 for none.</summary>
    public float TimeStepSeconds { get; init; }

    /// <summary>descrip (up to 79 ASCII characters), e.g. "MedCam gradcam densenet3d 1.2 class COVID-19".</summary>
    public string Description { get; init; } = "";

    /// <summary>What the world space is; scanner anatomy for DICOM-derived volumes.</summary>
    public NiftiXformCode XformCode { get; init; } = NiftiXformCode.ScannerAnatomical;

    /// <summary>The header the volume was read with; null for a volume built in memory.</summary>
    public NiftiHeader? SourceHeader { get; init; }

    /// <summary>Wraps <paramref name="data"/> (not copied) of shape <paramref name="dimensions"/> (i fastest).</summary>
    public static NiftiVolume Create<T>(T[] data, ReadOnlySpan<int> dimensions, NiftiAffine rasAffine)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(rasAffine);
        return Create(data, NiftiDataTypeInfo.Of(typeof(T)), dimensions, rasAffine);
    }

    /// <summary>A volume from a C-ordered slices x rows x columns array.</summary>
    public static NiftiVolume FromSlices<T>(T[] data, int slices, int rows, int columns, NiftiAffine rasAffine)
        where T : unmanaged => Create(data, [columns, rows, slices], rasAffine);

    internal static NiftiVolume Create(Array data, NiftiDataType type, ReadOnlySpan<int> dimensions, NiftiAffine affine)
    {
        if (dimensions.Length is < 1 or > 7)
        {
            throw new ArgumentException($"NIfTI-1 holds 1..7 dimensions, got {dimensions.Length}.", nameof(dimensions));
        }

        long count = 1;
        foreach (var d in dimensions)
        {
            if (d < 1)
            {
                throw new ArgumentException($"Dimension sizes must be positive: [{string.Join(", ", dimensions.ToArray())}].", nameof(dimensions));
            }

            count *= d;
        }

        if (count != data.LongLength)
        {
            throw new ArgumentException(
                $"Shape [{string.Join(", ", dimensions.ToArray())}] holds {count} voxels but the data has {data.LongLength}.", nameof(data));
        }

        return new NiftiVolume(dimensions.ToArray(), data, type, affine);
    }

    internal static NiftiVolume FromHeader(Array data, NiftiHeader h)
    {
        var v = Create(data, h.DataType, h.Dimensions, h.BestAffine);
        return new NiftiVolume(v.Dimensions, data, h.DataType, v.Affine)
        {
            SclSlope = h.SclSlope,
            SclInter = h.SclInter,
            CalMin = h.CalMin,
            CalMax = h.CalMax,
            TimeStepSeconds = h.Dimensions.Length >= 4 ? h.PixDim[4] : 0,
            Description = h.Description,
            XformCode = h.SformCode != NiftiXformCode.Unknown ? h.SformCode : h.QformCode,
            SourceHeader = h,
        };
    }

    /// <summary>The stored values as <typeparamref name="T"/> (no scaling); throws when the type differs.</summary>
    public T[] GetData<T>()
        where T : unmanaged =>
        Data as T[] ?? throw new InvalidOperationException($"The volume holds {DataType}, not {typeof(T).Name}.");

    /// <summary>Every voxel as float with scl_slope/scl_inter applied.</summary>
    public float[] ToSingles()
    {
        var result = new float[Data.Length];
        switch (Data)
        {
            case float[] f: f.CopyTo(result, 0); break;
            case byte[] b: Convert(b, result); break;
            case sbyte[] sb: Convert(sb, result); break;
            case short[] s: Convert(s, result); break;
            case ushort[] us: Convert(us, result); break;
            case int[] i: Convert(i, result); break;
            case double[] d: Convert(d, result); break;
            default: throw new InvalidOperationException($"Unsupported voxel array {Data.GetType().Name}.");
        }

        if (SclSlope != 0 && (SclSlope != 1 || SclInter != 0))
        {
            for (var k = 0; k < result.Length; k++)
            {
                result[k] = (result[k] * SclSlope) + SclInter;
            }
        }

        return result;
    }

    internal ReadOnlySpan<byte> RawBytes() => Data switch
    {
        float[] f => MemoryMarshal.AsBytes(f.AsSpan()),
        byte[] b => b,
        sbyte[] sb => MemoryMarshal.AsBytes(sb.AsSpan()),
        short[] s => MemoryMarshal.AsBytes(s.AsSpan()),
        ushort[] us => MemoryMarshal.AsBytes(us.AsSpan()),
        int[] i => MemoryMarshal.AsBytes(i.AsSpan()),
        double[] d => MemoryMarshal.AsBytes(d.AsSpan()),
        _ => throw new InvalidOperationException($"Unsupported voxel array {Data.GetType().Name}."),
    };

    private static void Convert<T>(T[] source, float[] result)
        where T : unmanaged, System.Numerics.INumberBase<T>
    {
        for (var k = 0; k < source.Length; k++)
        {
            result[k] = float.CreateTruncating(source[k]);
        }
    }
}
