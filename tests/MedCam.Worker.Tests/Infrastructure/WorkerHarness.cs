using System.Globalization;
using MedCam.Worker.Ledger;
using MedCam.Worker.Operations;
using MedCam.Worker.Processing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MedCam.Worker.Tests.Infrastructure;

/// <summary>
/// <c>medcam serve</c>'s host started in the test process on free loopback ports, with the overlay-check routing, a
/// short quiet time and every log line captured.
/// </summary>
internal sealed class WorkerHarness : IAsyncDisposable
{
    private WorkerHarness(IHost host, CapturingLoggerFactory logs, string dataFolder)
    {
        Host = host;
        Logs = logs;
        DataFolder = dataFolder;
        Ledger = host.Services.GetRequiredService<IJobLedger>();
        Status = host.Services.GetRequiredService<WorkerStatus>();
    }

    public IHost Host { get; }

    public CapturingLoggerFactory Logs { get; }

    public string DataFolder { get; }

    public IJobLedger Ledger { get; }

    public WorkerStatus Status { get; }

    public int DicomPort => Status.DicomPort;

    /// <summary>Overrides the defaults below (keys under "MedCam", e.g. "Destinations:0").</summary>
    public static async Task<WorkerHarness> StartAsync(string dataFolder, IDictionary<string, string?>? settings = null, IStudyProcessor? processor = null, CapturingLoggerFactory? logs = null)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["DataFolder"] = dataFolder,
            ["Port"] = "0",
            ["HealthPort"] = "0",
            ["QuietTime"] = "00:00:01",
            ["PollInterval"] = "00:00:00.100",
            ["RetryBaseDelay"] = "00:00:00.300",
            ["MaxRetryDelay"] = "00:00:02",
            ["RoutingFile"] = Repo.OverlayRouting,
            ["AllowedCallers:0"] = "STORESCU",
            ["AllowedCallers:1"] = "ORTHANC",
            ["ShutdownGrace"] = "00:00:05",
            ["JournalMegabytes"] = "32",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        logs ??= new CapturingLoggerFactory();
        var sink = logs;
        var host = WorkerHost.Build(
            overrides,
            configureLogging: l => l.AddProvider(new CapturingLoggerProvider(sink)).SetMinimumLevel(LogLevel.Debug),
            configureServices: s => s.AddSingleton(processor ?? new InProcessStudyProcessor()));
        await host.StartAsync();
        return new WorkerHarness(host, logs, dataFolder);
    }

    /// <summary>Sends files with dcmtk storescu as STORESCU; returns its exit code and output.</summary>
    public Task<(int ExitCode, string Output)> SendAsync(IEnumerable<string> files, string callingAe = "STORESCU") =>
        Peers.RunAsync("storescu", new[] { "-v", "-aet", callingAe, "-aec", "MEDCAM", "127.0.0.1", DicomPort.ToString(CultureInfo.InvariantCulture) }.Concat(files), TimeSpan.FromSeconds(60));

    /// <summary>Polls the ledger until <paramref name="done"/> holds for the study or the timeout passes.</summary>
    public async Task<StudyRecord> WaitForAsync(string studyUid, Func<StudyRecord, bool> done, TimeSpan? timeout = null)
    {
        var key = SqliteJobLedger.KeyOf(studyUid);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        StudyRecord? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = Ledger.Get(key);
            if (last is not null && done(last))
            {
                return last;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Study {key} did not reach the expected state; last: {last}\nLogs:\n{Logs.All}");
    }

    /// <summary>
    /// Stops the host, then checks that no log line of this worker and no job log of its child processes
    /// (outputs/*/run-*/job.log) holds a patient name, ID or birth date: every test that runs a worker checks it.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Host.StopAsync(stop.Token);
        Host.Dispose();
        var outputs = Path.Combine(DataFolder, "outputs");
        var jobLogs = Directory.Exists(outputs) ? Directory.GetFiles(outputs, "job.log", SearchOption.AllDirectories) : [];
        foreach (var text in jobLogs.Select(File.ReadAllText).Prepend(Logs.All))
        {
            foreach (var value in TestStudies.Phi)
            {
                if (text.Contains(value, StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"A worker or job log line holds patient data ('{value}'):\n{text}");
                }
            }
        }
    }
}
