using System.Globalization;
using MedCam.Dicom;
using MedCam.Outputs;
using MedCam.Outputs.Dicom;
using MedCam.Outputs.Sources;
using MedCam.Pipeline;

namespace MedCam.Worker.Processing;

/// <summary>
/// Runs one job inside the process it is called in: the body of <c>medcam run-job</c>, so that the worker runs it
/// in a child process. Tasks:
/// <list type="bullet">
/// <item><c>overlay-check</c>: no model; a centred Gaussian prior rendered through the real output writers (SC,
/// multi-frame SC, Parametric Map, FHIR bundle). It proves the routing → outputs → export plumbing of a deployment
/// end to end without a model, and is what the worker's tests run.</item>
/// <item><c>selftest-abort</c>: aborts the process (as a native crash would), to check that a deployment's worker
/// survives it and quarantines the study.</item>
/// <item>the clinical tasks (<c>covid-ct</c>, <c>lung-us</c>, <c>bladder-histo</c>): MedCam.Pipeline's
/// <see cref="StudyPipeline"/> on the routed series, with the rule's model, methods and outputs.</item>
/// </list>
/// </summary>
public static class JobRunner
{
    public const string OverlayCheckTask = "overlay-check";
    public const string SelfTestAbortTask = "selftest-abort";

    /// <summary>Extra task runners a host may register besides the pipeline's own tasks (e.g. a site's own model).</summary>
    public static IDictionary<string, Func<StudyJob, string, StudyProcessingResult>> PipelineTasks { get; } =
        new Dictionary<string, Func<StudyJob, string, StudyProcessingResult>>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Outputs written with a fixed creation time so that a rerun of a study writes identical files.</summary>
    private static readonly DateTimeOffset FixedCreationTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static StudyProcessingResult Run(StudyJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!Directory.Exists(job.StudyFolder))
        {
            throw new StudyProcessingException($"Study folder of {job.StudyKey} does not exist.");
        }

        var series = SeriesFolder(job);
        StudyProcessingResult result;
        switch (job.Decision.Task.ToLowerInvariant())
        {
            case OverlayCheckTask:
                result = RunOverlayCheck(job, series);
                break;
            case SelfTestAbortTask:
                Environment.FailFast("selftest-abort: simulated native crash in a job.");
                throw new InvalidOperationException("unreachable");
            default:
                if (StudyPipeline.Tasks.ContainsKey(job.Decision.Task))
                {
                    result = RunPipeline(job, series);
                    break;
                }

                if (!PipelineTasks.TryGetValue(job.Decision.Task, out var runner))
                {
                    throw new StudyProcessingException(
                        $"Task '{job.Decision.Task}' (rule '{job.Decision.Rule}') is not available in this build: known tasks are "
                        + string.Join(", ", new[] { OverlayCheckTask, SelfTestAbortTask }.Concat(StudyPipeline.Tasks.Keys).Concat(PipelineTasks.Keys)) + ".");
                }

                result = runner(job, series);
                break;
        }

        StudyStableUids.Apply(result, job.Decision);
        JobFile.WriteResult(job.OutputFolder, result);
        return result;
    }

    /// <summary>
    /// The routed series alone, as a folder of symbolic links (the study folder holds every series), because the
    /// pipeline and the writers take one series.
    /// </summary>
    internal static string SeriesFolder(StudyJob job)
    {
        var folder = Path.Combine(job.OutputFolder, "source");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        var options = DicomReadOptions.Default with { MemoryMap = false, StopBefore = DicomTags.PixelData };
        var linked = 0;
        foreach (var path in Directory.EnumerateFiles(job.StudyFolder, "*.dcm"))
        {
            try
            {
                using var file = DicomFile.Open(path, options);
                if (file.Dataset.GetOrDefault(DicomTags.SeriesInstanceUID, string.Empty) != job.Decision.SeriesInstanceUid)
                {
                    continue;
                }
            }
            catch (Exception ex) when (ex is DicomException or IOException or InvalidDataException)
            {
                continue;
            }

            File.CreateSymbolicLink(Path.Combine(folder, Path.GetFileName(path)), Path.GetFullPath(path));
            linked++;
        }

        return linked > 0 ? folder : throw new StudyProcessingException($"No instance of the routed series was found in study {job.StudyKey}.");
    }

    private static StudyProcessingResult RunPipeline(StudyJob job, string seriesFolder)
    {
        PipelineResult result;
        try
        {
            result = StudyPipeline.Run(StudyInput.FromPath(seriesFolder), new PipelineOptions
            {
                OutputDirectory = Path.Combine(job.OutputFolder, "outputs"),
                Task = job.Decision.Task,
                Model = job.Decision.Model,
                Methods = job.Decision.Methods.Count > 0 ? job.Decision.Methods : ["gradcam"],
                Formats = job.Decision.Outputs.Count > 0 ? OutputFormats.Parse(job.Decision.Outputs) : null,
                CreatedAt = FixedCreationTime,
            });
        }
        catch (PipelineException ex)
        {
            // The pipeline's reasons name the file and the problem, never patient data: safe for the ledger.
            throw new StudyProcessingException($"{job.Decision.Task}: {ex.Message}");
        }

        return new StudyProcessingResult
        {
            DicomFiles = result.DicomFiles,
            FhirBundle = result.FhirBundle,
            Summary = string.Create(CultureInfo.InvariantCulture,
                $"{job.Decision.Task}: {result.Prediction.ClassName} (p={result.Prediction.Probability:0.000}), {result.DicomFiles.Count} DICOM objects"),
        };
    }

    private static StudyProcessingResult RunOverlayCheck(StudyJob job, string seriesFolder)
    {
        using var source = SourceImageSet.Load(seriesFolder);
        var cam = CentredPrior(source.FrameCount, source.Rows, source.Columns);
        var formats = OutputFormats.Parse(job.Decision.Outputs);

        if (source.Kind != SourceKind.Volume)
        {
            formats &= ~OutputFormat.ParametricMap;
        }

        var request = new HeatmapOutputRequest
        {
            Explanation = new ExplanationDescription
            {
                Model = new ModelIdentity("overlay-check", "1", "MedCam"),
                Method = "centred-prior",
                TargetClass = "plumbing-check",
                Probability = 1.0,
            },
            Formats = formats,
            // Deterministic content as well as UIDs: a rerun writes byte-identical files.
            Dicom = DerivedObjectOptions.Default with { CreatedAt = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero) },
        };
        var summary = HeatmapOutputWriter.Write(source, cam, request, Path.Combine(job.OutputFolder, "outputs"));
        var bundle = summary.Files.FirstOrDefault(f => Path.GetFileName(f) == "bundle.json");
        return new StudyProcessingResult
        {
            DicomFiles = summary.Dicom.Select(d => d.Path).ToList(),
            FhirBundle = bundle,
            Summary = string.Create(CultureInfo.InvariantCulture, $"{OverlayCheckTask}: {summary.Dicom.Count} DICOM objects from {source.FrameCount} frames ({source.Modality})"),
        };
    }

    private static CamMap CentredPrior(int frames, int rows, int columns)
    {
        var values = new float[frames * rows * columns];
        var sigma = 0.25 * Math.Min(rows, columns);
        for (var k = 0; k < frames; k++)
        {
            for (var y = 0; y < rows; y++)
            {
                for (var x = 0; x < columns; x++)
                {
                    var dy = y - ((rows - 1) / 2.0);
                    var dx = x - ((columns - 1) / 2.0);
                    values[(((k * rows) + y) * columns) + x] = (float)Math.Exp(-((dx * dx) + (dy * dy)) / (2 * sigma * sigma));
                }
            }
        }

        return new CamMap(values, frames, rows, columns);
    }
}
