using System.Text.Json;
using MedCam.Imaging.Png;
using MedCam.Outputs.Tests.Infrastructure;

namespace MedCam.Outputs.Tests;

/// <summary>Orthanc as the PACS: every derived object is accepted, lands in the source study and renders.</summary>
[Collection("outputs")]
public sealed class OrthancTests(OutputsFixture outputs, OrthancFixture orthanc) : IClassFixture<OrthancFixture>
{
    [Theory]
    [MemberData(nameof(OutputsFixture.RenderableVariants), MemberType = typeof(OutputsFixture))]
    public async Task Orthanc_EveryOutputVariant_StoredInSourceStudyAndRendersAFrame(string variant)
    {
        var sourceStudy = await UploadSourceAsync(variant);
        foreach (var instance in outputs.Variant(variant))
        {
            var stored = await orthanc.UploadAsync(instance.Path);
            Assert.Equal(sourceStudy, stored.GetProperty("ParentStudy").GetString());
            var id = stored.GetProperty("ID").GetString();
            var tags = JsonSerializer.Deserialize<JsonElement>(await orthanc.Http.GetStringAsync($"instances/{id}/simplified-tags"));
            Assert.Equal(instance.SopInstanceUid, tags.GetProperty("SOPInstanceUID").GetString());

            var frame = instance.Frames > 1 ? instance.Frames / 2 : 0;
            using var preview = await orthanc.Http.GetAsync($"instances/{id}/frames/{frame}/preview");
            var bytes = await preview.Content.ReadAsByteArrayAsync();
            Assert.True(preview.IsSuccessStatusCode, $"{variant}: Orthanc could not render frame {frame}: {(int)preview.StatusCode} {System.Text.Encoding.UTF8.GetString(bytes)}\n{orthanc.Log}");
            Assert.Equal("image/png", preview.Content.Headers.ContentType?.MediaType);
            var png = PngDecoder.Decode(bytes);
            Assert.Equal(instance.Columns, png.Width);
            Assert.Equal(instance.Rows, png.Height);
            Assert.True(png.Samples.Distinct().Count() > 8, $"{variant}: the preview is flat.");
        }
    }

    /// <summary>
    /// Pins a limitation of the peer, not of MedCam: Orthanc 1.10 stores the float Parametric Map in the source study
    /// but answers 415 to a preview because it cannot decode Float Pixel Data. When this starts failing, Orthanc has
    /// learnt floats: move "ct-pmap" into the renderable variants.
    /// </summary>
    [Fact]
    public async Task Orthanc_FloatParametricMap_StoredInSourceStudyButPreviewUnsupported()
    {
        var study = await UploadSourceAsync("ct-pmap");
        var stored = await orthanc.UploadAsync(outputs.CtPmap.Path);
        Assert.Equal(study, stored.GetProperty("ParentStudy").GetString());
        using var preview = await orthanc.Http.GetAsync($"instances/{stored.GetProperty("ID").GetString()}/frames/0/preview");
        Assert.Equal(System.Net.HttpStatusCode.UnsupportedMediaType, preview.StatusCode);
    }

    [Fact]
    public async Task Orthanc_SameOutputTwice_ReplacesInsteadOfDuplicating()
    {
        await UploadSourceAsync("ct-sc");
        var first = await orthanc.UploadAsync(outputs.CtSc[0].Path);
        var again = await orthanc.UploadAsync(outputs.CtSc[0].Path);
        Assert.Equal(first.GetProperty("ID").GetString(), again.GetProperty("ID").GetString());
        Assert.Equal("AlreadyStored", again.GetProperty("Status").GetString());
    }

    [Fact]
    public async Task WebViewer_ScSeries_HeadlessChromiumScreenshotShowsTheHeatmap()
    {
        await UploadSourceAsync("ct-sc");
        string? series = null;
        foreach (var instance in outputs.CtSc)
        {
            series = (await orthanc.UploadAsync(instance.Path)).GetProperty("ParentSeries").GetString();
        }

        var chromium = Tool.Find("chromium");
        using var profile = new TempDir("medcam-chromium");
        var screenshot = Path.Combine(outputs.ArtifactDirectory, "orthanc-webviewer-ct-sc.png");
        File.Delete(screenshot);
        var url = new Uri(orthanc.BaseAddress, $"web-viewer/app/viewer.html?series={series}").ToString();
        var (code, output) = Tool.Run(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", $"--user-data-dir={profile.Path}",
            "--disable-background-networking", "--disable-component-update", "--no-first-run", "--hide-scrollbars", "--window-size=1280,800",
            "--virtual-time-budget=15000", $"--screenshot={screenshot}", url);
        Assert.True(code == 0 && File.Exists(screenshot), $"chromium failed ({code}):\n{output}");
        var png = PngDecoder.Decode(await File.ReadAllBytesAsync(screenshot));
        Assert.Equal(1280, png.Width);

        // The viewer draws the first SC (weak CAM: jet blue/cyan) magnified in its canvas; the grey CT, the text and the
        // small colour bar alone cannot make this many bluish pixels.
        var bluish = 0;
        for (var i = 0; i + 2 < png.Samples.Length; i += png.Channels)
        {
            if (png.Samples[i + 2] > png.Samples[i] + 40)
            {
                bluish++;
            }
        }

        Assert.True(bluish > 20_000, $"No heatmap in the web viewer screenshot {screenshot} ({bluish} bluish pixels).");
    }

    private async Task<string> UploadSourceAsync(string variant)
    {
        var files = variant switch
        {
            _ when variant.StartsWith("ct", StringComparison.Ordinal) => Directory.GetFiles(outputs.CtDirectory),
            _ when variant.StartsWith("us", StringComparison.Ordinal) => [outputs.UsPath],
            _ => [outputs.HistologyPath],
        };
        string? study = null;
        foreach (var file in files)
        {
            study = (await orthanc.UploadAsync(file)).GetProperty("ParentStudy").GetString();
        }

        return study!;
    }
}
