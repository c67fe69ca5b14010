using MedCam.Worker.Routing;

namespace MedCam.Worker.Processing;

/// <summary>
/// The seam between the worker and the pipeline: turn one complete study into outputs. Implementations must be
/// idempotent (same study, same decision → same UIDs) because a crash makes the worker run a study again.
/// </summary>
public interface IStudyProcessor
{
    Task<StudyProcessingResult> ProcessAsync(StudyJob job, CancellationToken cancellationToken);
}

/// <summary>One unit of work: the study folder as received, what routing decided, and where outputs go.</summary>
public sealed record StudyJob
{
    /// <summary>Log-safe study key (hash of the Study Instance UID).</summary>
    public required string StudyKey { get; init; }

    public required string StudyFolder { get; init; }

    public required RoutingDecision Decision { get; init; }

    /// <summary>An empty folder owned by this run.</summary>
    public required string OutputFolder { get; init; }
}

/// <summary>What a processor produced: DICOM files for the destinations and, optionally, a FHIR bundle file.</summary>
public sealed record StudyProcessingResult
{
    public required IReadOnlyList<string> DicomFiles { get; init; }

    public string? FhirBundle { get; init; }

    /// <summary>One log-safe line (task, prediction, counts; no patient data).</summary>
    public string? Summary { get; init; }
}

/// <summary>A job failed for a reason worth recording in the ledger (the message is log-safe).</summary>
public sealed class StudyProcessingException : Exception
{
    public StudyProcessingException()
    {
    }

    public StudyProcessingException(string message)
        : base(message)
    {
    }

    public StudyProcessingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
