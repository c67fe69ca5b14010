using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
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
/// <c>medcam bench worker</c>: the worker end to end on loopback, jobs in child processes as in production.
/// (1) Latency: from the last instance of a synthetic chest CT study acknowledged by the worker's SCP to the last
/// result instance stored at a destination SCP, with and without the quiet time. (2) Throughput: N studies sent by
/// four senders at once; studies per hour on this machine. Routing is overlay-check until the pipeline's study API is
/// wired (see docs/worker.md), so the figures measure the worker and the output writers, not a model.
/// </summary>
internal static class BenchWorkerCommand
{
    public static Command Create()
    {
        var studies = new Option<int>("--studies") { Description = "Studies for the throughput run (12 × 64 slices: 4 senders × ~200 instances).", DefaultValueFactory = _ => 12 };
        var slices = new Option<int>("--slices") { Description = "Slices per synthetic CT study.", DefaultValueFactory = _ => 64 };
        var quiet = new Option<double>("--quiet-seconds") { Description = "Quiet time before a study counts as complete.", DefaultValueFactory = _ => 2 };
        var routing = new Option<string>("--routing") { Description = "Routing rules.", DefaultValueFactory = _ => Path.Combine("pipelines", "routing-overlay-check.yaml") };
        var command = new Command("worker", "medcam serve end to end: latency last instance → results at the destination, studies per hour.");
        foreach (var option in new Option[] { studies, slices, quiet, routing })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                return await RunAsync(parse.GetValue(studies), parse.GetValue(slices), parse.GetValue(quiet), Path.GetFullPath(parse.GetValue(routing)!), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is InvalidOperationException or IOException or DicomException or ArgumentException or TimeoutException)
            {
                Console.Error.WriteLine($"medcam bench worker: {error.Message}");
                return 2;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(int studyCount, int slices, double quietSeconds, string routing, CancellationToken cancellationToken)
    {
        var root = Path.Combine(Path.GetTempPath(), $"medcam-bench-worker-{Guid.NewGuid():N}");
        try
        {
            Console.WriteLine($"synthesising {studyCount + 1} chest CT studies ({slices} slices) …");
            var request = new SyntheticCohortRequest { Task = SyntheticTask.CovidCt, Count = studyCount + 1, Seed = 7, Ct = new ChestCtOptions { Slices = slices } };
            var writer = new SyntheticDicomWriter(Path.Combine(root, "studies"), request);
            var folders = new List<(string Uid, IReadOnlyList<string> Files)>();
            foreach (var item in SyntheticCohort.Generate(request))
            {
                var written = writer.Write(item).Select(f => Path.Combine(root, "studies", f)).ToList();
                using var first = DicomFile.Open(written[0], DicomReadOptions.Default with { MemoryMap = false, StopBefore = DicomTags.PixelData });
                folders.Add((first.Dataset.GetString(DicomTags.StudyInstanceUID), written));
            }

            // Destination: MedCam's own SCP, timestamping each stored result instance by study.
            var arrivals = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
            var stored = Channel.CreateUnbounded<StoredInstance>();
            var destination = new DicomServerBuilder().ListenOn(IPAddress.Loopback, 0).WithAeTitle("BENCHDEST")
                .UseStore(new DicomFileStore(new DicomFileStoreOptions { Root = Path.Combine(root, "dest"), Notifications = stored.Writer, MinimumFreeBytes = 0 }))
                .Build();
            await using var destinationScope = destination.ConfigureAwait(false);
            await destination.StartAsync(cancellationToken).ConfigureAwait(false);
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
                    ["Port"] = "0",
                    ["HealthPort"] = "-1",
                    ["QuietTime"] = TimeSpan.FromSeconds(quietSeconds).ToString("c", CultureInfo.InvariantCulture),
                    ["PollInterval"] = "00:00:00.100",
                    ["RoutingFile"] = routing,
                    ["Destinations:0"] = $"BENCHDEST@127.0.0.1:{destination.LocalEndPoint.Port}",
                    ["MaxParallelJobs"] = "1",
                },
                configureLogging: l => l.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole());
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            var status = host.Services.GetRequiredService<MedCam.Worker.Operations.WorkerStatus>();
            var ledger = host.Services.GetRequiredService<IJobLedger>();
            DicomClient Client() => new(new DicomClientOptions { Host = "127.0.0.1", Port = status.DicomPort, CallingAeTitle = "BENCHSCU", CalledAeTitle = "MEDCAM" });

            // 1. Latency of one study.
            var (uid, files) = folders[0];
            await Client().StoreFilesAsync(files, cancellationToken).ConfigureAwait(false);
            var lastReceived = Stopwatch.GetTimestamp();
            await WaitDoneAsync(ledger, [uid], TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
            var latency = Stopwatch.GetElapsedTime(lastReceived, arrivals[uid]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"latency, last instance received → last result stored at the destination: {latency.TotalSeconds:0.00} s (quiet time {quietSeconds:0.0} s, so {latency.TotalSeconds - quietSeconds:0.00} s of work)"));

            // 2. Throughput: four senders at once over the remaining studies.
            var batch = folders.Skip(1).ToList();
            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
                async (study, ct) => await Client().StoreFilesAsync(study.Files, ct).ConfigureAwait(false)).ConfigureAwait(false);
            var sent = clock.Elapsed;
            await WaitDoneAsync(ledger, batch.Select(b => b.Uid).ToList(), TimeSpan.FromMinutes(30), cancellationToken).ConfigureAwait(false);
            var total = clock.Elapsed;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"throughput: {batch.Count} studies × {slices} slices sent by 4 senders in {sent.TotalSeconds:0.0} s, all delivered after {total.TotalSeconds:0.0} s → {batch.Count / total.TotalHours:0} studies/hour on {Environment.ProcessorCount} cores"));
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            stored.Writer.TryComplete();
            await recorder.ConfigureAwait(false);
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
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
