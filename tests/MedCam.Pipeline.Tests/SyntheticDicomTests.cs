using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MedCam.Pipeline.Synthetic;

namespace MedCam.Pipeline.Tests;

public sealed class SyntheticDicomTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "medcam-synth-dicom-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Theory]
    [InlineData("covid-ct")]
    [InlineData("lung-us")]
    [InlineData("bladder-histo")]
    public void Write_EveryObject_DciodvfyReportsNoErrorsOrWarnings(string task)
    {
        var files = WriteCohort(task, "a", 1, count: 3);
        // Every CT slice would be slow to check; the first, a middle and the last are representative.
        var chosen = files.Count > 3 ? new[] { files[0], files[files.Count / 2], files[^1] } : [.. files];
        foreach (var file in chosen)
        {
            var (code, output) = Run("dciodvfy", $"\"{file}\"");
            var problems = output.Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Warning", StringComparison.Ordinal)).ToList();
            Assert.True(problems.Count == 0 && code == 0, $"{Path.GetFileName(file)}:\n{output}");
        }
    }

    [Fact]
    public void Write_SameSeed_SameBytesAndUids()
    {
        var a = WriteCohort("lung-us", "a", 9, count: 2);
        var b = WriteCohort("lung-us", "b", 9, count: 2);
        Assert.Equal(a.Count, b.Count);
        for (var i = 0; i < a.Count; i++)
        {
            Assert.Equal(File.ReadAllBytes(a[i]), File.ReadAllBytes(b[i]));
        }
    }

    [Fact]
    public void Write_PydicomReadsHuFrameTimeAndTiles()
    {
        var ct = WriteCohort("covid-ct", "ct", 4, count: 1);
        var us = WriteCohort("lung-us", "us", 4, count: 1);
        var wsi = WriteCohort("bladder-histo", "wsi", 4, count: 1);
        var script = """
            import sys, json, glob, os
            import numpy as np, pydicom
            ct = sorted(glob.glob(os.path.join(sys.argv[1], '*', 'CT*.dcm')))
            slices = [pydicom.dcmread(f) for f in ct]
            slices.sort(key=lambda d: float(d.ImagePositionPatient[2]))
            hu = np.stack([d.pixel_array * float(d.RescaleSlope) + float(d.RescaleIntercept) for d in slices])
            mask = np.load(glob.glob(os.path.join(sys.argv[1], '*', 'lesion_mask.npy'))[0])
            u = pydicom.dcmread(glob.glob(os.path.join(sys.argv[2], '*', 'US0001.dcm'))[0])
            w0 = pydicom.dcmread(glob.glob(os.path.join(sys.argv[3], '*', 'SM_level0.dcm'))[0])
            w1 = pydicom.dcmread(glob.glob(os.path.join(sys.argv[3], '*', 'SM_level1.dcm'))[0])
            print(json.dumps({
                'ct_shape': list(hu.shape), 'lesion_hu': float(hu[mask > 0].mean()), 'lung_min': float(hu.min()),
                'dz': float(slices[1].ImagePositionPatient[2]) - float(slices[0].ImagePositionPatient[2]),
                'us_frames': int(u.NumberOfFrames), 'us_shape': list(u.pixel_array.shape), 'frame_time': float(u.FrameTime),
                'increment': str(u.FrameIncrementPointer),
                'wsi_frames': [int(w0.NumberOfFrames), int(w1.NumberOfFrames)],
                'wsi_total': [int(w0.TotalPixelMatrixColumns), int(w1.TotalPixelMatrixColumns)],
                'wsi_tile_shape': list(w0.pixel_array.shape[1:]), 'wsi_type': w0.DimensionOrganizationType,
                'same_frame_of_reference': w0.FrameOfReferenceUID == w1.FrameOfReferenceUID,
            }))
            """;
        var scriptPath = Path.Combine(_root, "check.py");
        File.WriteAllText(scriptPath, script);
        var (code, output) = Run("/usr/bin/python3", $"\"{scriptPath}\" \"{Path.Combine(_root, "ct")}\" \"{Path.Combine(_root, "us")}\" \"{Path.Combine(_root, "wsi")}\"");
        Assert.True(code == 0, output);
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        var r = json.RootElement;
        Assert.Equal("[32,64,64]", r.GetProperty("ct_shape").GetRawText().Replace(" ", "", StringComparison.Ordinal));
        Assert.InRange(r.GetProperty("lesion_hu").GetDouble(), -750, -150); // COVID-19 ground glass through rescale
        Assert.Equal(-1024, r.GetProperty("lung_min").GetDouble());
        Assert.Equal(10, r.GetProperty("dz").GetDouble(), 6);
        Assert.Equal(4, r.GetProperty("us_frames").GetInt32());
        Assert.Equal(50, r.GetProperty("frame_time").GetDouble());
        Assert.Contains("0018", r.GetProperty("increment").GetString(), StringComparison.Ordinal);
        Assert.Equal("[4,1]", r.GetProperty("wsi_frames").GetRawText().Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("[128,64]", r.GetProperty("wsi_total").GetRawText().Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("[64,64,3]", r.GetProperty("wsi_tile_shape").GetRawText().Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("TILED_FULL", r.GetProperty("wsi_type").GetString());
        Assert.True(r.GetProperty("same_frame_of_reference").GetBoolean());
        Assert.NotEmpty(ct);
        Assert.Single(us);
        Assert.Equal(2, wsi.Count);
    }

    private List<string> WriteCohort(string task, string folder, long seed, int count)
    {
        var request = new SyntheticCohortRequest
        {
            Task = SyntheticTasks.Parse(task),
            Count = count,
            Seed = seed,
            Ct = new ChestCtOptions { Matrix = 64, Slices = 32, SliceSpacingMm = 10 },
            Ultrasound = new LungUltrasoundOptions { Frames = 4, Size = 64 },
            Histology = new HistologyOptions { TileSize = 64, TilesAcross = 2, TilesDown = 2 },
        };
        var directory = Path.Combine(_root, folder);
        var writer = new SyntheticDicomWriter(directory, request);
        var files = new List<string>();
        foreach (var item in SyntheticCohort.Generate(request))
        {
            files.AddRange(writer.Write(item).Select(f => Path.Combine(directory, f)));
        }

        writer.Complete();
        Assert.Equal(count + 1, File.ReadAllLines(Path.Combine(directory, "labels.csv")).Length);
        return files;
    }

    private static (int Code, string Output) Run(string tool, string arguments)
    {
        var start = new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            throw new InvalidOperationException($"'{tool}' is required for this test and was not found (install dicom3tools / python3-pydicom).", error);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result + stderr);
        }
    }

    [Fact]
    public void Write_Labels_ListClassAndMaskPerCase()
    {
        WriteCohort("bladder-histo", "labels", 2, count: 3);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_root, "labels", "labels.json")));
        var cases = json.RootElement.GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal(["non-tumour", "mild", "infiltrative"], cases.Select(c => c.GetProperty("class_name").GetString()));
        foreach (var c in cases)
        {
            Assert.True(File.Exists(Path.Combine(_root, "labels", c.GetProperty("lesion_mask").GetString()!)));
            Assert.NotEmpty(c.GetProperty("tiles").EnumerateArray());
        }

        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"bladder-histo-s2-0001"), cases[1].GetProperty("case_id").GetString());
    }
}
