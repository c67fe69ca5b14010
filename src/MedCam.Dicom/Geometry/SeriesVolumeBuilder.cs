using System.Globalization;

namespace MedCam.Dicom.Geometry;

/// <summary>Choices for building a volume from a series; the defaults refuse anything that would silently distort geometry.</summary>
public sealed record VolumeBuildOptions
{
    public static readonly VolumeBuildOptions Default = new();

    /// <summary>Restrict to one series when a folder holds several.</summary>
    public string? SeriesInstanceUid { get; init; }

    /// <summary>Accept gaps (missing slices) and uneven spacing; the affine then uses the mean step and a warning says so.</summary>
    public bool AllowIrregularSpacing { get; init; }

    /// <summary>Relative tolerance when comparing slice gaps (default 1 %).</summary>
    public double SpacingTolerance { get; init; } = 0.01;

    /// <summary>Parallelism for pixel decoding; files are decoded into the volume in place.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;
}

/// <summary>
/// Builds a 3D volume from single-frame CT/MR instances (PS3.3 C.7.6.2.1.1): slices are ordered by Image Position
/// (Patient) projected on the normal of Image Orientation (Patient); duplicates are dropped with a warning; missing
/// slices, uneven spacing and mixed orientations are errors unless allowed; gantry tilt keeps the exact geometry in a
/// sheared affine instead of resampling. Values are rescaled to modality units (HU for CT).
/// </summary>
public static class SeriesVolumeBuilder
{
    private const double OrientationTolerance = 1e-4;

    public static DicomVolume BuildFromDirectory(string directory, VolumeBuildOptions? options = null)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Series folder {directory} does not exist.");
        }

        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        return Build(files, options);
    }

    public static DicomVolume Build(IReadOnlyList<string> files, VolumeBuildOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        options ??= VolumeBuildOptions.Default;
        var slices = new List<SliceHeader>();
        foreach (var path in files)
        {
            if (SliceFiles.ReadHeader(path) is { } dataset && SliceHeader.TryRead(path, dataset) is { } header)
            {
                slices.Add(header);
            }
        }

        return Assemble(slices, options);
    }

    private static DicomVolume Assemble(List<SliceHeader> slices, VolumeBuildOptions options)
    {
        if (slices.Count == 0)
        {
            throw new DicomException("No image with Image Position/Orientation (Patient) was found.");
        }

        var series = slices.Select(s => s.SeriesUid).Distinct(StringComparer.Ordinal).ToList();
        if (options.SeriesInstanceUid is { } wanted)
        {
            slices = slices.Where(s => s.SeriesUid == wanted).ToList();
            if (slices.Count == 0)
            {
                throw new DicomException($"Series {wanted} is not in the input; found {string.Join(", ", series)}.");
            }
        }
        else if (series.Count > 1)
        {
            throw new DicomException($"The input holds {series.Count} series ({string.Join(", ", series)}); choose one with SeriesInstanceUid.");
        }

        var warnings = new List<string>();
        var first = slices[0];
        foreach (var s in slices)
        {
            if ((s.Row - first.Row).Length > OrientationTolerance || (s.Column - first.Column).Length > OrientationTolerance)
            {
                throw new DicomException($"Mixed orientations: {s.Path} has Image Orientation {s.Row}/{s.Column}, {first.Path} has {first.Row}/{first.Column}. Split the series or resample first.");
            }

            if (s.Rows != first.Rows || s.Columns != first.Columns)
            {
                throw new DicomException($"Mixed image sizes: {s.Path} is {s.Rows}x{s.Columns}, {first.Path} is {first.Rows}x{first.Columns}.");
            }
        }

        var normal = first.Row.Cross(first.Column).Normalized();
        var ordered = slices.OrderBy(s => s.Position.Dot(normal)).ThenBy(s => s.InstanceNumber).ToList();
        var kept = new List<SliceHeader> { ordered[0] };
        for (var i = 1; i < ordered.Count; i++)
        {
            var gap = ordered[i].Position.Dot(normal) - kept[^1].Position.Dot(normal);
            if (Math.Abs(gap) < 1e-3)
            {
                warnings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Duplicate position {kept[^1].Position.Dot(normal):0.###} mm: kept {Path.GetFileName(kept[^1].Path)}, dropped {Path.GetFileName(ordered[i].Path)}."));
                continue;
            }

            kept.Add(ordered[i]);
        }

        var step = CheckSpacing(kept, normal, options, warnings);
        var inPlane = step - (normal * step.Dot(normal));
        if (kept.Count > 1 && inPlane.Length > 1e-3 * Math.Max(1, step.Length))
        {
            var degrees = Math.Atan2(inPlane.Length, Math.Abs(step.Dot(normal))) * 180 / Math.PI;
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"Gantry tilt of {degrees:0.##} degrees: slices are kept as acquired and the affine is sheared (no resampling)."));
        }

        var voxels = LoadVoxels(kept, options);
        var affine = new double[4, 4];
        SetColumn(affine, 0, first.Row * first.ColumnSpacing);
        SetColumn(affine, 1, first.Column * first.RowSpacing);
        SetColumn(affine, 2, step);
        SetColumn(affine, 3, kept[0].Position);
        affine[3, 3] = 1;
        return new DicomVolume(voxels, kept.Count, first.Rows, first.Columns, affine, kept.Select(s => s.SopInstanceUid).ToArray(), warnings);
    }

    // Returns the slice step vector; reports missing slices and uneven spacing.
    private static Vector3D CheckSpacing(List<SliceHeader> kept, Vector3D normal, VolumeBuildOptions options, List<string> warnings)
    {
        if (kept.Count == 1)
        {
            var thickness = kept[0].SliceThickness > 0 ? kept[0].SliceThickness : 1;
            return normal * thickness;
        }

        var gaps = new double[kept.Count - 1];
        for (var i = 0; i < gaps.Length; i++)
        {
            gaps[i] = kept[i + 1].Position.Dot(normal) - kept[i].Position.Dot(normal);
        }

        var sorted = gaps.Order().ToArray();
        var median = sorted[sorted.Length / 2];
        var tolerance = Math.Max(options.SpacingTolerance * median, 1e-3);
        var problems = new List<string>();
        for (var i = 0; i < gaps.Length; i++)
        {
            if (Math.Abs(gaps[i] - median) <= tolerance)
            {
                continue;
            }

            var ratio = gaps[i] / median;
            var at = string.Create(CultureInfo.InvariantCulture, $"between {kept[i].Position.Dot(normal):0.###} and {kept[i + 1].Position.Dot(normal):0.###} mm");
            problems.Add(Math.Abs(ratio - Math.Round(ratio)) * median <= tolerance && ratio > 1.5
                ? string.Create(CultureInfo.InvariantCulture, $"{Math.Round(ratio) - 1:0} missing slice(s) {at}")
                : string.Create(CultureInfo.InvariantCulture, $"non-uniform spacing {gaps[i]:0.###} mm (typical {median:0.###} mm) {at}"));
        }

        if (problems.Count > 0)
        {
            var message = "Irregular slice spacing: " + string.Join("; ", problems) + ".";
            if (!options.AllowIrregularSpacing)
            {
                throw new DicomException(message + " Set AllowIrregularSpacing to accept it with the mean spacing.");
            }

            warnings.Add(message + " The affine uses the mean step.");
        }

        return (kept[^1].Position - kept[0].Position) / (kept.Count - 1);
    }

    private static float[] LoadVoxels(List<SliceHeader> kept, VolumeBuildOptions options)
    {
        var plane = kept[0].Rows * kept[0].Columns;
        // Every voxel is written below, so the array need not be zeroed first.
        var voxels = GC.AllocateUninitializedArray<float>(checked(plane * kept.Count));
        Parallel.For(0, kept.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism) },
            () => new SliceFiles.Buffer(),
            (k, _, buffer) =>
            {
                var file = SliceFiles.ReadWhole(kept[k].Path, buffer);
                DicomPixelData.Create(file).ReadFrameRescaled(0, voxels.AsSpan(k * plane, plane));
                return buffer;
            },
            _ => { });
        return voxels;
    }

    private static void SetColumn(double[,] affine, int column, Vector3D v)
    {
        affine[0, column] = v.X;
        affine[1, column] = v.Y;
        affine[2, column] = v.Z;
    }

    private sealed record SliceHeader(string Path, string SeriesUid, string SopInstanceUid, Vector3D Position, Vector3D Row, Vector3D Column,
        double RowSpacing, double ColumnSpacing, double SliceThickness, int Rows, int Columns, int InstanceNumber)
    {
        public static SliceHeader? TryRead(string path, DicomDataset ds)
        {
            if (!ds.TryGet<double[]>(DicomTags.ImagePositionPatient, out var ipp) || ipp.Length != 3
                || !ds.TryGet<double[]>(DicomTags.ImageOrientationPatient, out var iop) || iop.Length != 6
                || ds.GetOrDefault(DicomTags.NumberOfFrames, 1) > 1)
            {
                return null;
            }

            var spacing = ds.GetOrDefault<double[]>(DicomTags.PixelSpacing, [1.0, 1.0]);
            if (spacing.Length != 2)
            {
                throw new DicomException($"{path}: Pixel Spacing must hold two values.");
            }

            return new SliceHeader(path, ds.GetOrDefault(DicomTags.SeriesInstanceUID, string.Empty), ds.GetOrDefault(DicomTags.SOPInstanceUID, string.Empty),
                Vector3D.FromArray(ipp), Vector3D.FromArray(iop).Normalized(), Vector3D.FromArray(iop, 3).Normalized(), spacing[0], spacing[1],
                ds.GetOrDefault(DicomTags.SliceThickness, 0.0), ds.Get<int>(DicomTags.Rows), ds.Get<int>(DicomTags.Columns), ds.GetOrDefault(DicomTags.InstanceNumber, 0));
        }
    }
}
