namespace MedCam.Dicom.Geometry;

/// <summary>
/// A 3D image in modality units (HU for CT), voxels ordered [slice, row, column] (C order: Depth x Rows x Columns),
/// with the affine that maps voxel indices (column i, row j, slice k, 1) to patient LPS millimetres.
/// </summary>
public sealed class DicomVolume
{
    public DicomVolume(float[] voxels, int depth, int rows, int columns, double[,] affine, IReadOnlyList<string> sopInstanceUids, IReadOnlyList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(voxels);
        if (voxels.Length != (long)depth * rows * columns)
        {
            throw new ArgumentException("Voxel count does not match the shape.", nameof(voxels));
        }

        Voxels = voxels;
        Depth = depth;
        Rows = rows;
        Columns = columns;
        Affine = affine;
        SopInstanceUids = sopInstanceUids;
        Warnings = warnings;
    }

    public float[] Voxels { get; }

    public int Depth { get; }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>(Depth, Rows, Columns), the NumPy shape of <see cref="Voxels"/>.</summary>
    public int[] Shape => [Depth, Rows, Columns];

    /// <summary>Voxel size in mm along columns (x), rows (y) and slices (z): the lengths of the affine's first three columns.</summary>
    public double[] Spacing => [ColumnLength(0), ColumnLength(1), ColumnLength(2)];

    /// <summary>4x4 voxel (i, j, k) to LPS affine; the third column is the actual slice step (sheared under gantry tilt).</summary>
    public double[,] Affine { get; }

    /// <summary>The SOP Instance UID of each slice, in volume order.</summary>
    public IReadOnlyList<string> SopInstanceUids { get; }

    /// <summary>What was tolerated while building (duplicates dropped, tilt), in words.</summary>
    public IReadOnlyList<string> Warnings { get; }

    public Span<float> Slice(int k) => Voxels.AsSpan(k * Rows * Columns, Rows * Columns);

    /// <summary>Patient position (LPS mm) of a voxel.</summary>
    public Vector3D VoxelToPatient(double i, double j, double k) => new(
        (Affine[0, 0] * i) + (Affine[0, 1] * j) + (Affine[0, 2] * k) + Affine[0, 3],
        (Affine[1, 0] * i) + (Affine[1, 1] * j) + (Affine[1, 2] * k) + Affine[1, 3],
        (Affine[2, 0] * i) + (Affine[2, 1] * j) + (Affine[2, 2] * k) + Affine[2, 3]);

    private double ColumnLength(int c) => Math.Sqrt((Affine[0, c] * Affine[0, c]) + (Affine[1, c] * Affine[1, c]) + (Affine[2, c] * Affine[2, c]));
}
