namespace MedCam.Worker.Ledger;

/// <summary>
/// Life of a study in the ledger: received (instances arriving, quiet time running) → queued → running → exporting →
/// done, or failed (quarantined after the last attempt, with the reason). New instances reopen a done or failed study.
/// </summary>
public enum StudyState
{
    Received,
    Queued,
    Running,
    Exporting,
    Done,
    Failed,
}

/// <summary>One study's row. <see cref="Key"/> is a hash of the Study Instance UID, safe to log.</summary>
public sealed record StudyRecord
{
    public required string Key { get; init; }

    public required string StudyInstanceUid { get; init; }

    public required string StudyFolder { get; init; }

    public required string CallingAeTitle { get; init; }

    public required StudyState State { get; init; }

    /// <summary>Attempts in the current phase (processing, or export).</summary>
    public int Attempts { get; init; }

    /// <summary>Instances recorded so far (a resent instance counts again: it may have changed).</summary>
    public long Sequence { get; init; }

    /// <summary><see cref="Sequence"/> when the current run started; a difference means new data arrived meanwhile.</summary>
    public long ProcessedSequence { get; init; }

    /// <summary>Processing runs started (1 for the first).</summary>
    public int Run { get; init; }

    public DateTimeOffset DueAt { get; init; }

    public DateTimeOffset FirstReceivedAt { get; init; }

    public DateTimeOffset LastReceivedAt { get; init; }

    public string? OutputFolder { get; init; }

    public string? Reason { get; init; }

    public int Instances { get; init; }
}

/// <summary>How many studies are in each state.</summary>
public sealed record LedgerCounts(IReadOnlyDictionary<StudyState, int> ByState)
{
    public int Count(StudyState state) => ByState.TryGetValue(state, out var n) ? n : 0;

    /// <summary>Studies waiting for or in work: queued, running or exporting.</summary>
    public int QueueDepth => Count(StudyState.Queued) + Count(StudyState.Running) + Count(StudyState.Exporting);
}
