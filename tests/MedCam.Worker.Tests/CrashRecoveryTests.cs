using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MedCam.Worker.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MedCam.Worker.Tests;

/// <summary>
/// kill -9 of <c>medcam serve</c> (run as a child process, killed with its job child) at random moments while
/// studies are being received, queued, processed and exported, with Orthanc as the PACS the results go to; after the
/// last restart every study's results are in Orthanc exactly once (series and instances counted per study through
/// Orthanc's REST API). One trial sends the sample chest CT, explained by the clinical 3D CT model; the others send
/// small CT studies through the overlay-check task (fast). Trials per run: MEDCAM_WORKER_KILL_TRIALS (default 20);
/// seed: MEDCAM_WORKER_KILL_SEED (printed, so a failing sequence can be replayed).
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int Slices = 4;

    [Fact]
    public async Task Serve_KilledAtRandomMoments_EveryStudyDeliveredExactlyOnce()
    {
        var trials = int.TryParse(Environment.GetEnvironmentVariable("MEDCAM_WORKER_KILL_TRIALS"), CultureInfo.InvariantCulture, out var t) ? t : 20;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("MEDCAM_WORKER_KILL_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Environment.TickCount;
        output.WriteLine($"kill -9 trials: {trials}, seed {seed}");
        var random = new Random(seed);
        using var temp = new TempDir();
        var data = temp.Sub("data");
        var port = Peers.FreePort();
        var healthPort = Peers.FreePort();
        await using var orthanc = await OrthancPeer.StartAsync(port);
        var routing = Path.Combine(temp.Path, "routing.yaml");
        await File.WriteAllTextAsync(routing, """
            rules:
              - name: sample-chest-ct
                match: { modality: [CT], seriesDescription: "synthetic" }
                task: covid-ct
                methods: [gradcam]
                outputs: [sc, pmap]
              - name: plumbing
                match: { modality: [CT] }
                task: overlay-check
                outputs: [sc, pmap]
            """);
        var clinicalTrial = random.Next(trials);
        var log = new StringBuilder();
        string[] arguments =
        [
            "--aet", "MEDCAM", "--port", port.ToString(CultureInfo.InvariantCulture), "--destination", orthanc.Destination,
            "--data", data, "--routing", routing, "--quiet-seconds", "0.5", "--allow-aet", "STORESCU",
            "--health-port", healthPort.ToString(CultureInfo.InvariantCulture),
        ];
        var environment = new Dictionary<string, string>
        {
            ["MEDCAM__POLLINTERVAL"] = "00:00:00.100",
            ["MEDCAM__RETRYBASEDELAY"] = "00:00:00.300",
            ["MEDCAM__MAXRETRYDELAY"] = "00:00:01",
        };
        var studies = new List<TestStudies.Study>();
        var unsent = new List<TestStudies.Study>();
        for (var trial = 0; trial < trials; trial++)
        {
            var clinical = trial == clinicalTrial;
            var study = clinical ? SampleCt() : TestStudies.WriteCt(temp.Sub($"study-{trial}"), $"kill-{seed}-{trial}", Slices);
            studies.Add(study);
            var serve = ServeProcess.Start(arguments, environment, log);
            await Peers.WaitForPortAsync(port, timeout: TimeSpan.FromSeconds(60));
            var send = Send(port, study.Files);
            // The clinical study takes seconds to explain: give the kill a chance to land while it runs.
            var delay = random.Next(0, clinical ? 8000 : 2500);
            await Task.Delay(delay);
            var phases = await PhasesAsync(healthPort);
            serve.KillHard();
            await serve.DisposeAsync();
            var (code, _) = await send;
            output.WriteLine($"trial {trial}{(clinical ? " (sample CT, covid-ct model)" : string.Empty)}: killed after {delay} ms with studies {phases}; storescu exit {code}");
            if (code != 0)
            {
                // The sender saw a failure: like a modality, it sends the study again later.
                unsent.Add(study);
            }
        }

        await using var final = ServeProcess.Start(arguments, environment, log);
        await Peers.WaitForPortAsync(port, timeout: TimeSpan.FromSeconds(60));
        foreach (var study in unsent)
        {
            Assert.Equal(0, (await Send(port, study.Files)).ExitCode);
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}/") };
        var deadline = DateTime.UtcNow.AddSeconds(60 + (10 * trials));
        JsonElement health = default;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                health = await http.GetFromJsonAsync<JsonElement>("health");
                if (health.GetProperty("studies").GetProperty("done").GetInt32() == trials && health.GetProperty("queueDepth").GetInt32() == 0
                    && health.GetProperty("studies").GetProperty("received").GetInt32() == 0)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        output.WriteLine($"health: {health}");
        Assert.True(health.ValueKind == JsonValueKind.Object, "no health answer\n" + log);
        Assert.Equal(trials, health.GetProperty("studies").GetProperty("done").GetInt32());
        Assert.Equal(0, health.GetProperty("studies").GetProperty("failed").GetInt32());
        // Exactly once, per study in Orthanc: an SC series with one SC per slice and one Parametric Map; a resend
        // after a crash reuses the UIDs, so nothing is duplicated.
        var expectedTotal = 0;
        foreach (var study in studies)
        {
            var series = await orthanc.SeriesOfStudyAsync(study.StudyInstanceUid);
            var counts = series.Select(s => s.Instances).Order().ToList();
            Assert.True(counts.SequenceEqual([1, study.Files.Count]), $"study {study.StudyInstanceUid}: series instance counts in Orthanc [{string.Join(", ", counts)}], expected [1, {study.Files.Count}]");
            expectedTotal += study.Files.Count + 1;
        }

        Assert.Equal(expectedTotal, (await orthanc.InstanceIdsAsync()).Length);
        var metrics = await http.GetStringAsync("metrics");
        // The gauge is observed on every scrape (counters appear once this process has counted something).
        Assert.Contains("medcam_worker_queue_depth 0", metrics, StringComparison.Ordinal);
        // docker stop: SIGTERM ends the worker cleanly.
        Assert.Equal(0, await final.TerminateAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("DICOM SCP stopped", log.ToString(), StringComparison.Ordinal);
        ServeEndToEndTests.AssertNoPhi(log.ToString());
        foreach (var jobLog in Directory.GetFiles(Path.Combine(data, "outputs"), "job.log", SearchOption.AllDirectories))
        {
            foreach (var value in TestStudies.Phi)
            {
                Assert.DoesNotContain(value, File.ReadAllText(jobLog), StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    /// <summary>The sample chest CT study (the covid-ct model's routing matches its "synthetic" series description).</summary>
    private static TestStudies.Study SampleCt()
    {
        var files = Directory.GetFiles(Path.Combine(Repo.Root, "sample-data", "covid-ct", "covid-ct-s2026-0000"), "*.dcm").Order(StringComparer.Ordinal).ToList();
        using var first = MedCam.Dicom.DicomFile.Open(files[0]);
        return new TestStudies.Study(first.Dataset.GetString(MedCam.Dicom.DicomTags.StudyInstanceUID), first.Dataset.GetString(MedCam.Dicom.DicomTags.SeriesInstanceUID), files);
    }

    /// <summary>Which states the ledger's studies were in just before the kill (from /health), e.g. "received=1 running=1".</summary>
    private static async Task<string> PhasesAsync(int healthPort)
    {
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(500) };
            var health = await http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{healthPort}/health");
            var busy = health.GetProperty("studies").EnumerateObject().Where(p => p.Value.GetInt32() > 0 && p.Name != "done").Select(p => $"{p.Name}={p.Value}");
            return string.Join(' ', busy) is { Length: > 0 } text ? text : "(none in flight)";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return "(health not up yet)";
        }
    }

    private static Task<(int ExitCode, string Output)> Send(int port, IEnumerable<string> files) =>
        Peers.RunAsync("storescu", new[] { "-aet", "STORESCU", "-aec", "MEDCAM", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture) }.Concat(files), TimeSpan.FromSeconds(60));
}
