using System.Text.Json;
using MedCam.Imaging.NumPy;
using MedCam.Imaging.Png;
using MedCam.Outputs.Sources;
using MedCam.Outputs.Tests.Infrastructure;

namespace MedCam.Outputs.Tests;

/// <summary>The whole output set of one result (what <c>medcam render</c> writes), checked by nibabel and the FHIR validators.</summary>
[Collection("outputs")]
public sealed class HeatmapOutputWriterTests(OutputsFixture fixture)
{
    private const OutputFormat All = OutputFormat.SecondaryCapture | OutputFormat.MultiFrameSecondaryCapture | OutputFormat.ParametricMap
        | OutputFormat.Fhir | OutputFormat.Nifti | OutputFormat.Png | OutputFormat.Npy;

    [Fact]
    public void Write_CtAllFormats_WritesEveryFileAndASummaryWithoutPatientData()
    {
        using var temp = new TempDir();
        using var ct = SourceImageSet.Load(fixture.CtDirectory);
        var summary = HeatmapOutputWriter.Write(ct, TestSources.Cam(ct.FrameCount), Request(All), temp.Path);

        Assert.Equal(TestSources.CtSlices + 2, summary.Dicom.Count);
        Assert.Equal(TestSources.CtSlices, Directory.GetFiles(Path.Combine(temp.Path, "sc"), "*.dcm").Length);
        Assert.Equal(TestSources.CtSlices, Directory.GetFiles(Path.Combine(temp.Path, "png"), "*.png").Length);
        foreach (var name in new[] { "mfsc.dcm", "pmap.dcm", "bundle.json", "cam.nii.gz", "source.nii.gz", "cam.npy", "summary.json" })
        {
            Assert.True(File.Exists(Path.Combine(temp.Path, name)), name);
        }

        var png = PngDecoder.DecodeFile(Path.Combine(temp.Path, "png", "preview_0004.png"));
        Assert.Equal((TestSources.Rendered.Width, TestSources.Rendered.Height, 3), (png.Width, png.Height, png.Channels));
        Assert.Equal(TestSources.Cam(TestSources.CtSlices).Values, NpyFile.ReadSingle(Path.Combine(temp.Path, "cam.npy"), out _));

        var json = File.ReadAllText(Path.Combine(temp.Path, "summary.json"));
        var parsed = JsonSerializer.Deserialize<JsonElement>(json);
        Assert.Equal(TestSources.StudyUid("ct"), parsed.GetProperty("studyInstanceUid").GetString());
        Assert.Equal(TestSources.CtSlices + 2, parsed.GetProperty("dicom").GetArrayLength());
        Assert.DoesNotContain("MC-CT", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Test^ct", json, StringComparison.Ordinal);
        Assert.DoesNotContain("19600101", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_CtNifti_NibabelReadsShapeAffineAndValues()
    {
        using var temp = new TempDir();
        using var ct = SourceImageSet.Load(fixture.CtDirectory);
        HeatmapOutputWriter.Write(ct, TestSources.Cam(ct.FrameCount), Request(OutputFormat.Nifti), temp.Path);
        const string script = """
import json, sys
import nibabel as nib, numpy as np
cam = nib.load(sys.argv[1]); src = nib.load(sys.argv[2])
c = np.asarray(cam.dataobj); s = np.asarray(src.dataobj)
print(json.dumps({"shape": list(c.shape), "srcShape": list(s.shape), "affine": cam.affine.tolist(), "srcAffine": src.affine.tolist(),
  "c": float(c[77, 51, 3]), "s": float(s[64, 64, 0]), "lung": float(s[40, 60, 7]), "code": int(cam.header["sform_code"])}))
""";
        var (code, output) = Tool.Run("/usr/bin/python3", "-c", script, Path.Combine(temp.Path, "cam.nii.gz"), Path.Combine(temp.Path, "source.nii.gz"));
        Assert.True(code == 0, "nibabel failed (python3-nibabel installed?):\n" + output);
        var d = JsonSerializer.Deserialize<JsonElement>(output.Split('\n').Last(l => l.StartsWith('{')));
        Assert.Equal([128, 128, 8], d.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([128, 128, 8], d.GetProperty("srcShape").EnumerateArray().Select(e => e.GetInt32()));

        // DICOM LPS: x = -80 + 1.25 i, y = -80 + 1.25 j, z = -100 + 2.5 k  ->  RAS: negate x and y.
        double[][] expected = [[-1.25, 0, 0, 80], [0, -1.25, 0, 80], [0, 0, 2.5, -100], [0, 0, 0, 1]];
        foreach (var name in new[] { "affine", "srcAffine" })
        {
            var rows = d.GetProperty(name).EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            for (var r = 0; r < 4; r++)
            {
                for (var c = 0; c < 4; c++)
                {
                    Assert.Equal(expected[r][c], rows[r][c], 6);
                }
            }
        }

        var cam = TestSources.Cam(TestSources.CtSlices);
        Assert.Equal(cam.Values[(3 * 128 * 128) + (51 * 128) + 77], d.GetProperty("c").GetDouble(), 6); // nibabel [i, j, k] = cam[k, j, i]
        Assert.Equal(40, d.GetProperty("s").GetDouble(), 3); // soft tissue HU
        Assert.Equal(-850 + 70, d.GetProperty("lung").GetDouble(), 3); // lung HU of slice 7
        Assert.True(d.GetProperty("code").GetInt32() > 0);
    }

    [Fact]
    public void Write_Fhir_BundleValidUnderBothValidatorsAndReferencesTheScInstances()
    {
        using var temp = new TempDir();
        using var us = SourceImageSet.Load(fixture.UsPath);
        var summary = HeatmapOutputWriter.Write(us, TestSources.Cam(us.FrameCount), Request(OutputFormat.Fhir), temp.Path);
        var bundle = Path.Combine(temp.Path, "bundle.json");
        var root = RepositoryRoot();
        var (code, output) = Tool.RunIn(root, "node", Path.Combine(root, "tools", "fhir-validate", "validate.js"), bundle);
        Assert.True(code == 0, "FHIR validators rejected bundle.json (tools/fhir-validate needs `npm ci`):\n" + output);
        var json = File.ReadAllText(bundle);
        Assert.Contains("\"transaction\"", json, StringComparison.Ordinal);
        Assert.Equal(TestSources.UsFrames, summary.Dicom.Count);
        foreach (var sc in summary.Dicom)
        {
            Assert.Contains(sc.SopInstanceUid, json, StringComparison.Ordinal);
        }

        Assert.Contains(TestSources.StudyUid("us"), json, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ParametricMapOfUltrasound_FailsNamingTheSourceKind()
    {
        using var temp = new TempDir();
        using var us = SourceImageSet.Load(fixture.UsPath);
        var error = Assert.Throws<ArgumentException>(() => HeatmapOutputWriter.Write(us, TestSources.Cam(us.FrameCount), Request(OutputFormat.ParametricMap), temp.Path));
        Assert.Contains("MultiFrame", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OutputFormats_UnknownName_FailsListingTheKnownOnes()
    {
        Assert.Equal(OutputFormat.SecondaryCapture | OutputFormat.ParametricMap, OutputFormats.Parse(["sc,pmap"]));
        var error = Assert.Throws<ArgumentException>(() => OutputFormats.Parse(["sc", "jpeg"]));
        Assert.Contains("'jpeg'", error.Message, StringComparison.Ordinal);
        Assert.Contains("mfsc", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CamMap_NonFiniteOrWrongRank_FailsClearly()
    {
        var values = new float[4];
        values[2] = float.NaN;
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => new CamMap(values, 1, 2, 2)).Message, StringComparison.Ordinal);
        using var temp = new TempDir();
        var path = Path.Combine(temp.Path, "bad.npy");
        NpyFile.Write(path, new float[8], 2, 2, 2, 1);
        Assert.Contains("(frames, rows, columns)", Assert.Throws<InvalidDataException>(() => CamMap.FromNpy(path)).Message, StringComparison.Ordinal);
    }

    private static HeatmapOutputRequest Request(OutputFormat formats) => new()
    {
        Explanation = OutputsFixture.Explanation,
        Formats = formats,
        Render = OutputsFixture.Render,
        Dicom = OutputsFixture.Options,
        Fhir = new FhirReportOptions { CompletedAt = new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.Zero) },
    };

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MedCam.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("MedCam.sln not found above the test output folder.");
    }
}
