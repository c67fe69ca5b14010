using System.Buffers.Binary;
using System.Text;

namespace MedCam.Imaging.Nifti;

/// <summary>The fields of a NIfTI-1 header (nifti1.h, 348 bytes) MedCam reads and writes.</summary>
public sealed record NiftiHeader
{
    public const int Size = 348;

    /// <summary>Header plus the 4-byte extension flag of a single-file .nii.</summary>
    public const int SingleFileDataOffset = 352;

    /// <summary>NIFTI_UNITS_MM.</summary>
    public const byte UnitsMillimetre = 2;

    /// <summary>NIFTI_UNITS_SEC.</summary>
    public const byte UnitsSecond = 8;

    /// <summary>Sizes along each axis, i fastest (dim[1..dim[0]]).</summary>
    public required int[] Dimensions { get; init; }

    public required NiftiDataType DataType { get; init; }

    /// <summary>pixdim[0..7]; pixdim[0] is qfac (±1).</summary>
    public required float[] PixDim { get; init; }

    public float VoxOffset { get; init; } = SingleFileDataOffset;

    /// <summary>Value = stored · slope + intercept when slope ≠ 0.</summary>
    public float SclSlope { get; init; } = 1;

    public float SclInter { get; init; }

    /// <summary>Spatial units in bits 0..2, time units in bits 3..5.</summary>
    public byte XyztUnits { get; init; } = UnitsMillimetre;

    public float CalMin { get; init; }

    public float CalMax { get; init; }

    public short IntentCode { get; init; }

    public string IntentName { get; init; } = "";

    public string Description { get; init; } = "";

    public NiftiXformCode QformCode { get; init; }

    public NiftiXformCode SformCode { get; init; }

    public float QuaternB { get; init; }

    public float QuaternC { get; init; }

    public float QuaternD { get; init; }

    public float QOffsetX { get; init; }

    public float QOffsetY { get; init; }

    public float QOffsetZ { get; init; }

    /// <summary>srow_x, srow_y, srow_z: 12 numbers.</summary>
    public float[] SRows { get; init; } = new float[12];

    /// <summary>True when the file was written big-endian.</summary>
    public bool BigEndian { get; init; }

    /// <summary>Number of voxels (product of the dimensions).</summary>
    public long VoxelCount => Dimensions.Aggregate(1L, (p, d) => p * d);

    /// <summary>The qform affine (method 2), or null when qform_code is 0.</summary>
    public NiftiAffine? QformAffine => QformCode == NiftiXformCode.Unknown
        ? null
        : new NiftiQuaternion(QuaternB, QuaternC, QuaternD, QOffsetX, QOffsetY, QOffsetZ, PixDim[1], PixDim[2], PixDim[3], PixDim[0] < 0 ? -1 : 1).ToAffine();

    /// <summary>The sform affine (method 3), or null when sform_code is 0.</summary>
    public NiftiAffine? SformAffine => SformCode == NiftiXformCode.Unknown
        ? null
        : NiftiAffine.FromRows(
            [SRows[0], SRows[1], SRows[2], SRows[3]],
            [SRows[4], SRows[5], SRows[6], SRows[7]],
            [SRows[8], SRows[9], SRows[10], SRows[11]]);

    /// <summary>The best world affine, preferring sform, then qform, then pixdim scaling (as nibabel does).</summary>
    public NiftiAffine BestAffine => SformAffine ?? QformAffine ?? NiftiAffine.FromRows(
        [PixDim[1], 0, 0, 0], [0, PixDim[2], 0, 0], [0, 0, PixDim[3], 0]);

    /// <summary>Parses a header; detects the byte order from sizeof_hdr.</summary>
    /// <exception cref="InvalidDataException">Not a NIfTI-1 single-file header; the message says why.</exception>
    public static NiftiHeader Parse(ReadOnlySpan<byte> h)
    {
        if (h.Length < Size)
        {
            throw new InvalidDataException($"NIfTI header needs {Size} bytes, got {h.Length}.");
        }

        var big = BinaryPrimitives.ReadInt32LittleEndian(h) != Size;
        if (big && BinaryPrimitives.ReadInt32BigEndian(h) != Size)
        {
            throw new InvalidDataException("Not a NIfTI-1 file: sizeof_hdr is not 348 in either byte order.");
        }

        var magic = Encoding.ASCII.GetString(h.Slice(344, 3));
        if (magic != "n+1")
        {
            throw new InvalidDataException(magic == "ni1"
                ? "NIfTI-1 header/image pairs (.hdr/.img) are not supported; use a single .nii or .nii.gz."
                : $"Not a NIfTI-1 file: magic is '{magic}', expected 'n+1'.");
        }

        var bytes = h[..Size].ToArray();
        short I16(int o) => big ? BinaryPrimitives.ReadInt16BigEndian(bytes.AsSpan(o)) : BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(o));
        float F32(int o) => big ? BinaryPrimitives.ReadSingleBigEndian(bytes.AsSpan(o)) : BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(o));

        var rank = I16(40);
        if (rank is < 1 or > 7)
        {
            throw new InvalidDataException($"NIfTI dim[0] must be 1..7, got {rank}.");
        }

        var dims = new int[rank];
        for (var d = 0; d < rank; d++)
        {
            dims[d] = I16(42 + (2 * d));
            if (dims[d] < 1)
            {
                throw new InvalidDataException($"NIfTI dim[{d + 1}] is {dims[d]}; sizes must be positive.");
            }
        }

        var pixdim = new float[8];
        for (var d = 0; d < 8; d++)
        {
            pixdim[d] = F32(76 + (4 * d));
        }

        var srows = new float[12];
        for (var k = 0; k < 12; k++)
        {
            srows[k] = F32(280 + (4 * k));
        }

        return new NiftiHeader
        {
            Dimensions = dims,
            DataType = (NiftiDataType)I16(70),
            PixDim = pixdim,
            VoxOffset = F32(108),
            SclSlope = F32(112),
            SclInter = F32(116),
            XyztUnits = h[123],
            CalMax = F32(124),
            CalMin = F32(128),
            IntentCode = I16(68),
            IntentName = CString(h.Slice(328, 16)),
            Description = CString(h.Slice(148, 80)),
            QformCode = (NiftiXformCode)I16(252),
            SformCode = (NiftiXformCode)I16(254),
            QuaternB = F32(256),
            QuaternC = F32(260),
            QuaternD = F32(264),
            QOffsetX = F32(268),
            QOffsetY = F32(272),
            QOffsetZ = F32(276),
            SRows = srows,
            BigEndian = big,
        };
    }

    /// <summary>Writes the 348-byte little-endian header.</summary>
    public void WriteTo(Span<byte> h)
    {
        if (h.Length < Size)
        {
            throw new ArgumentException($"A NIfTI header needs {Size} bytes.", nameof(h));
        }

        if (Dimensions.Length is < 1 or > 7 || Dimensions.Any(d => d is < 1 or > short.MaxValue))
        {
            throw new InvalidOperationException(
                $"NIfTI-1 holds 1..7 dimensions of 1..32767 voxels; got [{string.Join(", ", Dimensions)}].");
        }

        h[..Size].Clear();
        BinaryPrimitives.WriteInt32LittleEndian(h, Size);
        h[38] = (byte)'r';
        BinaryPrimitives.WriteInt16LittleEndian(h[40..], (short)Dimensions.Length);
        for (var d = 0; d < 7; d++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(h[(42 + (2 * d))..], (short)(d < Dimensions.Length ? Dimensions[d] : 1));
        }

        BinaryPrimitives.WriteInt16LittleEndian(h[68..], IntentCode);
        BinaryPrimitives.WriteInt16LittleEndian(h[70..], (short)DataType);
        BinaryPrimitives.WriteInt16LittleEndian(h[72..], (short)NiftiDataTypeInfo.BitsPerVoxel(DataType));
        for (var d = 0; d < 8; d++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(h[(76 + (4 * d))..], d < PixDim.Length ? PixDim[d] : 0);
        }

        BinaryPrimitives.WriteSingleLittleEndian(h[108..], VoxOffset);
        BinaryPrimitives.WriteSingleLittleEndian(h[112..], SclSlope);
        BinaryPrimitives.WriteSingleLittleEndian(h[116..], SclInter);
        h[123] = XyztUnits;
        BinaryPrimitives.WriteSingleLittleEndian(h[124..], CalMax);
        BinaryPrimitives.WriteSingleLittleEndian(h[128..], CalMin);
        WriteCString(h.Slice(148, 80), Description);
        BinaryPrimitives.WriteInt16LittleEndian(h[252..], (short)QformCode);
        BinaryPrimitives.WriteInt16LittleEndian(h[254..], (short)SformCode);
        BinaryPrimitives.WriteSingleLittleEndian(h[256..], QuaternB);
        BinaryPrimitives.WriteSingleLittleEndian(h[260..], QuaternC);
        BinaryPrimitives.WriteSingleLittleEndian(h[264..], QuaternD);
        BinaryPrimitives.WriteSingleLittleEndian(h[268..], QOffsetX);
        BinaryPrimitives.WriteSingleLittleEndian(h[272..], QOffsetY);
        BinaryPrimitives.WriteSingleLittleEndian(h[276..], QOffsetZ);
        for (var k = 0; k < 12; k++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(h[(280 + (4 * k))..], SRows[k]);
        }

        WriteCString(h.Slice(328, 16), IntentName);
        "n+1\0"u8.CopyTo(h[344..]);
    }

    private static string CString(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? field : field[..end]);
    }

    private static void WriteCString(Span<byte> field, string value)
    {
        if (value.Length >= field.Length || value.Any(c => c is < ' ' or > '~'))
        {
            throw new InvalidOperationException($"NIfTI text '{value}' must be printable ASCII shorter than {field.Length} characters.");
        }

        Encoding.ASCII.GetBytes(value, field);
    }
}
