using MedCam.Worker.Ledger;
using MedCam.Worker.Tests.Infrastructure;

namespace MedCam.Worker.Tests;

/// <summary>
/// The <see cref="IJobLedger"/> contract, run against every implementation (SQLite below, PostgreSQL in
/// <see cref="PostgresJobLedgerTests"/>): grouping, quiet time, crash recovery, retries and quarantine, reopening.
/// </summary>
public abstract class JobLedgerContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);
    protected static readonly TimeSpan Quiet = TimeSpan.FromSeconds(30);

    /// <summary>Makes empty storage for this test (a file, a database).</summary>
    protected abstract Task CreateStoreAsync();

    /// <summary>A new ledger object on this test's storage, not yet opened (as a new worker process would make it).</summary>
    protected abstract IJobLedger Connect(string workerId = "worker-a");

    public Task InitializeAsync() => CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void RecordInstance_SameStudy_GroupedAndQueuedOnlyAfterQuietTime()
    {
        using var ledger = Open();
        ledger.RecordInstance("1.2.3", "/s", "1.2.3.1", "CT1", T0, Quiet);
        ledger.RecordInstance("1.2.3", "/s", "1.2.3.2", "CT1", T0.AddSeconds(20), Quiet);

        Assert.Empty(ledger.QueueQuietStudies(T0.AddSeconds(40)));
        var queued = Assert.Single(ledger.QueueQuietStudies(T0.AddSeconds(50)));
        Assert.Equal(2, queued.Instances);
        Assert.Single(ledger.List());
    }

    [Fact]
    public void Open_AfterCrashWhileRunning_StudyQueuedAgainAndExportResumes()
    {
        using (var ledger = Connect())
        {
            ledger.Open(T0);
            ledger.RecordInstance("1.2.3", "/a", "1.2.3.1", "CT1", T0, Quiet);
            ledger.RecordInstance("1.2.4", "/b", "1.2.4.1", "CT1", T0.AddSeconds(1), Quiet);
            ledger.QueueQuietStudies(T0.AddMinutes(1));
            var a = ledger.ClaimNext(T0.AddMinutes(1), new HashSet<string>())!;
            var b = ledger.ClaimNext(T0.AddMinutes(1), new HashSet<string>())!;
            ledger.MarkExporting(b.Key, "/out/b");
            ledger.MarkDelivered(b.Key, b.Run, "dicom:X", T0.AddMinutes(1));
            Assert.Equal(StudyState.Running, ledger.Get(a.Key)!.State);
        }

        // No Dispose-time cleanup matters: a new process opens the same file.
        using var reopened = Connect();
        reopened.Open(T0.AddMinutes(2));
        var states = reopened.List().ToDictionary(s => s.StudyInstanceUid, s => s.State);
        Assert.Equal(StudyState.Queued, states["1.2.3"]);
        Assert.Equal(StudyState.Exporting, states["1.2.4"]);
        var key = SqliteJobLedger.KeyOf("1.2.4");
        Assert.True(reopened.IsDelivered(key, 1, "dicom:X"));
        Assert.False(reopened.IsDelivered(key, 1, "fhir:Y"));
    }

    [Fact]
    public void Fail_UntilMaxAttempts_RetriedThenQuarantinedWithReason()
    {
        using var ledger = Open();
        ledger.RecordInstance("1.2.3", "/s", "1.2.3.1", "CT1", T0, Quiet);
        ledger.QueueQuietStudies(T0.AddMinutes(1));
        var now = T0.AddMinutes(1);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var claimed = ledger.ClaimNext(now, new HashSet<string>());
            Assert.NotNull(claimed);
            Assert.Equal(attempt, claimed.Attempts);
            var after = ledger.Fail(claimed.Key, $"boom {attempt}", now.AddSeconds(10), maxAttempts: 3, now);
            Assert.Equal(attempt < 3 ? StudyState.Queued : StudyState.Failed, after.State);
            // Backoff: not due before the retry time.
            Assert.Null(ledger.ClaimNext(now.AddSeconds(5), new HashSet<string>()));
            now = now.AddSeconds(11);
        }

        var quarantined = ledger.List().Single();
        Assert.Equal("boom 3", quarantined.Reason);
        Assert.Null(ledger.ClaimNext(now.AddHours(1), new HashSet<string>()));
    }

    [Fact]
    public void RecordInstance_DuringRunAndAfterDone_StudyProcessedAgainAfterNewQuietTime()
    {
        using var ledger = Open();
        ledger.RecordInstance("1.2.3", "/s", "1.2.3.1", "CT1", T0, Quiet);
        ledger.QueueQuietStudies(T0.AddMinutes(1));
        var run1 = ledger.ClaimNext(T0.AddMinutes(1), new HashSet<string>())!;
        // A late instance while running: the run completes but the study goes back to received.
        ledger.RecordInstance("1.2.3", "/s", "1.2.3.2", "CT1", T0.AddMinutes(1.5), Quiet);
        ledger.MarkExporting(run1.Key, "/out");
        Assert.Equal(StudyState.Received, ledger.Complete(run1.Key, T0.AddMinutes(2)).State);
        ledger.QueueQuietStudies(T0.AddMinutes(3));
        var run2 = ledger.ClaimNext(T0.AddMinutes(3), new HashSet<string>())!;
        Assert.Equal(2, run2.Run);
        ledger.MarkExporting(run2.Key, "/out2");
        Assert.Equal(StudyState.Done, ledger.Complete(run2.Key, T0.AddMinutes(4)).State);

        // After done: reopened, a third run; the same instance resent does not count twice.
        var reopened = ledger.RecordInstance("1.2.3", "/s", "1.2.3.2", "CT1", T0.AddMinutes(10), Quiet);
        Assert.Equal(StudyState.Received, reopened.State);
        Assert.Equal(2, reopened.Instances);
        ledger.QueueQuietStudies(T0.AddMinutes(11));
        Assert.Equal(3, ledger.ClaimNext(T0.AddMinutes(11), new HashSet<string>())!.Run);
    }

    [Fact]
    public void ClaimNext_StudyInFlight_Skipped()
    {
        using var ledger = Open();
        ledger.RecordInstance("1.2.3", "/s", "1.2.3.1", "CT1", T0, Quiet);
        ledger.QueueQuietStudies(T0.AddMinutes(1));
        var key = SqliteJobLedger.KeyOf("1.2.3");

        Assert.Null(ledger.ClaimNext(T0.AddMinutes(1), new HashSet<string> { key }));
        Assert.Equal(1, ledger.Counts().QueueDepth);
    }

    protected IJobLedger Open(string workerId = "worker-a")
    {
        var ledger = Connect(workerId);
        ledger.Open(T0);
        return ledger;
    }
}

public sealed class SqliteJobLedgerTests : JobLedgerContractTests, IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    protected override Task CreateStoreAsync() => Task.CompletedTask;

    protected override IJobLedger Connect(string workerId = "worker-a") => new SqliteJobLedger(Path.Combine(temp.Path, "ledger.db"));
}
