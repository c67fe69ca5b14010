using MedCam.Worker.Processing;

namespace MedCam.Worker.Export;

/// <summary>
/// One delivery target (a DICOM destination, the FHIR server). Each is retried and recorded on its own, so a target
/// that is down does not make the others resend. Sending twice must be harmless (deterministic UIDs, conditional
/// creates), because a crash between sending and recording repeats the send.
/// </summary>
public interface IResultExporter
{
    /// <summary>Stable name under which deliveries are recorded, e.g. "dicom:PACS@host:104" or "fhir:https://…".</summary>
    string Target { get; }

    /// <summary>Whether this target has anything to take from <paramref name="result"/>.</summary>
    bool Applies(StudyProcessingResult result);

    /// <summary>Delivers or throws (<see cref="ExportException"/> with a log-safe message).</summary>
    Task ExportAsync(string studyKey, StudyProcessingResult result, CancellationToken cancellationToken);
}

public sealed class ExportException : Exception
{
    public ExportException()
    {
    }

    public ExportException(string message)
        : base(message)
    {
    }

    public ExportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
