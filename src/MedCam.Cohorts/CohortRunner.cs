using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using MedCam.Outputs;
using MedCam.Pipeline;

namespace MedCam.Cohorts;

/// <summary>How to run a cohort beyond its definition.</summary>
public sealed record CohortRunOptions
{
    /// <summary>Run every case again, even those whose recorded result matches the definition.</summary>
    public bool Rerun { get; init; }

    /// <summary>Only the first N cases of the manifest (a quick look at a large cohort).</summary>
    public int? Limit { get; init; }
}

/// <summary>Reported after each case.</summary>
/// <param name="Index">1-based position of the case.</param>
/// <param name="Count">Cases in this run.</param>
/// <param name="Result">The case's record.</param>
/// <param name="Reused">True when the record of an earlier run was kept (same fingerprint).</param>
public sealed record CohortProgress(int Index, int Count, CaseResult Result, bool Reused);

/// <summary>
/// Runs the study pipeline over every case of a cohort, one case at a time (libtorch already uses every core inside a
/// case), measures classification and localisation against the manifest's truth, and writes results.csv, cohort.json
/// and report.md. Resumable: a case whose case.json records success with the same fingerprint is not run again, and
/// a failing case is recorded with its reason while the run goes on.
/// </summary>
public static class CohortRunner
{
    public const string CasesFolder = "cases";

    public static async Task<CohortSummary> RunAsync(
        CohortDefinition definition,
        CohortRunOptions? options = null,
        IProgress<CohortProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        options ??= new CohortRunOptions();
        definition.Checked();
        var cases = CohortManifest.Read(definition);
        if (options.Limit is { } limit)
        {
            cases = cases.Take(Math.Max(0, limit)).ToList();
        }

        if (cases.Count == 0)
        {
            throw new CohortDefinitionException($"{definition.Manifest ?? definition.Root}: the cohort has no cases.");
        }

        var formats = OutputFormats.Parse(definition.Outputs) | OutputFormat.Npy;
        Directory.CreateDirectory(definition.Output);
        var started = Stopwatch.StartNew();
        var model = ModelStamp(definition.Model);
        var results = new List<CaseResult>(cases.Count);
        for (var i = 0; i < cases.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var item = cases[i];
            var caseDirectory = Path.Combine(definition.Output, CasesFolder, item.Id);
            var recordPath = Path.Combine(caseDirectory, "case.json");
            var fingerprint = Fingerprint(definition, model, item);
            if (!options.Rerun && CaseResult.TryLoad(recordPath) is { Status: CaseResult.Done } kept && kept.Fingerprint == fingerprint)
            {
                results.Add(kept);
                progress?.Report(new CohortProgress(i + 1, cases.Count, kept, Reused: true));
                continue;
            }

            var result = await RunCaseAsync(definition, item, caseDirectory, formats, fingerprint, cancellationToken).ConfigureAwait(false);
            result.Save(recordPath);
            results.Add(result);
            progress?.Report(new CohortProgress(i + 1, cases.Count, result, Reused: false));
        }

        var summary = CohortSummary.From(definition, results, started.Elapsed.TotalSeconds);
        CohortReports.Write(definition, summary);
        return summary;
    }

    private static async Task<CaseResult> RunCaseAsync(CohortDefinition definition, CohortCase item, string caseDirectory, OutputFormat formats, string fingerprint, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        // Outputs of an earlier run of this case (other methods, other formats) must not mix with the new ones.
        if (Directory.Exists(caseDirectory))
        {
            Directory.Delete(caseDirectory, recursive: true);
        }

        PipelineResult run;
        try
        {
            if (!Directory.Exists(item.Folder) && !File.Exists(item.Folder))
            {
                throw new PipelineException(item.Folder, "the study folder does not exist");
            }

            run = await StudyPipeline.RunAsync(
                StudyInput.FromPath(item.Folder),
                new PipelineOptions
                {
                    OutputDirectory = caseDirectory,
                    Task = definition.Task,
                    Model = definition.Model,
                    Methods = definition.Methods,
                    Device = definition.Device,
                    Formats = formats,
                },
                progress: null,
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new CaseResult
            {
                CaseId = item.Id,
                Status = CaseResult.Failed,
                Fingerprint = fingerprint,
                Error = ex.Message,
                TrueIndex = item.Label,
                TrueClass = item.ClassName,
                Seconds = clock.Elapsed.TotalSeconds,
            };
        }

        var prediction = run.Prediction;
        var (trueIndex, trueClass, truthNote) = Truth(item, prediction.ClassNames);
        IReadOnlyList<MethodLocalisation> localisation = [];
        var millimetres = false;
        string? note = truthNote;
        if (item.LesionMask is { } mask)
        {
            try
            {
                (localisation, millimetres) = CaseLocalisation.Measure(run, mask, definition.PointingToleranceMm);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or ArgumentException)
            {
                note = string.Join("; ", new[] { note, "localisation not measured: " + ex.Message }.Where(s => s is not null));
            }
        }

        return new CaseResult
        {
            CaseId = item.Id,
            Status = CaseResult.Done,
            Fingerprint = fingerprint,
            Error = note,
            Task = prediction.Task,
            Model = run.Model,
            TrueIndex = trueIndex,
            TrueClass = trueClass,
            PredictedIndex = prediction.ClassIndex,
            PredictedClass = prediction.ClassName,
            ClassNames = prediction.ClassNames,
            Probabilities = prediction.Probabilities,
            Seconds = clock.Elapsed.TotalSeconds,
            Localisation = localisation,
            ToleranceInMillimetres = millimetres,
        };
    }

    /// <summary>The true class in the model's class order: the manifest's index, else its class name.</summary>
    internal static (int? Index, string? Name, string? Note) Truth(CohortCase item, IReadOnlyList<string> classNames)
    {
        if (item.Label is { } label)
        {
            if (label >= classNames.Count)
            {
                return (null, item.ClassName, $"label {label} is outside the model's {classNames.Count} classes");
            }

            if (item.ClassName is { } name && !string.Equals(name, classNames[label], StringComparison.OrdinalIgnoreCase))
            {
                return (null, name, $"label {label} is '{classNames[label]}' for the model but the manifest says '{name}'");
            }

            return (label, classNames[label], null);
        }

        if (item.ClassName is { } className)
        {
            for (var i = 0; i < classNames.Count; i++)
            {
                if (string.Equals(className, classNames[i], StringComparison.OrdinalIgnoreCase))
                {
                    return (i, classNames[i], null);
                }
            }

            return (null, className, $"class '{className}' is not one of the model's classes ({string.Join(", ", classNames)})");
        }

        return (null, null, null);
    }

    /// <summary>Everything that decides a case's result; the model file's size and time stand for its content.</summary>
    internal static string Fingerprint(CohortDefinition definition, string modelStamp, CohortCase item)
    {
        var text = string.Join('\n',
            "v1", item.Folder, item.Label?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", item.ClassName ?? "", item.LesionMask ?? "",
            definition.Task ?? "auto", modelStamp, string.Join(',', definition.Methods), string.Join(',', definition.Outputs),
            definition.Device, definition.PointingToleranceMm.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    /// <summary>The model package's files (names, sizes, times), read once per run; "auto" when chosen by card.</summary>
    private static string ModelStamp(string? path)
    {
        if (path is null || (!File.Exists(path) && !Directory.Exists(path)))
        {
            return "auto";
        }

        var files = Directory.Exists(path) ? Directory.GetFiles(path).Order(StringComparer.Ordinal).ToArray() : [path];
        return path + "|" + string.Join(';', files.Select(f => $"{Path.GetFileName(f)}:{new FileInfo(f).Length}:{File.GetLastWriteTimeUtc(f).Ticks}"));
    }
}
