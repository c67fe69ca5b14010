using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using MedCam.Outputs.Dicom;
using MedCam.Outputs.Research;
using MedCam.Outputs.Sources;

namespace MedCam.Outputs;

/// <summary>What to write and how; input of <see cref="HeatmapOutputWriter.Write"/>.</summary>
public sealed record HeatmapOutputRequest
{
    public required ExplanationDescription Explanation { get; init; }

    public OutputFormat Formats { get; init; } = OutputFormat.SecondaryCapture | OutputFormat.Png;

    public RenderSettings Render { get; init; } = RenderSettings.Default;

    public DerivedObjectOptions Dicom { get; init; } = DerivedObjectOptions.Default;

    public FhirReportOptions Fhir { get; init; } = new();

    public ParametricMapEncoding ParametricMapEncoding { get; init; } = ParametricMapEncoding.Float32;
}

/// <summary>What was written; also saved as summary.json (no patient name, ID or birth date in it).</summary>
public sealed record HeatmapOutputSummary
{
    public required string SourceKind { get; init; }

    public required string Modality { get; init; }

    public required int[] Shape { get; init; }

    public required string StudyInstanceUid { get; init; }

    public required string SourceSeriesInstanceUid { get; init; }

    public required string Model { get; init; }

    public required string Method { get; init; }

    public required string TargetClass { get; init; }

    public double? Probability { get; init; }

    public required float CamMinimum { get; init; }

    public required float CamMaximum { get; init; }

    public IReadOnlyList<WrittenInstance> Dicom { get; init; } = [];

    public IReadOnlyList<string> Files { get; init; } = [];

    public IReadOnlyDictionary<string, double> Milliseconds { get; init; } = new Dictionary<string, double>();
}

/// <summary>
/// Writes every requested output of one result into a folder: DICOM (sc/, mfsc.dcm, pmap.dcm), bundle.json,
/// NIfTI, PNG previews, .npy, and summary.json. The entry point of <c>medcam render</c> and of the pipeline's
/// write stage.
/// </summary>
public static class HeatmapOutputWriter
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    public static HeatmapOutputSummary Write(SourceImageSet source, CamMap cam, HeatmapOutputRequest request, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(cam);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        request.Explanation.Validate();
        cam.EnsureMatches(source);
        var formats = request.Formats;
        if (formats.HasFlag(OutputFormat.ParametricMap) && source.Kind != SourceKind.Volume)
        {
            throw new ArgumentException($"pmap needs a CT/MR volume; the source is {source.Kind} ({source.Modality}). Drop pmap or pass a series folder.");
        }

        Directory.CreateDirectory(outputDirectory);
        var dicom = new List<WrittenInstance>();
        var files = new List<string>();
        var timings = new Dictionary<string, double>();
        var explanation = request.Explanation;

        T Timed<T>(string name, Func<T> action)
        {
            var watch = Stopwatch.StartNew();
            var result = action();
            timings[name] = Math.Round(watch.Elapsed.TotalMilliseconds, 1);
            return result;
        }

        IReadOnlyList<WrittenInstance> sc = [];
        if (formats.HasFlag(OutputFormat.SecondaryCapture) || formats.HasFlag(OutputFormat.Fhir))
        {
            sc = Timed("sc", () => SecondaryCaptureSeriesWriter.Write(source, cam, explanation, Path.Combine(outputDirectory, "sc"), request.Render, request.Dicom));
            dicom.AddRange(sc);
        }

        if (formats.HasFlag(OutputFormat.MultiFrameSecondaryCapture))
        {
            dicom.Add(Timed("mfsc", () => MultiFrameSecondaryCaptureWriter.Write(source, cam, explanation, Path.Combine(outputDirectory, "mfsc.dcm"), request.Render, request.Dicom)));
        }

        if (formats.HasFlag(OutputFormat.ParametricMap))
        {
            dicom.Add(Timed("pmap", () => ParametricMapWriter.Write(source, cam, explanation, Path.Combine(outputDirectory, "pmap.dcm"), request.Dicom, request.ParametricMapEncoding)));
        }

        files.AddRange(dicom.Select(d => d.Path));
        if (formats.HasFlag(OutputFormat.Fhir))
        {
            var result = FhirReportWriter.ToResult(source, explanation, sc, request.Fhir);
            files.Add(Timed("fhir", () => FhirReportWriter.Write(result, Path.Combine(outputDirectory, "bundle.json"))));
        }

        if (formats.HasFlag(OutputFormat.Nifti))
        {
            files.AddRange(Timed("nifti", () => ResearchFileWriter.WriteNifti(source, cam, outputDirectory)));
        }

        if (formats.HasFlag(OutputFormat.Png))
        {
            var frames = new OverlayFrames(source, cam, explanation, request.Render);
            files.AddRange(Timed("png", () => ResearchFileWriter.WritePngPreviews(frames, Path.Combine(outputDirectory, "png"))));
        }

        if (formats.HasFlag(OutputFormat.Npy))
        {
            files.Add(Timed("npy", () => ResearchFileWriter.WriteNpy(cam, outputDirectory)));
        }

        var summaryPath = Path.Combine(outputDirectory, "summary.json");
        files.Add(summaryPath);
        var summary = new HeatmapOutputSummary
        {
            SourceKind = source.Kind.ToString(),
            Modality = source.Modality,
            Shape = cam.Shape,
            StudyInstanceUid = source.StudyInstanceUid,
            SourceSeriesInstanceUid = source.SeriesInstanceUid,
            Model = $"{explanation.Model.Manufacturer} {explanation.Model.Name} {explanation.Model.Version}",
            Method = explanation.Method,
            TargetClass = explanation.TargetClass,
            Probability = explanation.Probability,
            CamMinimum = cam.Minimum,
            CamMaximum = cam.Maximum,
            Dicom = dicom.Select(d => d with { Path = Path.GetRelativePath(outputDirectory, d.Path) }).ToList(),
            Files = files.Select(f => Path.GetRelativePath(outputDirectory, f)).ToList(),
            Milliseconds = timings,
        };
        File.WriteAllText(summaryPath, JsonSerializer.Serialize(summary, JsonOptions));
        return summary with { Dicom = dicom, Files = files };
    }
}
