using System.Diagnostics.Metrics;
using MedCam.Worker.Ledger;

namespace MedCam.Worker.Operations;

/// <summary>
/// The worker's instruments (meter "MedCam.Worker"), collected by OpenTelemetry and shown on /metrics:
/// instances and studies received, studies completed, failures by phase, latency from the last instance received to
/// the results delivered, and the queue depth read from the ledger.
/// </summary>
public sealed class WorkerMetrics : IDisposable
{
    public const string MeterName = "MedCam.Worker";

    private readonly Meter meter;
    private readonly Counter<long> instances;
    private readonly Counter<long> studies;
    private readonly Counter<long> completed;
    private readonly Counter<long> failures;
    private readonly Histogram<double> latency;

    public WorkerMetrics(IJobLedger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        meter = new Meter(MeterName, "1.0");
        instances = meter.CreateCounter<long>("medcam.worker.instances.received", "{instance}", "Instances made durable by the C-STORE SCP.");
        studies = meter.CreateCounter<long>("medcam.worker.studies.received", "{study}", "Studies opened or reopened by a new instance.");
        completed = meter.CreateCounter<long>("medcam.worker.studies.completed", "{study}", "Studies whose results reached every target.");
        failures = meter.CreateCounter<long>("medcam.worker.failures", "{failure}", "Failed attempts, by phase (process, export) and outcome (retry, quarantine).");
        latency = meter.CreateHistogram<double>("medcam.worker.study.latency", "s", "From the last instance received to the results delivered.");
        meter.CreateObservableGauge("medcam.worker.queue.depth", () => (long)ledger.Counts().QueueDepth, "{study}", "Studies queued, running or exporting.");
        meter.CreateObservableGauge("medcam.worker.studies.quarantined", () => (long)ledger.Counts().Count(StudyState.Failed), "{study}", "Studies that failed their last attempt.");
    }

    public void InstanceReceived(bool newStudy)
    {
        instances.Add(1);
        if (newStudy)
        {
            studies.Add(1);
        }
    }

    public void StudyCompleted(TimeSpan sinceLastInstance)
    {
        completed.Add(1);
        latency.Record(sinceLastInstance.TotalSeconds);
    }

    public void Failure(string phase, bool quarantined) =>
        failures.Add(1, new KeyValuePair<string, object?>("phase", phase), new KeyValuePair<string, object?>("outcome", quarantined ? "quarantine" : "retry"));

    public void Dispose() => meter.Dispose();
}
