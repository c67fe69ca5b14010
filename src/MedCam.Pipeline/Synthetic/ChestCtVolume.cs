namespace MedCam.Pipeline.Synthetic;

/// <summary>Geometry and size of a synthetic chest CT (defaults: a typical low-dose chest protocol).</summary>
public sealed record ChestCtOptions
{
    /// <summary>Number of axial slices.</summary>
    public int Slices { get; init; } = 64;

    /// <summary>Rows and columns of each slice.</summary>
    public int Matrix { get; init; } = 256;

    /// <summary>Reconstruction field of view (mm); pixel spacing is FOV / matrix.</summary>
    public double FieldOfViewMm { get; init; } = 360;

    /// <summary>Distance between slice centres (mm), equal to the slice thickness (contiguous slices).</summary>
    public double SliceSpacingMm { get; init; } = 5;

    /// <summary>Standard deviation of the quantum noise in water (HU).</summary>
    public double NoiseHu { get; init; } = 18;

    public void Validate()
    {
        if (Slices is < 8 or > 512)
        {
            throw new ArgumentOutOfRangeException(nameof(Slices), Slices, "Slices must be between 8 and 512.");
        }

        if (Matrix is < 64 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(Matrix), Matrix, "Matrix must be between 64 and 1024.");
        }

        if (FieldOfViewMm is < 250 or > 500 || SliceSpacingMm is <= 0 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(FieldOfViewMm), "Field of view must be 250-500 mm and slice spacing 0-10 mm.");
        }
    }
}

/// <summary>
/// A synthetic chest CT: Hounsfield units on a [slice, row, column] grid, its lesion mask and the DICOM-style
/// geometry (LPS patient coordinates, axial slices ordered inferior to superior).
/// </summary>
public sealed class ChestCtVolume
{
    public required ChestCtFinding Finding { get; init; }

    public string ClassName => SyntheticTasks.ClassNames(SyntheticTask.CovidCt)[(int)Finding];

    public required int Slices { get; init; }

    public required int Rows { get; init; }

    public required int Columns { get; init; }

    /// <summary>HU values, C order [slice, row, column].</summary>
    public required short[] Hu { get; init; }

    /// <summary>1 where a lesion (GGO or consolidation) is, same grid as <see cref="Hu"/>.</summary>
    public required byte[] LesionMask { get; init; }

    /// <summary>1 inside the lungs (including lesions), same grid.</summary>
    public required byte[] LungMask { get; init; }

    /// <summary>Pixel spacing (row spacing, column spacing) in mm, as DICOM (0028,0030).</summary>
    public required double[] PixelSpacingMm { get; init; }

    public required double SliceThicknessMm { get; init; }

    public required double SliceSpacingMm { get; init; }

    /// <summary>Image Position (Patient) of the first slice (mm, LPS).</summary>
    public required double[] Origin { get; init; }

    /// <summary>Image Orientation (Patient): row direction cosines then column direction cosines.</summary>
    public required double[] Orientation { get; init; }

    public int[] Shape => [Slices, Rows, Columns];

    /// <summary>Image Position (Patient) of slice <paramref name="slice"/>.</summary>
    public double[] PositionOfSlice(int slice) => [Origin[0], Origin[1], Origin[2] + slice * SliceSpacingMm];
}
