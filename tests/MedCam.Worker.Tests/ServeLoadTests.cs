using System.Globalization;
using MedCam.Worker.Ledger;
using MedCam.Worker.Tests.Infrastructure;

namespace MedCam.Worker.Tests;

/// <summary>Four dcmtk senders at once, 200 instances each, their studies interleaved across the senders.</summary>
public sealed class ServeLoadTests
{
    private const int Senders = 4;
    private const int Studies = 4;
    private const int SlicesPerStudy = 200;

    [Fact]
    public async Task Serve_FourSendersTwoHundredInstancesEach_EveryInstanceStoredEveryStudyProcessedOnce()
    {
        using var temp = new TempDir();
        var routing = Path.Combine(temp.Path, "routing.yaml");
        // One Parametric Map per study keeps the export small; the point is receiving and grouping under load.
        await File.WriteAllTextAsync(routing, """
            rules:
              - name: load
                match: { modality: [CT] }
                task: overlay-check
                outputs: [pmap]
            """);
        await using var destination = await StorescpPeer.StartAsync(temp.Sub("dest"));
        var studies = Enumerable.Range(0, Studies).Select(i => TestStudies.WriteCt(temp.Sub($"study-{i}"), $"load-{i}", SlicesPerStudy, rows: 16, columns: 16)).ToList();
        await using var worker = await WorkerHarness.StartAsync(temp.Sub("data"), new Dictionary<string, string?>
        {
            ["Destinations:0"] = destination.Destination,
            ["RoutingFile"] = routing,
            // Long enough that a sender stalled by a busy machine does not split a study into two runs.
            ["QuietTime"] = "00:00:04",
        });

        // Sender s sends slices s, s+4, s+8, … of every study: each study arrives over four associations at once.
        var batches = Enumerable.Range(0, Senders)
            .Select(s => studies.SelectMany(study => study.Files.Where((_, k) => k % Senders == s)).ToList())
            .ToList();
        Assert.All(batches, b => Assert.Equal(Studies * SlicesPerStudy / Senders, b.Count));
        Assert.Equal(200, batches[0].Count);
        var results = await Task.WhenAll(batches.Select(b => Peers.RunAsync("storescu",
            new[] { "-aet", "STORESCU", "-aec", "MEDCAM", "127.0.0.1", worker.DicomPort.ToString(CultureInfo.InvariantCulture) }.Concat(b), TimeSpan.FromSeconds(180))));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Output));
        await worker.Status.ReceivedFilesWritten(CancellationToken.None);
        foreach (var study in studies)
        {
            Assert.Equal(SlicesPerStudy, Directory.GetFiles(Path.Combine(worker.DataFolder, "incoming", study.StudyInstanceUid), "*.dcm").Length);
        }

        foreach (var study in studies)
        {
            var record = await worker.WaitForAsync(study.StudyInstanceUid, r => r.State == StudyState.Done, TimeSpan.FromSeconds(120));
            Assert.Equal(1, record.Run);
            Assert.Equal(SlicesPerStudy, record.Instances);
        }

        Assert.Equal(Studies, worker.Ledger.List().Count);
        // One result per study, each processed and delivered once.
        Assert.Equal(Studies, destination.ReceivedUids().Count);
        ServeEndToEndTests.AssertNoPhi(worker.Logs.All);
    }
}
