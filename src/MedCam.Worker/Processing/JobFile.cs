using System.Text.Json;
using System.Text.Json.Serialization;
using MedCam.Worker.Routing;

namespace MedCam.Worker.Processing;

/// <summary>
/// The files that pass a job to <c>medcam run-job</c> and its result back: job.json in, result.json out (both in
/// the job's output folder). Paths in result.json are relative to that folder.
/// </summary>
public static class JobFile
{
    public const string JobName = "job.json";
    public const string ResultName = "result.json";

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string WriteJob(StudyJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        Directory.CreateDirectory(job.OutputFolder);
        var path = Path.Combine(job.OutputFolder, JobName);
        File.WriteAllText(path, JsonSerializer.Serialize(new JobDocument(job.StudyKey, job.StudyFolder, job.Decision), Options));
        return path;
    }

    public static StudyJob ReadJob(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var document = JsonSerializer.Deserialize<JobDocument>(File.ReadAllText(path), Options)
            ?? throw new InvalidDataException($"{path} is empty.");
        return new StudyJob
        {
            StudyKey = document.StudyKey,
            StudyFolder = document.StudyFolder,
            Decision = document.Decision,
            OutputFolder = Path.GetDirectoryName(Path.GetFullPath(path))!,
        };
    }

    public static void WriteResult(string outputFolder, StudyProcessingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var document = new ResultDocument(
            result.DicomFiles.Select(f => Path.GetRelativePath(outputFolder, f)).ToList(),
            result.FhirBundle is null ? null : Path.GetRelativePath(outputFolder, result.FhirBundle),
            result.Summary);
        var temporary = Path.Combine(outputFolder, ResultName + ".tmp");
        File.WriteAllText(temporary, JsonSerializer.Serialize(document, Options));
        File.Move(temporary, Path.Combine(outputFolder, ResultName), overwrite: true);
    }

    /// <summary>Reads result.json; null when the job did not finish writing it.</summary>
    public static StudyProcessingResult? ReadResult(string outputFolder)
    {
        var path = Path.Combine(outputFolder, ResultName);
        if (!File.Exists(path))
        {
            return null;
        }

        var document = JsonSerializer.Deserialize<ResultDocument>(File.ReadAllText(path), Options)
            ?? throw new InvalidDataException($"{path} is empty.");
        return new StudyProcessingResult
        {
            DicomFiles = document.DicomFiles.Select(f => Path.GetFullPath(Path.Combine(outputFolder, f))).ToList(),
            FhirBundle = document.FhirBundle is null ? null : Path.GetFullPath(Path.Combine(outputFolder, document.FhirBundle)),
            Summary = document.Summary,
        };
    }

    private sealed record JobDocument(string StudyKey, string StudyFolder, RoutingDecision Decision);

    private sealed record ResultDocument(IReadOnlyList<string> DicomFiles, string? FhirBundle, string? Summary);
}
