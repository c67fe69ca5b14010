using System.Collections.Concurrent;
using MedCam.Worker.Ledger;
using MedCam.Worker.Tests.Infrastructure;

namespace MedCam.Worker.Tests;

/// <summary>One PostgreSQL cluster (initdb + pg_ctl on a free loopback port) for the PostgreSQL ledger tests.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await PostgresCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// The ledger contract against PostgreSQL (a fresh database per test), plus what sharing one ledger between workers
/// adds: no study taken twice, a dead worker's study taken over after its lease, and the worker selecting it by
/// configuration.
/// </summary>
public sealed class PostgresJobLedgerTests(PostgresFixture postgres) : JobLedgerContractTests, IClassFixture<PostgresFixture>
{
    private string connectionString = string.Empty;

    protected override async Task CreateStoreAsync() => connectionString = await postgres.Cluster.CreateDatabaseAsync();

    protected override IJobLedger Connect(string workerId = "worker-a") => new PostgresJobLedger(connectionString, workerId, TimeSpan.FromMinutes(10));

    [Fact]
    public async Task ClaimNext_TwoWorkersAtOnce_NeverTakeTheSameStudy()
    {
        const int Studies = 60;
        using var a = Open("worker-a");
        using var b = Open("worker-b");
        for (var i = 0; i < Studies; i++)
        {
            (i % 2 == 0 ? a : b).RecordInstance($"1.2.826.0.1.{i}", "/s", $"1.2.826.0.1.{i}.1", "CT1", T0, Quiet);
        }

        Assert.Equal(Studies, a.QueueQuietStudies(T0.AddMinutes(1)).Count + b.QueueQuietStudies(T0.AddMinutes(1)).Count);
        var claims = new ConcurrentBag<(string Worker, string Key)>();
        using var start = new Barrier(4);

        // Two claimers per worker, all at once, each claiming until nothing is left.
        var claimers = new[] { ("worker-a", a), ("worker-a", a), ("worker-b", b), ("worker-b", b) }.Select(w => Task.Run(() =>
        {
            start.SignalAndWait();
            while (w.Item2.ClaimNext(T0.AddMinutes(1), new HashSet<string>()) is { } claimed)
            {
                Assert.Equal(StudyState.Running, claimed.State);
                claims.Add((w.Item1, claimed.Key));
            }
        }));
        await Task.WhenAll(claimers);

        var byKey = claims.GroupBy(c => c.Key).ToList();
        Assert.Equal(Studies, claims.Count);
        Assert.Equal(Studies, byKey.Count);
        Assert.All(a.List(), s => Assert.Equal(1, s.Run));
        // Both workers got work (the claims really raced).
        Assert.Contains(claims, c => c.Worker == "worker-a");
        Assert.Contains(claims, c => c.Worker == "worker-b");
    }

    [Fact]
    public void ClaimNext_StudyOfAnotherWorker_LeftAloneUntilItsLeaseExpires()
    {
        using var a = Open("worker-a");
        using var b = new PostgresJobLedger(connectionString, "worker-b", TimeSpan.FromMinutes(5));
        b.Open(T0);
        a.RecordInstance("1.2.3", "/s", "1.2.3.1", "CT1", T0, Quiet);
        a.QueueQuietStudies(T0.AddMinutes(1));
        var taken = b.ClaimNext(T0.AddMinutes(1), new HashSet<string>())!;

        // Worker b holds it (running); a restart of worker a does not requeue b's study.
        a.Open(T0.AddMinutes(2));
        Assert.Null(a.ClaimNext(T0.AddMinutes(2), new HashSet<string>()));
        Assert.Equal(StudyState.Running, a.Get(taken.Key)!.State);

        // b died: after its lease a takes the study over as a new run.
        var takeover = a.ClaimNext(T0.AddMinutes(7), new HashSet<string>());
        Assert.NotNull(takeover);
        Assert.Equal(2, takeover.Run);
        Assert.Equal(StudyState.Running, takeover.State);
    }

    [Fact]
    public void ClaimNext_ExportHeldByAnotherWorker_NotExportedTwice()
    {
        using var a = Open("worker-a");
        using var b = Open("worker-b");
        a.RecordInstance("1.2.5", "/s", "1.2.5.1", "CT1", T0, Quiet);
        a.QueueQuietStudies(T0.AddMinutes(1));
        var run = a.ClaimNext(T0.AddMinutes(1), new HashSet<string>())!;
        a.MarkExporting(run.Key, "/out");
        a.Fail(run.Key, "export: destination down", T0.AddMinutes(2), maxAttempts: 24, T0.AddMinutes(1));

        var retry = b.ClaimNext(T0.AddMinutes(3), new HashSet<string>());
        Assert.NotNull(retry);
        Assert.Equal(StudyState.Exporting, retry.State);
        // a must not pick up the export b is doing, though it is due and "exporting".
        Assert.Null(a.ClaimNext(T0.AddMinutes(3), new HashSet<string>()));
    }

    [Fact]
    public async Task Serve_TwoWorkersSharingOnePostgresLedger_EveryStudyProcessedOnceByOneWorker()
    {
        const int Studies = 8;
        using var temp = new TempDir();
        await using var destination = await StorescpPeer.StartAsync(temp.Sub("dest"));
        var settings = new Dictionary<string, string?>
        {
            ["Destinations:0"] = destination.Destination,
            ["LedgerConnectionString"] = connectionString,
            ["MaxParallelJobs"] = "2",
        };
        await using var a = await WorkerHarness.StartAsync(temp.Sub("a"), settings);
        await using var b = await WorkerHarness.StartAsync(temp.Sub("b"), settings);
        var studies = Enumerable.Range(0, Studies).Select(i => TestStudies.WriteCt(temp.Sub($"study-{i}"), $"pg-shared-{i}", 3)).ToList();

        // Each worker receives half of the studies; both schedulers claim from the one shared ledger.
        var sends = await Task.WhenAll(
            a.SendAsync(studies.Where((_, i) => i % 2 == 0).SelectMany(s => s.Files)),
            b.SendAsync(studies.Where((_, i) => i % 2 == 1).SelectMany(s => s.Files)));
        Assert.All(sends, r => Assert.True(r.ExitCode == 0, r.Output));
        foreach (var study in studies)
        {
            var record = await a.WaitForAsync(study.StudyInstanceUid, r => r.State == StudyState.Done, TimeSpan.FromSeconds(120));
            Assert.Equal(1, record.Run);
        }

        // Each study's run was started by exactly one of the two workers, and its results arrived once.
        foreach (var study in studies)
        {
            var runs = new[] { a, b }.Count(w => w.Logs.Lines.Any(l => l.Contains($"Study {SqliteJobLedger.KeyOf(study.StudyInstanceUid)}: run 1 ", StringComparison.Ordinal)));
            Assert.Equal(1, runs);
        }

        Assert.Equal(Studies * 4, destination.ReceivedUids().Count);
    }

    [Fact]
    public async Task Serve_LedgerConnectionString_StudyProcessedThroughPostgresLedger()
    {
        using var temp = new TempDir();
        await using var destination = await StorescpPeer.StartAsync(temp.Sub("dest"));
        var study = TestStudies.WriteCt(temp.Sub("study"), "pg-serve-1", 3);
        await using var worker = await WorkerHarness.StartAsync(temp.Sub("data"), new Dictionary<string, string?>
        {
            ["Destinations:0"] = destination.Destination,
            ["LedgerConnectionString"] = connectionString,
        });
        Assert.IsType<PostgresJobLedger>(worker.Ledger);

        Assert.Equal(0, (await worker.SendAsync(study.Files)).ExitCode);
        var record = await worker.WaitForAsync(study.StudyInstanceUid, r => r.State == StudyState.Done);

        Assert.Equal(1, record.Run);
        Assert.Equal(3, record.Instances);
        Assert.Equal(4, destination.ReceivedUids().Count);
        Assert.False(File.Exists(Path.Combine(worker.DataFolder, "ledger.db")));
        ServeEndToEndTests.AssertNoPhi(worker.Logs.All);
    }
}
