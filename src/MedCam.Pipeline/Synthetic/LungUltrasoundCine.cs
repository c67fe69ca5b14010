namespace MedCam.Pipeline.Synthetic;

/// <summary>Acquisition settings of a synthetic lung ultrasound cine (curvilinear probe, B-mode).</summary>
public sealed record LungUltrasoundOptions
{
    public int Frames { get; init; } = 30;

    /// <summary>Rows and columns of each frame (square).</summary>
    public int Size { get; init; } = 128;

    /// <summary>Frame time (ms), as DICOM (0018,1063).</summary>
    public double FrameTimeMs { get; init; } = 50;

    /// <summary>Imaging depth below the probe surface (mm).</summary>
    public double DepthMm { get; init; } = 100;

    /// <summary>Radius of curvature of the convex probe face (mm).</summary>
    public double ProbeRadiusMm { get; init; } = 40;

    /// <summary>Full sector opening angle (degrees).</summary>
    public double SectorDegrees { get; init; } = 56;

    public void Validate()
    {
        if (Frames is < 2 or > 1000 || Size is < 64 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(Frames), "Frames must be 2-1000 and size 64-1024.");
        }

        if (FrameTimeMs is <= 0 or > 1000 || DepthMm is < 40 or > 250 || SectorDegrees is < 20 or > 120 || ProbeRadiusMm is < 5 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(FrameTimeMs), "Frame time, depth, sector angle or probe radius out of range.");
        }
    }
}

/// <summary>
/// A synthetic lung ultrasound cine: 8-bit B-mode frames [frame, row, column], the per-frame ground-truth mask of
/// the pathology (B-lines or consolidation), and the acquisition geometry.
/// </summary>
public sealed class LungUltrasoundCine
{
    public required LungUltrasoundFinding Finding { get; init; }

    public string ClassName => SyntheticTasks.ClassNames(SyntheticTask.LungUs)[(int)Finding];

    public required int Frames { get; init; }

    public required int Rows { get; init; }

    public required int Columns { get; init; }

    /// <summary>8-bit grey levels, C order [frame, row, column].</summary>
    public required byte[] Pixels { get; init; }

    /// <summary>1 where the pathology is in each frame (same grid as <see cref="Pixels"/>); all 0 for healthy lungs.</summary>
    public required byte[] LesionMask { get; init; }

    /// <summary>1 inside the imaged sector.</summary>
    public required byte[] SectorMask { get; init; }

    public required double FrameTimeMs { get; init; }

    /// <summary>Physical size of a pixel (row, column) in mm.</summary>
    public required double[] PixelSpacingMm { get; init; }

    public required double DepthMm { get; init; }

    public required double ProbeRadiusMm { get; init; }

    public required double SectorDegrees { get; init; }

    /// <summary>Depth of the pleural line below the probe surface (mm).</summary>
    public required double PleuraDepthMm { get; init; }

    public int[] Shape => [Frames, Rows, Columns];
}
