using System.Net.Http.Json;
using System.Text.Json;
using MedCam.Worker.Ledger;
using MedCam.Worker.Tests.Infrastructure;

namespace MedCam.Worker.Tests;

/// <summary>Orthanc as the PACS: a study routed to MedCam comes back with its heatmap series in the same study.</summary>
public sealed class OrthancRoutingTests
{
    private const int Slices = 3;

    [Fact]
    public async Task Serve_StudyRoutedByOrthancRest_ResultsInSameOrthancStudy()
    {
        using var temp = new TempDir();
        var study = TestStudies.WriteCt(temp.Sub("study"), "orthanc-rest-1", Slices);
        var medcamPort = Peers.FreePort();
        await using var orthanc = await OrthancPeer.StartAsync(temp.Sub("orthanc"), medcamPort);
        await using var worker = await WorkerHarness.StartAsync(temp.Sub("data"), new Dictionary<string, string?>
        {
            ["Port"] = medcamPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Destinations:0"] = orthanc.Destination,
        });
        string? orthancStudy = null;
        foreach (var file in study.Files)
        {
            orthancStudy = await orthanc.UploadAsync(file);
        }

        using var body = new StringContent($$"""{"Resources": ["{{orthancStudy}}"], "Synchronous": true}""");
        using (var route = await orthanc.Http.PostAsync("modalities/medcam/store", body))
        {
            Assert.True(route.IsSuccessStatusCode, await route.Content.ReadAsStringAsync());
        }

        await worker.WaitForAsync(study.StudyInstanceUid, r => r.State == StudyState.Done, TimeSpan.FromSeconds(120));
        await AssertResultsInStudyAsync(orthanc, orthancStudy!);
        ServeEndToEndTests.AssertNoPhi(worker.Logs.All);
    }

    [Fact]
    public async Task Serve_StudyRoutedByOrthancLuaOnStableStudy_ResultsInSameStudyAndNotRoutedAgain()
    {
        using var temp = new TempDir();
        var study = TestStudies.WriteCt(temp.Sub("study"), "orthanc-lua-1", Slices);
        var medcamPort = Peers.FreePort();
        await using var orthanc = await OrthancPeer.StartAsync(temp.Sub("orthanc"), medcamPort, Path.Combine(Repo.Root, "docker", "orthanc-route-to-medcam.lua"));
        await using var worker = await WorkerHarness.StartAsync(temp.Sub("data"), new Dictionary<string, string?>
        {
            ["Port"] = medcamPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Destinations:0"] = orthanc.Destination,
        });
        string? orthancStudy = null;
        foreach (var file in study.Files)
        {
            orthancStudy = await orthanc.UploadAsync(file);
        }

        StudyRecord record;
        try
        {
            record = await worker.WaitForAsync(study.StudyInstanceUid, r => r.State == StudyState.Done, TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + "\nOrthanc:\n" + orthanc.Output, ex);
        }

        await AssertResultsInStudyAsync(orthanc, orthancStudy!);
        // The results made the study unstable and stable again; the rule saw MedCam's instances and did not route it back.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal(1, worker.Ledger.Get(record.Key)!.Run);
        Assert.Equal(StudyState.Done, worker.Ledger.Get(record.Key)!.State);
    }

    private static async Task AssertResultsInStudyAsync(OrthancPeer orthanc, string orthancStudy)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement series;
        do
        {
            series = await orthanc.GetAsync($"studies/{orthancStudy}/series");
            if (series.GetArrayLength() >= 3)
            {
                break;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        // CT + SC series + Parametric Map, in the study the PACS already had.
        var modalities = series.EnumerateArray().Select(s => s.GetProperty("MainDicomTags").GetProperty("Modality").GetString()).Order().ToList();
        Assert.Equal(3, modalities.Count);
        Assert.Equal(Slices + Slices + 1, (await orthanc.GetAsync($"studies/{orthancStudy}/instances")).GetArrayLength());
        Assert.Equal(1, (await orthanc.GetAsync("studies")).GetArrayLength());
        var sc = series.EnumerateArray().First(s => s.GetProperty("Instances").GetArrayLength() == Slices && s.GetProperty("MainDicomTags").GetProperty("Modality").GetString() != "CT");
        var instance = sc.GetProperty("Instances")[0].GetString();
        using var preview = await orthanc.Http.GetAsync($"instances/{instance}/preview");
        Assert.True(preview.IsSuccessStatusCode, $"Orthanc cannot render the SC: {preview.StatusCode}");
        var png = await preview.Content.ReadAsByteArrayAsync();
        Assert.Equal(0x89, png[0]);
    }
}
