using MedCam.Dicom;

namespace MedCam.Pipeline.Stages;

/// <summary>One series of the input as its headers describe it (no pixel data read).</summary>
public sealed record SeriesInfo(
    string SeriesInstanceUid,
    string Modality,
    string SopClassUid,
    IReadOnlyList<string> Files,
    int Rows,
    int Columns,
    int MaxFrames,
    double[]? ImageOrientation,
    IReadOnlyList<string> ImageType,
    string Description)
{
    public int Instances => Files.Count;

    /// <summary>A short description for logs: UID, modality, SOP class name, instance and frame counts.</summary>
    public override string ToString() =>
        $"series {SeriesInstanceUid} ({Modality}, {SopClassNames.Describe(SopClassUid)}, {Instances} instance(s), {Rows}x{Columns}{(MaxFrames > 1 ? $", {MaxFrames} frames" : "")})";
}

/// <summary>The readable DICOM images of the input, grouped by series, and the files that were not.</summary>
public sealed record StudyInventory(IReadOnlyList<SeriesInfo> Series, IReadOnlyList<string> Skipped);

/// <summary>Load stage: reads the header of every input file and groups the images by Series Instance UID.</summary>
public static class StudyLoader
{
    private static readonly DicomReadOptions HeaderOptions = DicomReadOptions.Default with { MemoryMap = false, StopBefore = DicomTags.PixelData };

    public static StudyInventory Load(PipelineContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var files = context.Input.EnumerateFiles();
        var where = string.Join(", ", context.Input.Paths);
        if (files.Count == 0)
        {
            throw new PipelineException(where, "the folder holds no files");
        }

        var images = new List<(string Path, DicomDataset Header)>();
        var skipped = new List<string>();
        foreach (var file in files)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            try
            {
                using var dicom = DicomFile.Open(file, HeaderOptions);
                var ds = dicom.Dataset;
                if (ds.Contains(DicomTags.SOPInstanceUID) && ds.Contains(DicomTags.Rows) && ds.Contains(DicomTags.SeriesInstanceUID))
                {
                    images.Add((file, ds));
                }
                else
                {
                    skipped.Add($"{file} (DICOM but not an image)");
                }
            }
            catch (Exception e) when (e is DicomException or IOException or InvalidDataException or UnauthorizedAccessException)
            {
                skipped.Add($"{file} ({e.Message})");
            }
        }

        if (images.Count == 0)
        {
            var reason = files.Count == 1 ? "not a readable DICOM image" + (skipped.Count == 1 ? $": {Reason(skipped[0], files[0])}" : "") : $"none of its {files.Count} files is a readable DICOM image";
            throw new PipelineException(files.Count == 1 ? files[0] : where, reason);
        }

        var series = images.GroupBy(i => i.Header.GetString(DicomTags.SeriesInstanceUID), StringComparer.Ordinal)
            .Select(g =>
            {
                var first = g.First().Header;
                return new SeriesInfo(
                    g.Key,
                    first.GetOrDefault(DicomTags.Modality, ""),
                    first.GetOrDefault(DicomTags.SOPClassUID, ""),
                    g.Select(i => i.Path).ToList(),
                    first.GetOrDefault(DicomTags.Rows, 0),
                    first.GetOrDefault(DicomTags.Columns, 0),
                    g.Max(i => i.Header.GetOrDefault(DicomTags.NumberOfFrames, 1)),
                    first.TryGet<double[]>(DicomTags.ImageOrientationPatient, out var iop) && iop.Length == 6 ? iop : null,
                    first.GetOrDefault<string[]>(DicomTags.ImageType, []),
                    first.GetOrDefault(DicomTags.SeriesDescription, ""));
            })
            .ToList();
        context.Log(PipelineStage.Load, $"{images.Count} DICOM image(s) in {series.Count} series from {where}" + (skipped.Count > 0 ? $"; {skipped.Count} file(s) skipped (not DICOM images)" : ""));
        foreach (var s in series)
        {
            context.Log(PipelineStage.Load, s.ToString());
        }

        return new StudyInventory(series, skipped);
    }

    private static string Reason(string skipped, string file) =>
        skipped.StartsWith(file, StringComparison.Ordinal) ? skipped[file.Length..].Trim().Trim('(', ')') : skipped;
}

/// <summary>Names of the SOP classes the tasks take, for logs and errors.</summary>
public static class SopClassNames
{
    public const string CtImage = "1.2.840.10008.5.1.4.1.1.2";
    public const string EnhancedCtImage = "1.2.840.10008.5.1.4.1.1.2.1";
    public const string UltrasoundMultiFrame = "1.2.840.10008.5.1.4.1.1.3.1";
    public const string UltrasoundImage = "1.2.840.10008.5.1.4.1.1.6.1";
    public const string WholeSlideMicroscopy = "1.2.840.10008.5.1.4.1.1.77.1.6";
    public const string VlMicroscopic = "1.2.840.10008.5.1.4.1.1.77.1.2";
    public const string VlSlideCoordinatesMicroscopic = "1.2.840.10008.5.1.4.1.1.77.1.3";
    public const string SecondaryCapture = "1.2.840.10008.5.1.4.1.1.7";

    public static string Describe(string uid) => uid switch
    {
        CtImage => "CT Image",
        EnhancedCtImage => "Enhanced CT Image",
        UltrasoundMultiFrame => "US Multi-frame Image",
        UltrasoundImage => "US Image",
        WholeSlideMicroscopy => "VL Whole Slide Microscopy",
        VlMicroscopic => "VL Microscopic Image",
        VlSlideCoordinatesMicroscopic => "VL Slide-Coordinates Microscopic Image",
        SecondaryCapture => "Secondary Capture",
        _ => uid,
    };
}
