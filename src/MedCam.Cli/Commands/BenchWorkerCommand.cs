using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using MedCam.Dicom;
using MedCam.Dicom.Network.Client;
using MedCam.Dicom.Network.Server;
using MedCam.Dicom.Network.Storage;
using MedCam.Pipeline.Synthetic;
using MedCam.Worker;
using MedCam.Worker.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MedCam.Cli.Commands;

/// <summary>
/// <c>medcam bench worker</c>: the worker end to end on loopback, jobs in child processes as in production, results
/// sent to Orthanc started by the bench (or to a MedCam SCP with <c>--destination scp</c>). Default routing is the
/// clinical pipelines/routing.yaml: chest CT → covid-ct with the sample 3D CT model.
/// (1) Latency: from the last instance of the sample CT study acknowledged by the worker's SCP to its whole SC series
/// stored in Orthanc (polled through Orthanc's REST API every 20 ms), with and without the quiet time.
/// (2) Throughput: N synthetic chest CT studies sent by four senders at once; studies per hour on this machine.
/// The load average (/proc/loadavg) is printed before and after: figures on a shared machine need it.
/// </summary>
internal static class BenchWorkerCommand
{
    private const string SecondaryCaptureImageStorage = "1.2.840.10008.5.1.4.1.1.7";

    public static Command Create()
    {
        var studies = new Option<int>("--studies") { Description = "Synthetic studies for the throughput run (sent by 4 senders at once).", DefaultValueFactory = _ => 8 };
        var slices = new Option<int>("--slices") { Description = "Slices per synthetic CT study.", DefaultValueFactory = _ => 64 };
        var matrix = new Option<int>("--matrix") { Description = "Synthetic CT slice matrix (the samples use 128).", DefaultValueFactory = _ => 128 };
        var quiet = new Option<double>("--quiet-seconds") { Description = "Quiet time before a study counts as complete.", DefaultValueFactory = _ => 2 };
        var routing = new Option<string>("--routing") { Description = "Routing rules (pipelines/routing-overlay-check.yaml measures the plumbing without a model).", DefaultValueFactory = _ => Path.Combine("pipelines", "routing.yaml") };
        var study = new Option<string?>("--study") { Description = "Study folder for the latency run (default sample-data/covid-ct/covid-ct-s2026-0000)." };
        var destinationKind = new Option<string>("--destination") { Description = "orthanc (started by the bench) or scp (MedCam's own SCP).", DefaultValueFactory = _ => "orthanc" };
        var command = new Command("worker", "medcam serve end to end: latency last instance → SC series stored in Orthanc, studies per hour.");
        foreach (var option in new Option[] { studies, slices, matrix, quiet, routing, study, destinationKind })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var kind = parse.GetValue(destinationKind)!.ToLowerInvariant();
                if (kind is not ("orthanc" or "scp"))
                {
                    throw new ArgumentException($"--destination '{kind}' is not orthanc or scp.");
                }

                var latencyStudy = parse.GetValue(study) ?? Path.Combine("sample-data", "covid-ct", "covid-ct-s2026-0000");
                if (!Directory.Exists(latencyStudy))
                {
                    throw new ArgumentException($"--study '{latencyStudy}' is not a folder (run from the repository root, or pass --study).");
                }

                var settings = new BenchSettings(parse.GetValue(studies), parse.GetValue(slices), parse.GetValue(matrix), parse.GetValue(quiet),
                    Path.GetFullPath(parse.GetValue(routing)!), Path.GetFullPath(latencyStudy), kind == "orthanc");
                return await RunAsync(settings, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is InvalidOperationException or IOException or DicomException or ArgumentException or TimeoutException or HttpRequestException)
            {
                Console.Error.WriteLine($"medcam bench worker: {error.Message}");
                return 2;
            }
        });
        return command;
    }

    private sealed record BenchSettings(int Studies, int Slices, int Matrix, double QuietSeconds, string Routing, string LatencyStudy, bool UseOrthanc);

    private static async Task<int> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        // libtorch's OpenMP threads spin while idle unless told otherwise; the job processes inherit this.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OMP_WAIT_POLICY")))
        {
            Environment.SetEnvironmentVariable("OMP_WAIT_POLICY", "PASSIVE");
        }

        Console.WriteLine($"load average before: {LoadAverage()}");
        var root = Path.Combine(Path.GetTempPath(), $"medcam-bench-worker-{Guid.NewGuid():N}");
        BenchOrthanc? orthanc = null;
        try
        {
            Console.WriteLine($"synthesising {settings.Studies} chest CT studies ({settings.Slices} slices of {settings.Matrix}²) …");
            var request = new SyntheticCohortRequest
            {
                Task = SyntheticTask.CovidCt, Count = settings.Studies, Seed = 7, Ct = new ChestCtOptions { Slices = settings.Slices, Matrix = settings.Matrix },
            };
            var writer = new SyntheticDicomWriter(Path.Combine(root, "studies"), request);
            var folders = new List<(string Uid, IReadOnlyList<string> Files)>();
            foreach (var item in SyntheticCohort.Generate(request))
            {
                folders.Add(StudyOf(writer.Write(item).Select(f => Path.Combine(root, "studies", f)).ToList()));
            }

            var latency = StudyOf(Directory.GetFiles(settings.LatencyStudy, "*.dcm").Order(StringComparer.Ordinal).ToList());
            var medcamPort = FreePort();

            // Destination: Orthanc (the PACS), or MedCam's own SCP timestamping each stored result instance by study.
            orthanc = settings.UseOrthanc ? await BenchOrthanc.StartAsync(Path.Combine(root, "orthanc"), medcamPort, cancellationToken).ConfigureAwait(false) : null;
            var arrivals = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
            var stored = Channel.CreateUnbounded<StoredInstance>();
            var scp = new DicomServerBuilder().ListenOn(IPAddress.Loopback, 0).WithAeTitle("BENCHDEST")
                .UseStore(new DicomFileStore(new DicomFileStoreOptions { Root = Path.Combine(root, "dest"), Notifications = stored.Writer, MinimumFreeBytes = 0 }))
                .Build();
            await using var scpScope = scp.ConfigureAwait(false);
            await scp.StartAsync(cancellationToken).ConfigureAwait(false);
            var recorder = Task.Run(async () =>
            {
                await foreach (var instance in stored.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    arrivals[instance.StudyInstanceUid ?? string.Empty] = Stopwatch.GetTimestamp();
                }
            }, CancellationToken.None);

            using var host = WorkerHost.Build(
                new Dictionary<string, string?>
                {
                    ["DataFolder"] = Path.Combine(root, "data"),
                    ["Port"] = medcamPort.ToString(CultureInfo.InvariantCulture),
                    ["HealthPort"] = "-1",
                    ["QuietTime"] = TimeSpan.FromSeconds(settings.QuietSeconds).ToString("c", CultureInfo.InvariantCulture),
                    ["PollInterval"] = "00:00:00.050",
                    ["RoutingFile"] = settings.Routing,
                    ["Destinations:0"] = orthanc?.Destination ?? $"BENCHDEST@127.0.0.1:{scp.LocalEndPoint.Port}",
                    ["MaxParallelJobs"] = "1",
                },
                configureLogging: l => l.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole());
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            var ledger = host.Services.GetRequiredService<IJobLedger>();
            DicomClient Client() => new(new DicomClientOptions { Host = "127.0.0.1", Port = medcamPort, CallingAeTitle = "BENCHSCU", CalledAeTitle = "MEDCAM" });

            // 1. Latency of one study: last instance acknowledged → its whole SC series stored at the destination.
            var results = await Client().StoreFilesAsync(latency.Files, cancellationToken).ConfigureAwait(false);
            var lastReceived = Stopwatch.GetTimestamp();
            if (results.FirstOrDefault(r => !r.Succeeded) is { } refused)
            {
                throw new InvalidOperationException($"the worker refused {Path.GetFileName(refused.Path)}: {refused.Error}");
            }

            // Where the time goes: the ledger's state changes of this study, polled every 10 ms.
            using var stopPhases = new CancellationTokenSource();
            var phases = WatchPhasesAsync(ledger, SqliteJobLedger.KeyOf(latency.Uid), lastReceived, stopPhases.Token);
            TimeSpan elapsed;
            if (orthanc is not null)
            {
                var storedAt = await orthanc.WaitForSeriesAsync(latency.Uid, SecondaryCaptureImageStorage, latency.Files.Count, TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
                elapsed = Stopwatch.GetElapsedTime(lastReceived, storedAt);
                await WaitDoneAsync(ledger, [latency.Uid], TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await WaitDoneAsync(ledger, [latency.Uid], TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
                elapsed = Stopwatch.GetElapsedTime(lastReceived, arrivals[latency.Uid]);
            }

            await stopPhases.CancelAsync().ConfigureAwait(false);
            var seen = await phases.ConfigureAwait(false);
            var where = orthanc is null ? "the destination SCP" : "Orthanc";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"latency ({Path.GetFileName(settings.LatencyStudy)}, {latency.Files.Count} instances, routing {Path.GetFileName(settings.Routing)}): last instance received → SC series stored in {where}: {elapsed.TotalSeconds:0.00} s (quiet time {settings.QuietSeconds:0.0} s, so {elapsed.TotalSeconds - settings.QuietSeconds:0.00} s of work)"));

            Console.WriteLine("  ledger state first seen after the last instance: " + string.Join(", ",
                seen.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.State.ToString().ToLowerInvariant()} {p.After.TotalSeconds:0.00} s"))));

            // 2. Throughput: four senders at once over the synthetic studies.
            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(folders, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
                async (study, ct) => await Client().StoreFilesAsync(study.Files, ct).ConfigureAwait(false)).ConfigureAwait(false);
            var sent = clock.Elapsed;
            await WaitDoneAsync(ledger, folders.Select(b => b.Uid).ToList(), TimeSpan.FromMinutes(60), cancellationToken).ConfigureAwait(false);
            var total = clock.Elapsed;
            if (orthanc is not null)
            {
                foreach (var (uid, files) in folders)
                {
                    var scs = await orthanc.CountAsync(uid, SecondaryCaptureImageStorage, cancellationToken).ConfigureAwait(false);
                    if (scs != files.Count)
                    {
                        throw new InvalidOperationException($"Orthanc holds {scs} SCs of a study with {files.Count} slices.");
                    }
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"throughput: {folders.Count} studies × {settings.Slices} slices sent by 4 senders in {sent.TotalSeconds:0.0} s, all stored in {where} after {total.TotalSeconds:0.0} s → {folders.Count / total.TotalHours:0} studies/hour on {Environment.ProcessorCount} cores ({total.TotalSeconds / folders.Count:0.0} s per study)"));
            Console.WriteLine($"load average after: {LoadAverage()}");
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            stored.Writer.TryComplete();
            await recorder.ConfigureAwait(false);
            return 0;
        }
        finally
        {
            if (orthanc is not null)
            {
                await orthanc.DisposeAsync().ConfigureAwait(false);
            }

            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>When the study's ledger state first took each value, counted from <paramref name="origin"/>.</summary>
    private static async Task<List<(StudyState State, TimeSpan After)>> WatchPhasesAsync(IJobLedger ledger, string key, long origin, CancellationToken cancellationToken)
    {
        var seen = new List<(StudyState State, TimeSpan After)>();
        while (!cancellationToken.IsCancellationRequested)
        {
            if (ledger.Get(key) is { } record && (seen.Count == 0 || seen[^1].State != record.State))
            {
                seen.Add((record.State, Stopwatch.GetElapsedTime(origin)));
            }

            try
            {
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return seen;
    }

    private static (string Uid, IReadOnlyList<string> Files) StudyOf(IReadOnlyList<string> files)
    {
        if (files.Count == 0)
        {
            throw new ArgumentException("a study folder holds no .dcm files.");
        }

        using var first = DicomFile.Open(files[0], DicomReadOptions.Default with { MemoryMap = false, StopBefore = DicomTags.PixelData });
        return (first.Dataset.GetString(DicomTags.StudyInstanceUID), files);
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private static async Task WaitDoneAsync(IJobLedger ledger, IReadOnlyList<string> studyUids, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var keys = studyUids.Select(SqliteJobLedger.KeyOf).ToList();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            var records = keys.Select(ledger.Get).ToList();
            if (records.FirstOrDefault(r => r?.State == StudyState.Failed) is { } failed)
            {
                throw new InvalidOperationException($"study {failed.Key} failed: {failed.Reason}");
            }

            if (records.All(r => r?.State == StudyState.Done))
            {
                return;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"the studies were not done after {timeout}.");
    }
}

/// <summary>Orthanc started by <c>medcam bench worker</c> as the PACS the results go to (loopback, free ports).</summary>
internal sealed class BenchOrthanc : IAsyncDisposable
{
    private readonly Process process;
    private readonly HttpClient http;
    private readonly ConcurrentDictionary<string, string> seriesClass = new(StringComparer.Ordinal);

    private BenchOrthanc(Process process, int httpPort, int dicomPort)
    {
        this.process = process;
        http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(60) };
        Destination = $"ORTHANC@127.0.0.1:{dicomPort}";
    }

    public string Destination { get; }

    public static async Task<BenchOrthanc> StartAsync(string folder, int medcamPort, CancellationToken cancellationToken)
    {
        var executable = new[] { "/usr/sbin/Orthanc", "/usr/bin/Orthanc", "/usr/local/bin/Orthanc" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Orthanc is not installed (apt-get install orthanc); use --destination scp to bench without it.");
        var httpPort = FreePort();
        var dicomPort = FreePort();
        var config = new JsonObject
        {
            ["Name"] = "medcam-bench",
            ["StorageDirectory"] = Path.Combine(folder, "storage"),
            ["IndexDirectory"] = Path.Combine(folder, "index"),
            ["HttpPort"] = httpPort,
            ["DicomPort"] = dicomPort,
            ["DicomAet"] = "ORTHANC",
            ["RemoteAccessAllowed"] = false,
            ["AuthenticationEnabled"] = false,
            ["DicomModalities"] = new JsonObject { ["medcam"] = new JsonArray("MEDCAM", "127.0.0.1", medcamPort) },
            ["Plugins"] = new JsonArray(),
        };
        Directory.CreateDirectory(Path.Combine(folder, "config"));
        await File.WriteAllTextAsync(Path.Combine(folder, "config", "orthanc.json"), config.ToJsonString(), cancellationToken).ConfigureAwait(false);
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(folder, "config"));
        var process = Process.Start(start) ?? throw new InvalidOperationException("Orthanc did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var orthanc = new BenchOrthanc(process, httpPort, dicomPort);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Orthanc exited at start-up (code {process.ExitCode}).");
            }

            try
            {
                using var response = await orthanc.http.GetAsync(new Uri("system", UriKind.Relative), cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return orthanc;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                await orthanc.DisposeAsync().ConfigureAwait(false);
                throw new TimeoutException("Orthanc did not answer within 60 s.");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Polls Orthanc every 20 ms until a series of <paramref name="sopClass"/> in the study holds <paramref name="count"/> instances; returns that moment (Stopwatch timestamp).</summary>
    public async Task<long> WaitForSeriesAsync(string studyUid, string sopClass, int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (await CountAsync(studyUid, sopClass, cancellationToken).ConfigureAwait(false) >= count)
            {
                return Stopwatch.GetTimestamp();
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"Orthanc did not hold {count} instances of {sopClass} after {timeout}.");
    }

    /// <summary>Instances of <paramref name="sopClass"/> Orthanc holds in the study (0 when it does not know the study).</summary>
    public async Task<int> CountAsync(string studyUid, string sopClass, CancellationToken cancellationToken)
    {
        var query = new JsonObject { ["Level"] = "Study", ["Query"] = new JsonObject { ["StudyInstanceUID"] = studyUid } };
        using var content = new StringContent(query.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var found = await http.PostAsync(new Uri("tools/find", UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
        found.EnsureSuccessStatusCode();
        var ids = JsonNode.Parse(await found.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false))!.AsArray();
        if (ids.Count == 0)
        {
            return 0;
        }

        var series = JsonNode.Parse(await http.GetStringAsync(new Uri($"studies/{ids[0]!.GetValue<string>()}/series", UriKind.Relative), cancellationToken).ConfigureAwait(false))!.AsArray();
        var total = 0;
        foreach (var s in series)
        {
            var id = s!["ID"]!.GetValue<string>();
            var instances = s["Instances"]!.AsArray();
            if (instances.Count == 0)
            {
                continue;
            }

            if (!seriesClass.TryGetValue(id, out var cls))
            {
                cls = (await http.GetStringAsync(new Uri($"instances/{instances[0]!.GetValue<string>()}/metadata/SopClassUid", UriKind.Relative), cancellationToken).ConfigureAwait(false)).Trim();
                seriesClass[id] = cls;
            }

            if (cls == sopClass)
            {
                total += instances.Count;
            }
        }

        return total;
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }

        process.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
