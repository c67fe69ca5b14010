namespace MedCam.Imaging.Nifti;

/// <summary>
/// An immutable voxel-to-world affine: world = M · (i, j, k, 1), 3 x 4 stored row-major (the fourth row is 0 0 0 1).
/// In NIfTI, i runs fastest (the image column), j along rows, k across slices, and world is RAS+ millimetres;
/// DICOM's patient space is LPS+, so converting negates the first two rows.
/// </summary>
public sealed class NiftiAffine : IEquatable<NiftiAffine>
{
    private readonly double[] _m;

    private NiftiAffine(double[] m) => _m = m;

    /// <summary>The identity.</summary>
    public static NiftiAffine Identity { get; } = FromRows([1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]);

    /// <summary>Builds from the three top rows, four numbers each.</summary>
    public static NiftiAffine FromRows(ReadOnlySpan<double> row0, ReadOnlySpan<double> row1, ReadOnlySpan<double> row2)
    {
        if (row0.Length != 4 || row1.Length != 4 || row2.Length != 4)
        {
            throw new ArgumentException("An affine needs three rows of four numbers.");
        }

        var m = new double[12];
        row0.CopyTo(m);
        row1.CopyTo(m.AsSpan(4));
        row2.CopyTo(m.AsSpan(8));
        foreach (var v in m)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException("An affine must hold finite numbers only.");
            }
        }

        return new NiftiAffine(m);
    }

    /// <summary>
    /// The DICOM voxel-to-patient (LPS) affine of a stack of parallel image planes (PS3.3 C.7.6.2.1.1): column index
    /// i moves along the row direction cosine (IOP[0..2]) by the column spacing (PixelSpacing[1]); row index j moves
    /// along the column direction cosine (IOP[3..5]) by the row spacing (PixelSpacing[0]); slice index k moves by
    /// <paramref name="sliceStep"/> (IPP of slice k+1 minus IPP of slice k); the origin is the first slice's IPP.
    /// </summary>
    /// <param name="imagePosition">(0020,0032) of the first slice.</param>
    /// <param name="imageOrientation">(0020,0037), six direction cosines.</param>
    /// <param name="pixelSpacing">(0028,0030): row spacing, column spacing.</param>
    /// <param name="sliceStep">Patient-space step between consecutive slices; see <see cref="SliceStep"/>.</param>
    public static NiftiAffine FromDicomImagePlane(
        ReadOnlySpan<double> imagePosition,
        ReadOnlySpan<double> imageOrientation,
        ReadOnlySpan<double> pixelSpacing,
        ReadOnlySpan<double> sliceStep)
    {
        if (imagePosition.Length != 3 || imageOrientation.Length != 6 || pixelSpacing.Length != 2 || sliceStep.Length != 3)
        {
            throw new ArgumentException(
                "Image plane needs IPP (3 numbers), IOP (6), Pixel Spacing (2) and a slice step (3).");
        }

        if (pixelSpacing[0] <= 0 || pixelSpacing[1] <= 0)
        {
            throw new ArgumentException($"Pixel Spacing must be positive, got {pixelSpacing[0]}\\{pixelSpacing[1]}.", nameof(pixelSpacing));
        }

        var rowCos = imageOrientation[..3];
        var colCos = imageOrientation[3..];
        var rows = new double[3][];
        for (var a = 0; a < 3; a++)
        {
            rows[a] = [rowCos[a] * pixelSpacing[1], colCos[a] * pixelSpacing[0], sliceStep[a], imagePosition[a]];
        }

        return FromRows(rows[0], rows[1], rows[2]);
    }

    /// <summary>
    /// The step between consecutive slices from the first and last slice positions, or, for a single slice, the
    /// plane normal (row cosine x column cosine) times <paramref name="spacingBetweenSlices"/>.
    /// </summary>
    public static double[] SliceStep(
        ReadOnlySpan<double> firstPosition,
        ReadOnlySpan<double> lastPosition,
        int sliceCount,
        ReadOnlySpan<double> imageOrientation,
        double spacingBetweenSlices = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sliceCount);
        if (sliceCount > 1)
        {
            return
            [
                (lastPosition[0] - firstPosition[0]) / (sliceCount - 1),
                (lastPosition[1] - firstPosition[1]) / (sliceCount - 1),
                (lastPosition[2] - firstPosition[2]) / (sliceCount - 1),
            ];
        }

        var n = Cross(imageOrientation[..3], imageOrientation[3..]);
        return [n[0] * spacingBetweenSlices, n[1] * spacingBetweenSlices, n[2] * spacingBetweenSlices];
    }

    /// <summary>Element at row <paramref name="row"/> (0..3), column <paramref name="column"/> (0..3).</summary>
    public double this[int row, int column]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)row, 3u, nameof(row));
            ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)column, 3u, nameof(column));
            return row == 3 ? (column == 3 ? 1 : 0) : _m[(row * 4) + column];
        }
    }

    /// <summary>Swaps LPS and RAS (negates the first two rows); applying it twice gives the original.</summary>
    public NiftiAffine FlipLpsRas()
    {
        var m = (double[])_m.Clone();
        for (var c = 0; c < 8; c++)
        {
            m[c] = -m[c];
        }

        return new NiftiAffine(m);
    }

    /// <summary>Length of each voxel axis in world units (the column norms).</summary>
    public double[] VoxelSizes()
    {
        var s = new double[3];
        for (var c = 0; c < 3; c++)
        {
            s[c] = Math.Sqrt((_m[c] * _m[c]) + (_m[4 + c] * _m[4 + c]) + (_m[8 + c] * _m[8 + c]));
        }

        return s;
    }

    /// <summary>Maps a voxel index to world coordinates.</summary>
    public (double X, double Y, double Z) Apply(double i, double j, double k) =>
        ((_m[0] * i) + (_m[1] * j) + (_m[2] * k) + _m[3],
         (_m[4] * i) + (_m[5] * j) + (_m[6] * k) + _m[7],
         (_m[8] * i) + (_m[9] * j) + (_m[10] * k) + _m[11]);

    /// <summary>The three top rows as 12 numbers, row-major.</summary>
    public double[] ToArray() => (double[])_m.Clone();

    public bool ApproximatelyEquals(NiftiAffine other, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < 12; i++)
        {
            if (Math.Abs(_m[i] - other._m[i]) > tolerance)
            {
                return false;
            }
        }

        return true;
    }

    public bool Equals(NiftiAffine? other) => other is not null && _m.AsSpan().SequenceEqual(other._m);

    public override bool Equals(object? obj) => Equals(obj as NiftiAffine);

    public override int GetHashCode()
    {
        var h = default(HashCode);
        foreach (var v in _m)
        {
            h.Add(v);
        }

        return h.ToHashCode();
    }

    public override string ToString() =>
        string.Join(" | ", Enumerable.Range(0, 3).Select(r => string.Join(' ', _m.Skip(r * 4).Take(4).Select(v => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)))));

    internal static double[] Cross(ReadOnlySpan<double> a, ReadOnlySpan<double> b) =>
        [(a[1] * b[2]) - (a[2] * b[1]), (a[2] * b[0]) - (a[0] * b[2]), (a[0] * b[1]) - (a[1] * b[0])];
}
