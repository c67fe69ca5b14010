using System.Net.Http.Json;
using System.Text.Json;
using MedCam.Worker.Ledger;
using MedCam.Worker.Processing;
using MedCam.Worker.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

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
        await using var orthanc = await OrthancPeer.StartAsync(medcamPort);
        await using var worker = await WorkerHarness.StartAsync(temp.Sub("data"), new Dictionary<string, string?>
        {
            ["Port"] = medcamPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Destinations:0"] = orthanc.Destination,
        });
        string? orthancStudy = null;
        foreach (var file in study.Files)
        {
            orthancStudy = (await orthanc.UploadAsync(file)).ParentStudy;
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
        await using var orthanc = await OrthancPeer.StartAsync(medcamPort, Path.Combine(Repo.Root, "docker", "orthanc-route-to-medcam.lua"));
        await using var worker = await WorkerHarness.StartAsync(temp.Sub("data"), new Dictionary<string, string?>
        {
            ["Port"] = medcamPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Destinations:0"] = orthanc.Destination,
        });
        string? orthancStudy = null;
        foreach (var file in study.Files)
        {
            orthancStudy = (await orthanc.UploadAsync(file)).ParentStudy;
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

    /// <summary>
    /// The deployment as it will run: a sample chest CT uploaded to Orthanc, routed by the Lua OnStableStudy rule to
    /// <c>medcam serve</c> with the default routing (covid-ct, the clinical 3D CT model, jobs in child processes); the
    /// SC and Parametric Map series come back into the same Orthanc study and render; the FHIR bundle reaches a FHIR
    /// endpoint that validates it with both validators (after a first 500, retried).
    /// </summary>
    [Fact]
    public async Task Serve_SampleCtRoutedByOrthancLua_ClinicalModelResultsInSameStudyAndValidFhir()
    {
        using var temp = new TempDir();
        var files = Directory.GetFiles(Path.Combine(Repo.Root, "sample-data", "covid-ct", "covid-ct-s2026-0000"), "*.dcm").Order(StringComparer.Ordinal).ToArray();
        var medcamPort = Peers.FreePort();
        await using var orthanc = await OrthancPeer.StartAsync(medcamPort, Path.Combine(Repo.Root, "docker", "orthanc-route-to-medcam.lua"));
        using var fhir = new FhirEndpoint(failures: 1, validate: true);
        var processor = new ChildProcessStudyProcessor(["dotnet", Repo.MedcamDll, "serve", "run-job"], TimeSpan.FromMinutes(5), NullLogger<ChildProcessStudyProcessor>.Instance);
        await using var worker = await WorkerHarness.StartAsync(temp.Sub("data"), new Dictionary<string, string?>
        {
            ["Port"] = medcamPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Destinations:0"] = orthanc.Destination,
            ["FhirBaseUrl"] = fhir.BaseUrl,
            ["RoutingFile"] = Path.Combine(Repo.Root, "pipelines", "routing.yaml"),
        }, processor);
        string? studyUid = null;
        foreach (var file in files)
        {
            var stored = await orthanc.UploadAsync(file);
            studyUid ??= (await orthanc.GetAsync($"studies/{stored.ParentStudy}")).GetProperty("MainDicomTags").GetProperty("StudyInstanceUID").GetString();
        }

        StudyRecord record;
        try
        {
            record = await worker.WaitForAsync(studyUid!, r => r.State is StudyState.Done or StudyState.Failed, TimeSpan.FromSeconds(240));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + "\nOrthanc:\n" + orthanc.Output, ex);
        }

        Assert.True(record.State == StudyState.Done, $"{record.State}: {record.Reason}\n{worker.Logs.All}");
        Assert.Contains(worker.Logs.Lines, l => l.Contains("covid-ct: covid-19", StringComparison.Ordinal));
        var series = await WaitForSeriesAsync(orthanc, studyUid!, 3);
        Assert.Equal(3, series.Count);
        Assert.Equal(1, (await orthanc.GetAsync("studies")).GetArrayLength());
        var byClass = new Dictionary<string, (string SeriesUid, int Instances, string FirstInstance)>(StringComparer.Ordinal);
        var orthancStudy = (await orthanc.FindStudyAsync(studyUid!))!;
        foreach (var s in (await orthanc.GetAsync($"studies/{orthancStudy}/series")).EnumerateArray())
        {
            var first = s.GetProperty("Instances")[0].GetString()!;
            var sopClass = (await orthanc.GetAsync($"instances/{first}/simplified-tags")).GetProperty("SOPClassUID").GetString()!;
            byClass[sopClass] = (s.GetProperty("MainDicomTags").GetProperty("SeriesInstanceUID").GetString()!, s.GetProperty("Instances").GetArrayLength(), first);
        }

        const string CtImage = "1.2.840.10008.5.1.4.1.1.2";
        const string SecondaryCapture = "1.2.840.10008.5.1.4.1.1.7";
        const string ParametricMap = "1.2.840.10008.5.1.4.1.1.30";
        Assert.Equal(files.Length, byClass[CtImage].Instances);
        Assert.Equal(files.Length, byClass[SecondaryCapture].Instances);
        Assert.Equal(1, byClass[ParametricMap].Instances);
        using (var preview = await orthanc.Http.GetAsync($"instances/{byClass[SecondaryCapture].FirstInstance}/preview"))
        {
            var png = await preview.Content.ReadAsByteArrayAsync();
            Assert.True(preview.IsSuccessStatusCode && png.Length > 8 && png[0] == 0x89 && png[1] == (byte)'P',
                $"Orthanc cannot render the SC: {preview.StatusCode}\n{orthanc.Output}");
        }

        // Orthanc 1.10 renders integer pixel data only (its preview of the Float Pixel Data map answers 415), so the
        // Parametric Map Orthanc stored is rendered by pydicom + numpy: one finite frame per CT slice, not blank.
        var map = Path.Combine(temp.Path, "pmap.dcm");
        await File.WriteAllBytesAsync(map, await orthanc.FileAsync(byClass[ParametricMap].FirstInstance));
        var (code, rendered) = await Peers.RunAsync("/usr/bin/python3", ["-c", """
            import sys, pydicom, numpy as np
            ds = pydicom.dcmread(sys.argv[1])
            a = ds.pixel_array.astype(np.float64)
            print(a.shape[0], int(np.isfinite(a).all()), int(a.max() > a.min()))
            """, map]);
        Assert.True(code == 0, "pydicom cannot read the Parametric Map from Orthanc:\n" + rendered);
        Assert.Equal($"{files.Length} 1 1", rendered.Trim());

        // The FHIR endpoint validated and accepted one bundle, after refusing the first attempt with a 500.
        Assert.Empty(fhir.Rejected);
        Assert.Equal(1, fhir.Refused);
        var bundle = Assert.Single(fhir.Accepted);
        Assert.Contains(studyUid!, bundle, StringComparison.Ordinal);
        var scUid = (await orthanc.GetAsync($"instances/{byClass[SecondaryCapture].FirstInstance}/simplified-tags")).GetProperty("SOPInstanceUID").GetString()!;
        Assert.Contains(scUid, bundle, StringComparison.Ordinal);
        Assert.Equal(1, worker.Ledger.Get(record.Key)!.Run);
        ServeEndToEndTests.AssertNoPhi(worker.Logs.All);
    }

    private static async Task<IReadOnlyList<(string Modality, string SeriesInstanceUid, int Instances)>> WaitForSeriesAsync(OrthancPeer orthanc, string studyUid, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var series = await orthanc.SeriesOfStudyAsync(studyUid);
            if (series.Count >= count || DateTime.UtcNow > deadline)
            {
                return series;
            }

            await Task.Delay(200);
        }
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
