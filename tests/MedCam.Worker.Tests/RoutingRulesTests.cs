using MedCam.Worker.Routing;
using MedCam.Worker.Tests.Infrastructure;

namespace MedCam.Worker.Tests;

public sealed class RoutingRulesTests
{
    private static readonly SeriesSummary ChestCt = new("1.1", "CT", "1.2.840.10008.5.1.4.1.1.2", "CHEST", "Thorax 1mm", 120);
    private static readonly SeriesSummary LungUs = new("1.2", "US", "1.2.840.10008.5.1.4.1.1.3.1", "LUNG", "Lung cine", 1);

    [Fact]
    public void Decide_DefaultRules_ChestCtToCovidCtAndUsToLungUs()
    {
        var rules = RoutingRules.Load(Path.Combine(Repo.Root, "pipelines", "routing.yaml"));

        Assert.Equal("covid-ct", rules.Decide([ChestCt])!.Task);
        var us = rules.Decide([LungUs])!;
        Assert.Equal("lung-us", us.Task);
        Assert.Equal("1.2", us.SeriesInstanceUid);
        Assert.Null(rules.Decide([ChestCt with { BodyPartExamined = "HEAD" }]));
    }

    [Fact]
    public void Decide_SeriesDescriptionRegexAndFirstRuleWins()
    {
        var rules = RoutingRules.Parse("""
            rules:
              - name: thin
                match: { modality: [ct], seriesDescription: "1\\s*mm" }
                task: a
              - name: any-ct
                match: { modality: [CT] }
                task: b
                methods: [gradcam, scorecam]
                outputs: [sc, pmap]
            """);

        Assert.Equal("thin", rules.Decide([ChestCt])!.Rule);
        var other = rules.Decide([ChestCt with { SeriesDescription = "5 mm" }])!;
        Assert.Equal("b", other.Task);
        Assert.Equal(["gradcam", "scorecam"], other.Methods);
    }

    [Theory]
    [InlineData("rules: []", "no rules")]
    [InlineData("rules:\n  - name: x\n    match: { modality: [CT] }", "has no task")]
    [InlineData("rules:\n  - task: t\n    match: { seriesDescription: \"(\" }", "not a valid regular expression")]
    [InlineData("rules:\n  - task: t\n    match: [oops", "line")]
    public void Parse_BadRules_ClearError(string yaml, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => RoutingRules.Parse(yaml, "routing.yaml"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("routing.yaml", error.Message, StringComparison.Ordinal);
    }
}
