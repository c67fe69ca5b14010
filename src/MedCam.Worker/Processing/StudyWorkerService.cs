using MedCam.Worker.Configuration;
using MedCam.Worker.Export;
using MedCam.Worker.Ledger;
using MedCam.Worker.Operations;
using MedCam.Worker.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedCam.Worker.Processing;

/// <summary>
/// The scheduler: queues studies whose quiet time has passed, runs them through the <see cref="IStudyProcessor"/>
/// (routing first), exports the results to every target not yet delivered, and records each step in the ledger.
/// Failures are retried with exponential backoff, then quarantined with the reason. On shutdown the job in flight
/// gets <see cref="WorkerOptions.ShutdownGrace"/> to finish, else it is abandoned and resumed on the next start.
/// </summary>
public sealed class StudyWorkerService : BackgroundService
{
    /// <summary>Export attempts before quarantine: a destination may be down for hours.</summary>
    public const int ExportAttemptsFactor = 6;

    private readonly WorkerOptions options;
    private readonly IJobLedger ledger;
    private readonly IStudyProcessor processor;
    private readonly IReadOnlyList<IResultExporter> exporters;
    private readonly RoutingRules routing;
    private readonly WorkerMetrics metrics;
    private readonly WorkerStatus status;
    private readonly ILogger<StudyWorkerService> logger;
    private readonly TimeProvider time;
    private readonly Dictionary<string, Task> inFlight = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource jobs = new();

    public StudyWorkerService(
        IOptions<WorkerOptions> options, IJobLedger ledger, IStudyProcessor processor, IEnumerable<IResultExporter> exporters,
        RoutingRules routing, WorkerMetrics metrics, WorkerStatus status, ILogger<StudyWorkerService> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        this.ledger = ledger;
        this.processor = processor;
        this.exporters = exporters.ToList();
        this.routing = routing;
        this.metrics = metrics;
        this.status = status;
        this.logger = logger;
        this.time = time;
    }

    public static string OutputsFolder(WorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Path.Combine(Path.GetFullPath(options.DataFolder), "outputs");
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        Task[] running;
        lock (inFlight)
        {
            running = [.. inFlight.Values];
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (running.Length > 0)
        {
            logger.LogInformation("Shutdown: waiting up to {Grace} for {Count} job(s) in flight", options.ShutdownGrace, running.Length);
            var all = Task.WhenAll(running);
            if (await Task.WhenAny(all, Task.Delay(options.ShutdownGrace, CancellationToken.None)).ConfigureAwait(false) != all)
            {
                logger.LogWarning("Shutdown: abandoning the job(s) in flight; they resume on the next start");
                await jobs.CancelAsync().ConfigureAwait(false);
                await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None)).ConfigureAwait(false);
            }
        }
    }

    public override void Dispose()
    {
        jobs.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var counts = ledger.Counts();
        logger.LogInformation("Worker started: {Queued} queued, {Running} to resume, {Exporting} exporting, {Received} receiving, {Failed} quarantined",
            counts.Count(StudyState.Queued), counts.Count(StudyState.Running), counts.Count(StudyState.Exporting), counts.Count(StudyState.Received), counts.Count(StudyState.Failed));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                Schedule();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Scheduler pass failed; retrying");
            }

            try
            {
                await Task.Delay(options.PollInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private void Schedule()
    {
        var now = time.GetUtcNow();
        foreach (var study in ledger.QueueQuietStudies(now))
        {
            logger.LogInformation("Study {StudyKey} complete after quiet time ({Instances} instances from {CallingAe}); queued", study.Key, study.Instances, study.CallingAeTitle);
        }

        lock (inFlight)
        {
            while (inFlight.Count < options.MaxParallelJobs)
            {
                var study = ledger.ClaimNext(now, inFlight.Keys.ToHashSet(StringComparer.Ordinal));
                if (study is null)
                {
                    break;
                }

                var key = study.Key;
                inFlight[key] = Task.Run(() => RunAsync(study, jobs.Token), CancellationToken.None)
                    .ContinueWith(_ => { lock (inFlight) { inFlight.Remove(key); } }, TaskScheduler.Default);
            }
        }
    }

    private async Task RunAsync(StudyRecord study, CancellationToken cancellationToken)
    {
        var phase = study.State == StudyState.Running ? "process" : "export";
        try
        {
            StudyProcessingResult result;
            if (study.State == StudyState.Running)
            {
                // Its quiet time has passed, so this is immediate unless the disk is struggling.
                await status.ReceivedFilesWritten(cancellationToken).ConfigureAwait(false);
                var decision = routing.Decide(StudyInspector.Summarize(study.StudyFolder));
                if (decision is null)
                {
                    ledger.Complete(study.Key, time.GetUtcNow(), "no routing rule matched");
                    logger.LogInformation("Study {StudyKey}: no routing rule matched; nothing to do", study.Key);
                    return;
                }

                var output = Path.Combine(OutputsFolder(options), study.Key, $"run-{study.Run}");
                if (Directory.Exists(output))
                {
                    Directory.Delete(output, recursive: true);
                }

                Directory.CreateDirectory(output);
                logger.LogInformation("Study {StudyKey}: run {Run} (attempt {Attempt}) rule {Rule} → task {Task}", study.Key, study.Run, study.Attempts, decision.Rule, decision.Task);
                var started = time.GetTimestamp();
                result = await processor.ProcessAsync(
                    new StudyJob { StudyKey = study.Key, StudyFolder = study.StudyFolder, Decision = decision, OutputFolder = output },
                    cancellationToken).ConfigureAwait(false);
                ledger.MarkExporting(study.Key, output);
                logger.LogInformation("Study {StudyKey}: processed in {Seconds:0.0} s: {Summary}", study.Key, time.GetElapsedTime(started).TotalSeconds, result.Summary);
            }
            else
            {
                result = (study.OutputFolder is null ? null : JobFile.ReadResult(study.OutputFolder))
                    ?? throw new StudyProcessingException("The outputs of the last run are gone; the study must be processed again.");
            }

            phase = "export";
            var failures = new List<string>();
            foreach (var exporter in exporters.Where(e => e.Applies(result)))
            {
                if (ledger.IsDelivered(study.Key, study.Run, exporter.Target))
                {
                    continue;
                }

                try
                {
                    await exporter.ExportAsync(study.Key, result, cancellationToken).ConfigureAwait(false);
                    ledger.MarkDelivered(study.Key, study.Run, exporter.Target, time.GetUtcNow());
                    logger.LogInformation("Study {StudyKey}: delivered to {Target}", study.Key, exporter.Target);
                }
                catch (ExportException ex)
                {
                    failures.Add(ex.Message);
                }
            }

            if (failures.Count > 0)
            {
                throw new ExportException(string.Join("; ", failures));
            }

            var now = time.GetUtcNow();
            var completed = ledger.Complete(study.Key, now);
            if (completed.State == StudyState.Done)
            {
                metrics.StudyCompleted(now - completed.LastReceivedAt);
                logger.LogInformation("Study {StudyKey}: done (run {Run})", study.Key, study.Run);
            }
            else
            {
                logger.LogInformation("Study {StudyKey}: new instances arrived during run {Run}; processing again after the quiet time", study.Key, study.Run);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ledger.Release(study.Key, time.GetUtcNow());
            logger.LogWarning("Study {StudyKey}: abandoned at shutdown; resumes on the next start", study.Key);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Fail(study, phase, ex);
        }
    }

    private void Fail(StudyRecord study, string phase, Exception error)
    {
        var now = time.GetUtcNow();
        var attempt = Math.Max(study.Attempts, 1);
        var delay = TimeSpan.FromTicks(Math.Min(options.MaxRetryDelay.Ticks, options.RetryBaseDelay.Ticks * (1L << Math.Min(attempt - 1, 20))));
        var maxAttempts = phase == "export" && study.State == StudyState.Exporting ? options.MaxAttempts * ExportAttemptsFactor : options.MaxAttempts;
        if (phase == "export" && study.State == StudyState.Running)
        {
            // The first export attempt follows processing: count it as export attempt 1 of the export phase.
            maxAttempts = options.MaxAttempts * ExportAttemptsFactor;
        }

        var reason = error is StudyProcessingException or ExportException ? error.Message : $"{error.GetType().Name}: {error.Message}";
        var record = ledger.Fail(study.Key, $"{phase}: {reason}", now + delay, maxAttempts, now);
        var quarantined = record.State == StudyState.Failed;
        metrics.Failure(phase, quarantined);
        if (quarantined)
        {
            logger.LogError("Study {StudyKey}: quarantined after {Attempts} attempt(s): {Reason}", study.Key, record.Attempts, record.Reason);
        }
        else
        {
            logger.LogWarning("Study {StudyKey}: {Phase} attempt {Attempt} failed, retry in {Delay}: {Reason}", study.Key, phase, record.Attempts, delay, reason);
        }
    }
}
