namespace MedCam.Worker.Operations;

/// <summary>Live facts about the running worker, for /health and for callers that started it with port 0.</summary>
public sealed class WorkerStatus
{
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int DicomPort { get; internal set; }

    public int HealthPort { get; internal set; }

    public string AeTitle { get; internal set; } = string.Empty;

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Completes when the SCP listens (and the health endpoint, if any).</summary>
    public Task Ready => ready.Task;

    /// <summary>
    /// Completes once every instance acknowledged so far is readable at its final path (the store's journal
    /// acknowledges first and writes the file milliseconds later); the scheduler awaits it before a study runs.
    /// </summary>
    internal Func<CancellationToken, Task> ReceivedFilesWritten { get; set; } = _ => Task.CompletedTask;

    internal void MarkReady() => ready.TrySetResult();
}
