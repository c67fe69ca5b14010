using System.Text.Json;
using MedCam.Imaging.NumPy;
using MedCam.Testing;

namespace MedCam.Cohorts.Tests;

/// <summary>The committed CT samples run once as a cohort (shared by the tests of this class).</summary>
public sealed class CtSampleCohort : IAsyncLifetime
{
    public TempDir Dir { get; } = new("medcam-cohort");

    public CohortDefinition Definition { get; private set; } = null!;

    public CohortSummary Summary { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Definition = new CohortDefinition
        {
            Name = "ct-samples",
            Manifest = Path.Combine(RepoPaths.Samples("covid-ct"), "labels.csv"),
            Task = "covid-ct",
            Methods = ["gradcam", "layercam"],
            Outputs = ["npy"],
            PointingToleranceMm = 15,
            Output = Dir.Sub("out"),
        };
        Summary = await CohortRunner.RunAsync(Definition);
    }

    public Task DisposeAsync()
    {
        Dir.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class CohortRunnerTests(CtSampleCohort cohort) : IClassFixture<CtSampleCohort>
{
    [Fact]
    public void Run_CommittedCtSamples_EveryCaseDoneAndRight()
    {
        Assert.Equal(3, cohort.Summary.Cases.Count);
        Assert.Equal(3, cohort.Summary.Done);
        Assert.Equal(3, cohort.Summary.Labelled);
        Assert.Equal(3, cohort.Summary.Accuracy.Successes);
        Assert.Equal(["covid-19", "other-pneumonia", "normal"], cohort.Summary.ClassNames);
        for (var k = 0; k < 3; k++)
        {
            Assert.Equal(1, cohort.Summary.Confusion[k, k]);
        }
    }

    [Fact]
    public void Run_CommittedCtSamples_GradCamEnergyInLesionAboveChance()
    {
        // The normal case has an empty mask: only the two lesion cases are measured, each method separately.
        var gradcam = Assert.Single(cohort.Summary.Methods, m => m.Method == "gradcam");
        Assert.Equal(2, gradcam.Cases);
        Assert.Contains(cohort.Summary.Methods, m => m.Method == "layercam");
        foreach (var c in cohort.Summary.Cases.Where(c => c.TrueClass != "normal"))
        {
            var l = Assert.Single(c.Localisation, l => l.Method == "gradcam");
            Assert.True(l.EnergyRatio >= 2.0, $"{c.CaseId}: Grad-CAM energy in lesion {l.EnergyInMask:0.000} is only {l.EnergyRatio:0.00}x the mask fraction");
            Assert.True(c.ToleranceInMillimetres);
        }

        Assert.Empty(Assert.Single(cohort.Summary.Cases, c => c.TrueClass == "normal").Localisation);
    }

    [Fact]
    public void Run_LocalisationFigures_EqualARecomputationFromTheWrittenMaps()
    {
        var c = cohort.Summary.Cases[0];
        var mask = NpyFile.Read(Path.Combine(RepoPaths.Samples("covid-ct"), c.CaseId, "lesion_mask.npy")).ToSingle();
        var cam = NpyFile.ReadSingle(Path.Combine(cohort.Definition.Output, CohortRunner.CasesFolder, c.CaseId, "gradcam", "cam.npy"), out _);
        double inside = 0, total = 0;
        for (var i = 0; i < cam.Length; i++)
        {
            total += Math.Max(0, cam[i]);
            inside += mask[i] > 0 ? Math.Max(0, cam[i]) : 0;
        }

        var l = Assert.Single(c.Localisation, l => l.Method == "gradcam");
        Assert.Equal(inside / total, l.EnergyInMask, 9);
        Assert.Equal(mask.Count(v => v > 0) / (double)mask.Length, l.MaskFraction, 12);
    }

    [Fact]
    public async Task Run_ResultsCsv_ReadByPythonCsvWithProbabilitiesSummingToOne()
    {
        var path = Path.Combine(cohort.Definition.Output, CohortReports.ResultsCsv);
        var rows = await Python.JsonAsync("import csv, json, sys\nwith open(sys.argv[1], newline='') as f:\n    print(json.dumps(list(csv.DictReader(f))))\n", path);

        Assert.Equal(3, rows.GetArrayLength());
        foreach (var row in rows.EnumerateArray())
        {
            Assert.Equal("done", row.GetProperty("status").GetString());
            Assert.Equal("1", row.GetProperty("correct").GetString());
            var sum = new[] { "p_covid-19", "p_other-pneumonia", "p_normal" }.Sum(k => double.Parse(row.GetProperty(k).GetString()!, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(1.0, sum, 3);
        }
    }

    [Fact]
    public void Run_CohortJson_MatchesTheSummary()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(cohort.Definition.Output, CohortReports.SummaryJson)));
        var root = json.RootElement;
        Assert.Equal(3, root.GetProperty("done").GetInt32());
        Assert.Equal(1.0, root.GetProperty("classification").GetProperty("accuracy").GetProperty("value").GetDouble());
        var gradcam = root.GetProperty("localisation").EnumerateArray().Single(m => m.GetProperty("method").GetString() == "gradcam");
        Assert.Equal(Math.Round(cohort.Summary.Methods.Single(m => m.Method == "gradcam").MeanEnergyRatio, 4), gradcam.GetProperty("mean_energy_ratio").GetDouble());
        Assert.Contains("| gradcam | 2 |", File.ReadAllText(Path.Combine(cohort.Definition.Output, CohortReports.ReportMarkdown)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rerun_SameDefinition_KeepsEveryCaseWithoutRunningIt()
    {
        var records = Directory.GetFiles(Path.Combine(cohort.Definition.Output, CohortRunner.CasesFolder), "case.json", SearchOption.AllDirectories)
            .ToDictionary(p => p, File.ReadAllText);
        var reports = new List<CohortProgress>();

        var again = await CohortRunner.RunAsync(cohort.Definition, progress: new Collect(reports));

        Assert.Equal(3, reports.Count);
        Assert.All(reports, r => Assert.True(r.Reused, $"{r.Result.CaseId} was run again"));
        Assert.All(records, r => Assert.Equal(r.Value, File.ReadAllText(r.Key)));
        Assert.Equal(cohort.Summary.Accuracy, again.Accuracy);
    }

    private sealed class Collect(List<CohortProgress> into) : IProgress<CohortProgress>
    {
        public void Report(CohortProgress value) => into.Add(value);
    }
}

public sealed class CohortFailureTests
{
    [Fact]
    public async Task Run_MissingAndCorruptStudies_RecordedWithTheirReasonWhileOthersFinish()
    {
        using var dir = new TempDir("medcam-cohort");
        var corrupt = dir.Sub("corrupt");
        var bytes = new byte[4096];
        new Random(3).NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(corrupt, "CT0001.dcm"), bytes);
        var good = Path.Combine(RepoPaths.Samples("covid-ct"), "covid-ct-s2026-0001");
        var manifest = Path.Combine(dir.Path, "cases.csv");
        File.WriteAllText(manifest, $"case_id,folder,class_name\nmissing,{Path.Combine(dir.Path, "nowhere")},normal\ncorrupt,corrupt,normal\ngood,{good},other-pneumonia\n");
        var reports = new List<string>();

        var summary = await CohortRunner.RunAsync(
            new CohortDefinition { Manifest = manifest, Task = "covid-ct", Outputs = ["npy"], Output = dir.Sub("out") },
            progress: new Progress(reports));

        Assert.Equal(2, summary.Failed);
        Assert.Equal(1, summary.Done);
        var missing = Assert.Single(summary.Cases, c => c.CaseId == "missing");
        Assert.Equal(CaseResult.Failed, missing.Status);
        Assert.Contains("nowhere", missing.Error, StringComparison.Ordinal);
        var bad = Assert.Single(summary.Cases, c => c.CaseId == "corrupt");
        Assert.Equal(CaseResult.Failed, bad.Status);
        Assert.Contains("corrupt", bad.Error, StringComparison.Ordinal);
        Assert.Equal("other-pneumonia", Assert.Single(summary.Cases, c => c.CaseId == "good").PredictedClass);
        Assert.Contains("corrupt:", File.ReadAllText(Path.Combine(dir.Path, "out", CohortReports.ReportMarkdown)), StringComparison.Ordinal);

        // A failed case is run again on the next run; a done one is kept.
        reports.Clear();
        await CohortRunner.RunAsync(new CohortDefinition { Manifest = manifest, Task = "covid-ct", Outputs = ["npy"], Output = Path.Combine(dir.Path, "out") }, progress: new Progress(reports));
        Assert.Equal(["missing:run", "corrupt:run", "good:kept"], reports);
    }

    [Fact]
    public async Task Run_MaskOfTheWrongShape_CaseDoneWithANoteAndNoLocalisation()
    {
        using var dir = new TempDir("medcam-cohort");
        var mask = Path.Combine(dir.Path, "mask.npy");
        NpyFile.Write(mask, new float[10 * 10], 10, 10);
        var manifest = Path.Combine(dir.Path, "cases.csv");
        File.WriteAllText(manifest, $"case_id,folder,label,lesion_mask\nc,{Path.Combine(RepoPaths.Samples("covid-ct"), "covid-ct-s2026-0000")},0,{mask}\n");
        NpyFile.Write(mask, Enumerable.Repeat(1f, 100).ToArray(), 10, 10);

        var summary = await CohortRunner.RunAsync(new CohortDefinition { Manifest = manifest, Task = "covid-ct", Outputs = ["npy"], Output = dir.Sub("out") });

        var c = Assert.Single(summary.Cases);
        Assert.Equal(CaseResult.Done, c.Status);
        Assert.Empty(c.Localisation);
        Assert.Contains("does not match", c.Error, StringComparison.Ordinal);
        Assert.True(c.Correct);
    }

    private sealed class Progress(List<string> into) : IProgress<CohortProgress>
    {
        public void Report(CohortProgress value) => into.Add($"{value.Result.CaseId}:{(value.Reused ? "kept" : "run")}");
    }
}
