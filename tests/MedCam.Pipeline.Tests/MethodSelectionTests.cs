using System.Text.Json;
using MedCam.Explain.Methods;
using MedCam.Outputs;
using MedCam.Pipeline.Stages;
using MedCam.Pipeline.Tests.Support;

namespace MedCam.Pipeline.Tests;

/// <summary>Several methods in one run: the first asked for (Grad-CAM for "all") is the primary one, and the FHIR bundle, summary and human summary say so.</summary>
public sealed class MethodSelectionTests
{
    [Fact]
    public void Methods_All_GradCamFirstThenEveryOtherOnce()
    {
        var names = CamStage.Methods(["all"]).Select(m => m.Name).ToArray();

        Assert.Equal("gradcam", names[0]);
        Assert.Equal(CamMethods.Names.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Methods_NamedList_KeptInOrderWithoutDuplicates()
    {
        Assert.Equal(["layercam", "gradcam"], CamStage.Methods(["layercam", "gradcam", "layercam"]).Select(m => m.Name));
        Assert.Equal(["gradcam"], CamStage.Methods([]).Select(m => m.Name));
    }

    [Fact]
    public void Run_TwoMethods_FhirBundleAndSummaryFollowThePrimaryMethod()
    {
        var output = Directory.CreateTempSubdirectory("medcam-methods-").FullName;
        try
        {
            var result = StudyPipeline.Run(StudyInput.FromPath(PipelinePaths.Study(PipelineTasks.BladderHisto, 2)), new PipelineOptions
            {
                OutputDirectory = output,
                ModelsDirectory = PipelinePaths.Models,
                Methods = ["gradcam++", "gradcam"],
                Formats = OutputFormat.Fhir | OutputFormat.Npy,
            });

            Assert.Equal(["gradcam++", "gradcam"], result.Methods.Select(m => m.Method));
            Assert.Equal("gradcam++", result.PrimaryMethod);
            Assert.Equal(Path.Combine(output, "gradcampp", "bundle.json"), result.FhirBundle);
            Assert.All(result.Methods, m => Assert.True(File.Exists(m.FhirBundle), m.Method));
            Assert.NotEqual(File.ReadAllText(result.Methods[0].FhirBundle!), File.ReadAllText(result.Methods[1].FhirBundle!));
            using (var bundle = JsonDocument.Parse(File.ReadAllText(result.FhirBundle!)))
            {
                Assert.Contains(Strings(bundle.RootElement), s => s.Contains("Grad-CAM++", StringComparison.Ordinal));
            }


            using var summary = JsonDocument.Parse(File.ReadAllText(result.SummaryPath));
            var root = summary.RootElement;
            Assert.Equal("gradcam++", root.GetProperty("primary_method").GetString());
            Assert.Equal(Path.Combine("gradcampp", "bundle.json"), root.GetProperty("fhir_bundle").GetString());
            Assert.Equal(["gradcam++", "gradcam"], root.GetProperty("methods").EnumerateArray().Select(m => m.GetProperty("method").GetString()));
            Assert.All(root.GetProperty("methods").EnumerateArray(), m => Assert.EndsWith("bundle.json", m.GetProperty("fhir_bundle").GetString(), StringComparison.Ordinal));

            var text = PipelineReport.HumanSummary(result);
            Assert.Contains("gradcam++ (primary)", text, StringComparison.Ordinal);
            Assert.Contains("each method's folder has its own bundle.json", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static IEnumerable<string> Strings(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => [e.GetString()!],
        JsonValueKind.Object => e.EnumerateObject().SelectMany(p => Strings(p.Value)),
        JsonValueKind.Array => e.EnumerateArray().SelectMany(Strings),
        _ => [],
    };
}
