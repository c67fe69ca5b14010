using System.Diagnostics;

namespace MedCam.Pipeline;

/// <summary>
/// Shared by every stage of one run: resolves the input, output, models and work folders, records each decision a
/// stage takes (shown as progress, kept in summary.json) and times the stages. Decisions name files, series UIDs,
/// shapes and numbers, never patient name, ID or birth date.
/// </summary>
public sealed class PipelineContext
{
    private readonly List<string> _decisions = [];
    private readonly Dictionary<string, double> _milliseconds = [];
    private readonly IProgress<PipelineProgress>? _progress;

    public PipelineContext(StudyInput input, PipelineOptions options, IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.OutputDirectory);
        Input = input;
        Options = options;
        _progress = progress;
        CancellationToken = cancellationToken;
        OutputDirectory = Path.GetFullPath(options.OutputDirectory);
        WorkDirectory = Path.GetFullPath(options.WorkDirectory ?? Path.Combine(OutputDirectory, "work"));
    }

    public StudyInput Input { get; }

    public PipelineOptions Options { get; }

    public CancellationToken CancellationToken { get; }

    public string OutputDirectory { get; }

    public string WorkDirectory { get; }

    public IReadOnlyList<string> Decisions => _decisions;

    public IReadOnlyDictionary<string, double> StageMilliseconds => _milliseconds;

    /// <summary>The folder searched for model packages: the option, else the nearest sample-data/models above the current or application folder.</summary>
    public string? ModelsDirectory => Options.ModelsDirectory is { } given ? Path.GetFullPath(given) : FindSampleModels();

    /// <summary>Records a decision of <paramref name="stage"/> and reports it as progress.</summary>
    public void Log(PipelineStage stage, string message)
    {
        _decisions.Add($"{stage}: {message}");
        _progress?.Report(new PipelineProgress(stage, message));
    }

    /// <summary>Runs one stage, timing it and honouring cancellation before it starts.</summary>
    public T Run<T>(PipelineStage stage, Func<T> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        CancellationToken.ThrowIfCancellationRequested();
        var watch = Stopwatch.StartNew();
        var result = body();
        var key = stage.ToString();
        _milliseconds[key] = Math.Round(_milliseconds.GetValueOrDefault(key) + watch.Elapsed.TotalMilliseconds, 1);
        return result;
    }

    internal static string? FindSampleModels()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "sample-data", "models");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
