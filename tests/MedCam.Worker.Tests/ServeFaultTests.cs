using MedCam.Worker.Ledger;
using MedCam.Worker.Processing;
using MedCam.Worker.Tests.Infrastructure;

namespace MedCam.Worker.Tests;

/// <summary>Late instances, refused callers, the disk watermark, a destination that is down, a job that crashes.</summary>
public sealed class ServeFaultTests
{
    [Fact]
    public async Task Serve_LateInstance_ReprocessedAndReplacedWithoutDuplicates()
    {
        using var temp = new TempDir();
        await using var destination = await StorescpPeer.StartAsync(temp.Sub("dest"));
        using var fhir = new FhirEndpoint(failures: 0);
        var study = TestStudies.WriteCt(temp.Sub("study"), "late-1", 5);
        await using var worker = await WorkerHarness.StartAsync(temp.Sub("data"), new Dictionary<string, string?>
        {
            ["Destinations:0"] = destination.Destination,
            ["FhirBaseUrl"] = fhir.BaseUrl,
        });
        Assert.Equal(0, (await worker.SendAsync(study.Files)).ExitCode);
        await worker.WaitForAsync(study.StudyInstanceUid, r => r.State == StudyState.Done);
        var first = destination.ReceivedUids();
        Assert.Equal(6, first.Count);

        var late = TestStudies.WriteCt(temp.Sub("late"), "late-1", 1, first: 5);
        Assert.Equal(0, (await worker.SendAsync(late.Files)).ExitCode);
        var record = await worker.WaitForAsync(study.StudyInstanceUid, r => r.State == StudyState.Done && r.Run == 2);

        Assert.Equal(6, record.Instances);
        var second = destination.ReceivedUids();
        // The rerun replaced the first results: one new SC for the new slice, every other UID the same.
        Assert.Equal(7, second.Count);
        Assert.Empty(first.Except(second));
        Assert.Equal(2, fhir.Accepted.Count);
        ServeEndToEndTests.AssertNoPhi(worker.Logs.All);
    }

    [Fact]
    public async Task Serve_UnknownCallingAe_AssociationRejectedNothingStored()
    {
        using var temp = new TempDir();
        var study = TestStudies.WriteCt(temp.Sub("study"), "intruder-1", 2);
        await using var worker = await WorkerHarness.StartAsync(temp.Sub("data"));

        var (code, output) = await worker.SendAsync(study.Files, callingAe: "INTRUDER");

        Assert.NotEqual(0, code);
        Assert.Contains("Calling AE Title Not Recognized", output, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(worker.Ledger.List());
        Assert.False(Directory.Exists(Path.Combine(worker.DataFolder, "incoming", study.StudyInstanceUid)));
    }

    [Fact]
    public async Task Serve_DiskBelowWatermark_StoreRefusedOutOfResourcesThenAcceptedAfterwards()
    {
        using var temp = new TempDir();
        var study = TestStudies.WriteCt(temp.Sub("study"), "watermark-1", 2);
        var data = temp.Sub("data");
        await using (var full = await WorkerHarness.StartAsync(data, new Dictionary<string, string?> { ["MinimumFreeBytes"] = (long.MaxValue / 2).ToString(System.Globalization.CultureInfo.InvariantCulture) }))
        {
            var (_, output) = await full.SendAsync(study.Files);
            // PS3.4 B.2.3: 0xA700 Refused: Out of Resources.
            Assert.True(output.Replace(" ", "", StringComparison.Ordinal).Contains("OutOfResources", StringComparison.OrdinalIgnoreCase), "storescu output:\n" + output);
            Assert.Empty(full.Ledger.List());
            var incoming = Path.Combine(data, "incoming", study.StudyInstanceUid);
            Assert.False(Directory.Exists(incoming) && Directory.EnumerateFiles(incoming).Any(), "a refused instance was written");
        }

        // Space is back: the sender's retry is accepted and nothing was lost or half-recorded.
        await using var worker = await WorkerHarness.StartAsync(data);
        Assert.Equal(0, (await worker.SendAsync(study.Files)).ExitCode);
        var record = await worker.WaitForAsync(study.StudyInstanceUid, r => r.State == StudyState.Done);
        Assert.Equal(2, record.Instances);
        Assert.Equal(1, record.Run);
    }

    [Fact]
    public async Task Serve_OrthancDownDuringExport_DeliveredExactlyOnceAfterItReturns()
    {
        using var temp = new TempDir();
        var study = TestStudies.WriteCt(temp.Sub("study"), "down-1", 3);
        var options = new OrthancPeerOptions { Folder = temp.Sub("orthanc") };
        var orthanc = await OrthancPeer.StartAsync(options);
        options = orthanc.Options;
        await using var worker = await WorkerHarness.StartAsync(temp.Sub("data"), new Dictionary<string, string?>
        {
            ["Destinations:0"] = orthanc.Destination,
        });
        // The PACS goes down (its data kept) before MedCam can deliver.
        await orthanc.StopAsync();
        await orthanc.DisposeAsync();
        Assert.Equal(0, (await worker.SendAsync(study.Files)).ExitCode);
        var waiting = await worker.WaitForAsync(study.StudyInstanceUid, r => r.State == StudyState.Exporting && r.Attempts >= 2);
        Assert.Contains("unreachable", waiting.Reason, StringComparison.Ordinal);

        await using var back = await OrthancPeer.StartAsync(options);
        var record = await worker.WaitForAsync(study.StudyInstanceUid, r => r.State == StudyState.Done);

        Assert.Equal(1, record.Run);
        var series = await back.SeriesOfStudyAsync(study.StudyInstanceUid);
        Assert.Equal(new[] { 1, 3 }, series.Select(s => s.Instances).Order());
        Assert.Equal(4, (await back.InstanceIdsAsync()).Length);
    }

    [Fact]
    public async Task Serve_JobAbortsInChildProcess_QuarantinedWhileListenerKeepsAccepting()
    {
        using var temp = new TempDir();
        var routing = Path.Combine(temp.Path, "routing.yaml");
        await File.WriteAllTextAsync(routing, """
            rules:
              - name: crash
                match: { seriesDescription: "crash" }
                task: selftest-abort
                outputs: [sc]
              - name: overlay
                match: { modality: [CT] }
                task: overlay-check
                outputs: [sc]
            """);
        var processor = new ChildProcessStudyProcessor(["dotnet", Repo.MedcamDll, "serve", "run-job"], TimeSpan.FromMinutes(3),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ChildProcessStudyProcessor>.Instance);
        await using var worker = await WorkerHarness.StartAsync(temp.Sub("data"), new Dictionary<string, string?>
        {
            ["RoutingFile"] = routing,
            ["MaxAttempts"] = "2",
        }, processor);
        var crashing = TestStudies.WriteCt(temp.Sub("crash"), "crash-1", 2, seriesDescription: "crash me");
        Assert.Equal(0, (await worker.SendAsync(crashing.Files)).ExitCode);

        var failed = await worker.WaitForAsync(crashing.StudyInstanceUid, r => r.State == StudyState.Failed, TimeSpan.FromSeconds(120));

        Assert.Equal(2, failed.Attempts);
        Assert.Contains("crashed", failed.Reason, StringComparison.Ordinal);
        // The listener and the scheduler outlived both crashes: a healthy study still goes through.
        var healthy = TestStudies.WriteCt(temp.Sub("healthy"), "healthy-1", 2);
        Assert.Equal(0, (await worker.SendAsync(healthy.Files)).ExitCode);
        await worker.WaitForAsync(healthy.StudyInstanceUid, r => r.State == StudyState.Done, TimeSpan.FromSeconds(120));
    }
}
