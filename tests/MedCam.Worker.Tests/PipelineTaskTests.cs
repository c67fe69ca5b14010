using MedCam.Dicom;
using MedCam.Worker.Processing;
using MedCam.Worker.Routing;
using MedCam.Worker.Tests.Infrastructure;

namespace MedCam.Worker.Tests;

/// <summary>The clinical tasks run through MedCam.Pipeline inside a job (what `medcam serve run-job` does).</summary>
public sealed class PipelineTaskTests
{
    [Fact]
    public void Run_CovidCtSampleStudy_ExplainsWithTheSampleModelAndReturnsDerivedObjects()
    {
        using var temp = new TempDir();
        var study = Path.Combine(Repo.Root, "sample-data", "covid-ct", "covid-ct-s2026-0000");
        var rules = RoutingRules.Load(Path.Combine(Repo.Root, "pipelines", "routing.yaml"));
        var rule = Assert.Single(rules.Rules, r => r.Task == "covid-ct");
        string seriesUid;
        using (var first = DicomFile.Open(Directory.EnumerateFiles(study, "*.dcm").First()))
        {
            seriesUid = first.Dataset.GetString(DicomTags.SeriesInstanceUID);
        }

        var job = new StudyJob
        {
            StudyKey = "sample-ct",
            StudyFolder = study,
            Decision = new RoutingDecision(rule.Name, rule.Task, rule.Model, rule.Methods, rule.Outputs, seriesUid),
            OutputFolder = temp.Sub("run"),
        };

        var result = JobRunner.Run(job);

        Assert.Contains("covid-ct: covid-19", result.Summary, StringComparison.Ordinal);
        var sourceCount = Directory.EnumerateFiles(study, "*.dcm").Count();
        Assert.True(result.DicomFiles.Count > sourceCount, $"expected one SC per slice plus a parametric map, got {result.DicomFiles.Count}");
        Assert.All(result.DicomFiles, f => Assert.True(File.Exists(f), f));
        Assert.NotNull(result.FhirBundle);
        Assert.True(File.Exists(result.FhirBundle));
    }
}
