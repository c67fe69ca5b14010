namespace MedCam.Imaging.Nifti;

/// <summary>NIfTI-1 datatype codes (nifti1.h DT_*) MedCam reads and writes.</summary>
public enum NiftiDataType : short
{
    UInt8 = 2,
    Int16 = 4,
    Int32 = 8,
    Float32 = 16,
    Float64 = 64,
    Int8 = 256,
    UInt16 = 512,
}

/// <summary>NIfTI-1 qform/sform codes (what the world space means).</summary>
public enum NiftiXformCode : short
{
    Unknown = 0,

    /// <summary>Scanner-based anatomical coordinates: DICOM patient space converted to RAS.</summary>
    ScannerAnatomical = 1,
    AlignedAnatomical = 2,
    Talairach = 3,
    Mni152 = 4,
}

internal static class NiftiDataTypeInfo
{
    public static int BitsPerVoxel(NiftiDataType t) => t switch
    {
        NiftiDataType.UInt8 or NiftiDataType.Int8 => 8,
        NiftiDataType.Int16 or NiftiDataType.UInt16 => 16,
        NiftiDataType.Int32 or NiftiDataType.Float32 => 32,
        NiftiDataType.Float64 => 64,
        _ => throw new NotSupportedException($"NIfTI datatype {(short)t} is not supported (uint8, int8, int16, uint16, int32, float32, float64 are)."),
    };

    public static NiftiDataType Of(Type elementType) =>
        elementType == typeof(byte) ? NiftiDataType.UInt8
        : elementType == typeof(sbyte) ? NiftiDataType.Int8
        : elementType == typeof(short) ? NiftiDataType.Int16
        : elementType == typeof(ushort) ? NiftiDataType.UInt16
        : elementType == typeof(int) ? NiftiDataType.Int32
        : elementType == typeof(float) ? NiftiDataType.Float32
        : elementType == typeof(double) ? NiftiDataType.Float64
        : throw new NotSupportedException($"No NIfTI datatype for {elementType.Name}.");

    public static Array Allocate(NiftiDataType t, int length) => t switch
    {
        NiftiDataType.UInt8 => new byte[length],
        NiftiDataType.Int8 => new sbyte[length],
        NiftiDataType.Int16 => new short[length],
        NiftiDataType.UInt16 => new ushort[length],
        NiftiDataType.Int32 => new int[length],
        NiftiDataType.Float32 => new float[length],
        NiftiDataType.Float64 => new double[length],
        _ => throw new NotSupportedException($"NIfTI datatype {(short)t} is not supported."),
    };
}
