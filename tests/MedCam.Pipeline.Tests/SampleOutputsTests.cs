using System.Text.Json;
using MedCam.Dicom;
using MedCam.Pipeline.Stages;
using MedCam.Pipeline.Tests.Support;

namespace MedCam.Pipeline.Tests;

/// <summary>What the sample runs wrote: valid DICOM (dciodvfy), valid FHIR (FHIR.js + R4 schema), cine timing, no PHI in logs.</summary>
[Collection("samples")]
public sealed class SampleOutputsTests(SampleRunsFixture fixture)
{
    [Fact]
    public void Dciodvfy_DicomOutputsOfEveryTask_PrintNoErrorLines()
    {
        foreach (var ((task, index), result) in fixture.Results.Where(r => r.Key.Index == 0))
        {
            var dicom = result.DicomFiles;
            var sc = dicom.Where(f => f.Contains($"{Path.DirectorySeparatorChar}sc{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
            var chosen = dicom.Where(f => !sc.Contains(f)).Append(sc[0]).Append(sc[^1]).ToList();
            Assert.Contains(chosen, f => f.EndsWith("mfsc.dcm", StringComparison.Ordinal));
            Assert.Equal(task == PipelineTasks.CovidCt, chosen.Any(f => f.EndsWith("pmap.dcm", StringComparison.Ordinal)));
            foreach (var file in chosen)
            {
                var (_, output) = PipelinePaths.Run("dciodvfy", file);
                var lines = output.Split('\n');
                Assert.True(!lines.Any(l => l.StartsWith("Error", StringComparison.Ordinal)), $"{task} {index} {file}:\n{output}");
                Assert.All(lines.Where(l => l.Contains("Attribute is not present in standard DICOM IOD", StringComparison.Ordinal)),
                    l => Assert.Contains("(0x0018,0x1002) UI Device UID", l, StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void FhirValidators_BundlesOfAllSamples_Valid()
    {
        var validator = Path.Combine(PipelinePaths.Root, "tools", "fhir-validate", "validate.js");
        Assert.True(Directory.Exists(Path.Combine(PipelinePaths.Root, "tools", "fhir-validate", "node_modules")),
            "tools/fhir-validate/node_modules is missing: run scripts/setup.sh (npm ci).");
        var bundles = fixture.Results.Values.Select(r => r.FhirBundle!).ToArray();
        Assert.Equal(9, bundles.Length);
        var (exit, output) = PipelinePaths.Run("node", [validator, .. bundles]);
        Assert.True(exit == 0, output);
    }

    [Fact]
    public void Summary_EverySample_SourceGridDecisionsAndNoPatientIdentity()
    {
        foreach (var ((task, index), result) in fixture.Results)
        {
            var text = File.ReadAllText(result.SummaryPath);
            using var summary = JsonDocument.Parse(text);
            var root = summary.RootElement;
            Assert.Equal(task, root.GetProperty("task").GetString());
            Assert.Equal(result.Prediction.ClassName, root.GetProperty("prediction").GetProperty("class").GetString());
            Assert.Contains(root.GetProperty("decisions").EnumerateArray(), d => d.GetString()!.StartsWith("SelectModel: model", StringComparison.Ordinal));

            // The synthetic Patient ID equals the case folder name, so the paths the caller chose (input and output
            // folders) are taken out before looking for patient identity in what the pipeline wrote itself.
            string Scrub(string s) => s.Replace(PipelinePaths.Study(task, index), "<in>", StringComparison.Ordinal).Replace(result.OutputDirectory, "<out>", StringComparison.Ordinal);
            text = Scrub(text);
            var decisions = result.Decisions.Select(Scrub).ToList();
            var first = Directory.EnumerateFiles(PipelinePaths.Study(task, index), "*.dcm").Order(StringComparer.Ordinal).First();
            using var dicom = DicomFile.Open(first);
            foreach (var tag in new[] { DicomTags.PatientName, DicomTags.PatientID, DicomTags.PatientBirthDate })
            {
                var value = dicom.Dataset.GetOrDefault(tag, "").Trim();
                if (value.Length >= 3)
                {
                    Assert.DoesNotContain(value, text, StringComparison.Ordinal);
                    Assert.DoesNotContain(decisions, d => d.Contains(value, StringComparison.Ordinal));
                }
            }
        }
    }

    [Fact]
    public void CovidCt_Map_LiesOnTheOriginalSlices()
    {
        var result = fixture.Results[(PipelineTasks.CovidCt, 0)];
        using var summary = JsonDocument.Parse(File.ReadAllText(result.SummaryPath));
        var shape = summary.RootElement.GetProperty("source_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal([Directory.EnumerateFiles(PipelinePaths.Study(PipelineTasks.CovidCt, 0), "*.dcm").Count(), 128, 128], shape);
        Assert.Equal(shape[0], result.DicomFiles.Count(f => f.Contains($"{Path.DirectorySeparatorChar}sc{Path.DirectorySeparatorChar}", StringComparison.Ordinal)));
    }

    [Fact]
    public void LungUs_MultiFrameSc_KeepsSourceFrameTimeAndDecisiveFrames()
    {
        var result = fixture.Results[(PipelineTasks.LungUs, 0)];
        var source = Directory.EnumerateFiles(PipelinePaths.Study(PipelineTasks.LungUs, 0), "*.dcm").Single();
        using var src = DicomFile.Open(source);
        using var mfsc = DicomFile.Open(result.DicomFiles.Single(f => f.EndsWith("mfsc.dcm", StringComparison.Ordinal)));
        Assert.Equal(src.Dataset.Get<int>(DicomTags.NumberOfFrames), mfsc.Dataset.Get<int>(DicomTags.NumberOfFrames));
        Assert.Equal(src.Dataset.Get<double>(DicomTags.FrameTime), mfsc.Dataset.Get<double>(DicomTags.FrameTime), 3);
        using var summary = JsonDocument.Parse(File.ReadAllText(result.SummaryPath));
        var details = summary.RootElement.GetProperty("details");
        var decisive = details.GetProperty("decisive_frames").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var probabilities = details.GetProperty("frame_probabilities").EnumerateArray().Select(f => f[result.Prediction.ClassIndex].GetDouble()).ToArray();
        Assert.Equal(Enumerable.Range(0, probabilities.Length).Where(f => probabilities[f] > 0.75), decisive);
        Assert.NotEmpty(decisive);
    }
}
