namespace MedCam.Pipeline;

/// <summary>The class decision of a study (volume, video or slide), with the probability of every class.</summary>
public sealed record StudyPrediction(string Task, string ClassName, int ClassIndex, IReadOnlyList<string> ClassNames, IReadOnlyList<double> Probabilities)
{
    public double Probability => Probabilities[ClassIndex];
}

/// <summary>What one CAM method produced: its output folder, its DICOM objects and research files.</summary>
public sealed record MethodOutputs(string Method, string Directory, IReadOnlyList<string> DicomFiles, string? FhirBundle, IReadOnlyList<string> ResearchFiles);

/// <summary>
/// The result of <see cref="StudyPipeline.RunAsync"/>: prediction, outputs of each method (absolute paths), the
/// summary file and every decision the stages logged, in order.
/// </summary>
public sealed record PipelineResult
{
    public required StudyPrediction Prediction { get; init; }

    public required string OutputDirectory { get; init; }

    public required string SummaryPath { get; init; }

    public required string Model { get; init; }

    public required string SourceSeriesInstanceUid { get; init; }

    public required IReadOnlyList<MethodOutputs> Methods { get; init; }

    public required IReadOnlyList<string> Decisions { get; init; }

    public IReadOnlyDictionary<string, double> StageMilliseconds { get; init; } = new Dictionary<string, double>();

    /// <summary>Every DICOM object written, all methods.</summary>
    public IReadOnlyList<string> DicomFiles => Methods.SelectMany(m => m.DicomFiles).ToList();

    /// <summary>
    /// The run's primary method: the first method asked for (for "all", Grad-CAM) that produced a map. Its outputs
    /// are the study's answer (<see cref="FhirBundle"/>, what the worker exports); the other methods' outputs sit
    /// beside it, each folder complete with its own bundle, for comparison.
    /// </summary>
    public string? PrimaryMethod => Methods.Count > 0 ? Methods[0].Method : null;

    /// <summary>The FHIR bundle of the primary method, if written (each method's own is in <see cref="MethodOutputs.FhirBundle"/>).</summary>
    public string? FhirBundle => Methods.Count > 0 ? Methods[0].FhirBundle : null;

    /// <summary>Research files (NIfTI, PNG, .npy, per-frame and slide-level extras), all methods.</summary>
    public IReadOnlyList<string> ResearchFiles => Methods.SelectMany(m => m.ResearchFiles).ToList();
}
