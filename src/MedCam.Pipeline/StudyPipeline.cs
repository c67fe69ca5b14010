using System.Text.Json;
using System.Text.Json.Nodes;
using MedCam.Dicom;
using MedCam.Pipeline.Stages;
using MedCam.Pipeline.Tasks;
using MedCam.Torch;

namespace MedCam.Pipeline;

/// <summary>
/// The main job: a DICOM study in, class decision and CAMs out as DICOM, FHIR and research files, plus
/// <c>summary.json</c>. Stages, wired explicitly: load → select series (and task, model) → preprocess → classify →
/// explain → render (back onto the source grid) → write. The CLI (<c>medcam explain</c>) and the worker call this.
/// </summary>
public static class StudyPipeline
{
    public const string SummaryFileName = "summary.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The task implementations by name.</summary>
    public static IReadOnlyDictionary<string, IStudyTask> Tasks { get; } = new Dictionary<string, IStudyTask>(StringComparer.OrdinalIgnoreCase)
    {
        [PipelineTasks.CovidCt] = new CovidCtTask(),
        [PipelineTasks.LungUs] = new LungUsTask(),
        [PipelineTasks.BladderHisto] = new BladderHistoTask(),
    };

    /// <summary>
    /// Runs a study. Input that cannot be used throws <see cref="PipelineException"/> naming the file and the reason;
    /// progress reports every stage decision. The native work runs on a worker thread.
    /// </summary>
    public static Task<PipelineResult> RunAsync(StudyInput input, PipelineOptions options, IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        return Task.Run(() => Run(input, options, progress, cancellationToken), cancellationToken);
    }

    /// <summary>The synchronous body of <see cref="RunAsync"/> (for child-process jobs that own their thread).</summary>
    public static PipelineResult Run(StudyInput input, PipelineOptions options, IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CamStage.Methods(options.Methods); // an unknown method name fails before any work
        var torchLoad = StartLoadingTorch();
        var context = new PipelineContext(input, options, progress, cancellationToken);
        Directory.CreateDirectory(context.OutputDirectory);
        Directory.CreateDirectory(context.WorkDirectory);
        try
        {
            var inventory = context.Run(PipelineStage.Load, () => StudyLoader.Load(context));
            var task = Tasks[TaskResolver.Resolve(context, inventory)];
            var package = context.Run(PipelineStage.SelectModel, () => ModelSelector.Select(context, task.Name));
            torchLoad.GetAwaiter().GetResult(); // a libtorch that cannot load fails here, as it would on first use
            using var study = Translate(() => task.Run(context, inventory, package), package.ModelPath);
            var outputs = OutputStage.Write(context, study);
            var result = new PipelineResult
            {
                Prediction = study.Prediction,
                OutputDirectory = context.OutputDirectory,
                SummaryPath = Path.Combine(context.OutputDirectory, SummaryFileName),
                Model = $"{package.Card.Name} {package.Card.Version}".Trim(),
                SourceSeriesInstanceUid = study.Source.SeriesInstanceUid,
                Methods = outputs,
                Decisions = context.Decisions,
                StageMilliseconds = context.StageMilliseconds,
            };
            WriteSummary(result, study, package);
            if (options.WorkDirectory is null)
            {
                Directory.Delete(context.WorkDirectory, recursive: true);
            }

            return result;
        }
        catch (DicomException e)
        {
            throw new PipelineException(string.Join(", ", input.Paths), e.Message, e);
        }
    }

    /// <summary>
    /// Loads libtorch (and the shim) on a pool thread while the study's headers and pixels are read: loading it costs
    /// about 0.7 s of CPU (libtorch_cpu's static initialisers), the Load stage is single-threaded I/O and parsing, so
    /// on two or more cores a cold <c>medcam explain</c> hides most of it. Idempotent; later runs return at once.
    /// </summary>
    private static Task StartLoadingTorch() => Task.Run(() => _ = TorchRuntime.LibTorchVersion);

    private static ExplainedStudy Translate(Func<ExplainedStudy> run, string modelPath)
    {
        try
        {
            return run();
        }
        catch (TorchException e)
        {
            throw new PipelineException(modelPath, $"the model failed on this input: {e.Message}", e);
        }
    }

    private static void WriteSummary(PipelineResult result, ExplainedStudy study, ModelPackage package)
    {
        string Rel(string path) => Path.GetRelativePath(result.OutputDirectory, path);
        var p = result.Prediction;
        var summary = new JsonObject
        {
            ["task"] = p.Task,
            ["model"] = result.Model,
            ["model_path"] = package.ModelPath,
            ["intended_use"] = package.Card.IntendedUse,
            ["source_series_instance_uid"] = result.SourceSeriesInstanceUid,
            ["source_kind"] = study.Source.Kind.ToString(),
            ["source_shape"] = CovidCtTask.Json(study.Source.Shape),
            ["prediction"] = new JsonObject
            {
                ["class"] = p.ClassName,
                ["class_index"] = p.ClassIndex,
                ["probability"] = Math.Round(p.Probability, 5),
                ["probabilities"] = new JsonObject(p.ClassNames.Select((n, i) => KeyValuePair.Create(n, (JsonNode?)Math.Round(p.Probabilities[i], 5)))),
            },
            ["details"] = study.Details.DeepClone(),
            ["primary_method"] = result.PrimaryMethod,
            ["fhir_bundle"] = result.FhirBundle is null ? null : Rel(result.FhirBundle),
            ["methods"] = new JsonArray(result.Methods.Select(m => (JsonNode)new JsonObject
            {
                ["method"] = m.Method,
                ["folder"] = Rel(m.Directory),
                ["dicom"] = new JsonArray(m.DicomFiles.Select(f => (JsonNode)Rel(f)).ToArray()),
                ["fhir_bundle"] = m.FhirBundle is null ? null : Rel(m.FhirBundle),
                ["research"] = new JsonArray(m.ResearchFiles.Select(f => (JsonNode)Rel(f)).ToArray()),
            }).ToArray()),
            ["decisions"] = new JsonArray(result.Decisions.Select(d => (JsonNode)d).ToArray()),
            ["stage_ms"] = new JsonObject(result.StageMilliseconds.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        };
        File.WriteAllText(result.SummaryPath, summary.ToJsonString(Indented));
    }
}
