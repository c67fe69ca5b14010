namespace MedCam.Worker.Ledger;

/// <summary>
/// The durable job ledger. Every method commits before it returns, so a crash loses nothing that was acknowledged.
/// The embedded SQLite implementation is the default; a shared deployment can provide another (PostgreSQL) behind
/// this interface without touching the worker.
/// </summary>
public interface IJobLedger : IDisposable
{
    /// <summary>Creates the schema if needed and puts studies that were running at a crash back in the queue.</summary>
    void Open(DateTimeOffset now);

    /// <summary>Records a durable instance; opens, extends or reopens its study (the quiet time starts again).</summary>
    StudyRecord RecordInstance(string studyInstanceUid, string studyFolder, string sopInstanceUid, string callingAeTitle, DateTimeOffset now, TimeSpan quietTime);

    /// <summary>Moves received studies whose quiet time has passed to queued; returns them.</summary>
    IReadOnlyList<StudyRecord> QueueQuietStudies(DateTimeOffset now);

    /// <summary>
    /// Claims the next due study that is queued (→ running, new run) or exporting (stays exporting, export retried),
    /// skipping <paramref name="inFlight"/>. Null when none is due.
    /// </summary>
    StudyRecord? ClaimNext(DateTimeOffset now, IReadOnlySet<string> inFlight);

    /// <summary>Processing finished: the outputs are in <paramref name="outputFolder"/>; the study moves to exporting.</summary>
    void MarkExporting(string key, string outputFolder);

    bool IsDelivered(string key, int run, string target);

    void MarkDelivered(string key, int run, string target, DateTimeOffset now);

    /// <summary>Everything delivered: done, or back to received when new instances arrived during the run.</summary>
    StudyRecord Complete(string key, DateTimeOffset now, string? note = null);

    /// <summary>
    /// A failed attempt: retried at <paramref name="retryAt"/> in the same phase, or quarantined (failed, with the
    /// reason) once <paramref name="maxAttempts"/> is reached. Returns the new record.
    /// </summary>
    StudyRecord Fail(string key, string reason, DateTimeOffset retryAt, int maxAttempts, DateTimeOffset now);

    /// <summary>Puts a claimed study back without counting an attempt (shutdown abandoned it).</summary>
    void Release(string key, DateTimeOffset now);

    StudyRecord? Get(string key);

    IReadOnlyList<StudyRecord> List();

    LedgerCounts Counts();
}
