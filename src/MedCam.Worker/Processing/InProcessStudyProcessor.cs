namespace MedCam.Worker.Processing;

/// <summary>
/// Runs <see cref="JobRunner"/> inside the worker's own process, on a thread-pool thread. No crash isolation: for
/// tests of the worker's plumbing and for embedding; <c>medcam serve</c> uses <see cref="ChildProcessStudyProcessor"/>.
/// </summary>
public sealed class InProcessStudyProcessor : IStudyProcessor
{
    public Task<StudyProcessingResult> ProcessAsync(StudyJob job, CancellationToken cancellationToken) =>
        Task.Run(() => JobRunner.Run(job), cancellationToken);
}
