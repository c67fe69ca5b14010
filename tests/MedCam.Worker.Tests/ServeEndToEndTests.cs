using MedCam.Worker.Ledger;
using MedCam.Worker.Tests.Infrastructure;

namespace MedCam.Worker.Tests;

/// <summary>storescu → worker (in-process host) → storescp and a FHIR endpoint, all on loopback.</summary>
public sealed class ServeEndToEndTests
{
    [Fact]
    public async Task Serve_StudyFromStorescu_StoredGroupedProcessedOnceAndDelivered()
    {
        using var temp = new TempDir();
        await using var destination = await StorescpPeer.StartAsync(temp.Sub("dest"));
        using var fhir = new FhirEndpoint(failures: 3);
        var study = TestStudies.WriteCt(temp.Sub("study"), "e2e-1", 6);
        await using var worker = await WorkerHarness.StartAsync(temp.Sub("data"), new Dictionary<string, string?>
        {
            ["Destinations:0"] = destination.Destination,
            ["FhirBaseUrl"] = fhir.BaseUrl,
        });

        var (code, output) = await worker.SendAsync(study.Files);
        Assert.True(code == 0, output);
        // Every acknowledged instance is durable and in the ledger before the quiet time ends, its final file
        // written just after the answer.
        await worker.Status.ReceivedFilesWritten(CancellationToken.None);
        var incoming = Path.Combine(worker.DataFolder, "incoming", study.StudyInstanceUid);
        Assert.Equal(6, Directory.GetFiles(incoming, "*.dcm").Length);
        var record = await worker.WaitForAsync(study.StudyInstanceUid, r => r.State == StudyState.Done);

        Assert.Equal(1, record.Run);
        Assert.Equal(6, record.Instances);
        Assert.Single(worker.Ledger.List());
        // 6 SCs (one per slice) + 1 Parametric Map, once each.
        Assert.Equal(7, destination.ReceivedUids().Count);
        // The FHIR server answered 500 three times: retried with backoff, then delivered once; DICOM was not resent.
        Assert.Equal(3, fhir.Refused);
        Assert.Single(fhir.Accepted);
        Assert.Contains(study.StudyInstanceUid, fhir.Accepted[0], StringComparison.Ordinal);
        AssertNoPhi(worker.Logs.All);
    }

    internal static void AssertNoPhi(string logs)
    {
        Assert.False(string.IsNullOrWhiteSpace(logs));
        foreach (var value in TestStudies.Phi)
        {
            Assert.DoesNotContain(value, logs, StringComparison.OrdinalIgnoreCase);
        }
    }
}
