using MedCam.Testing;

namespace MedCam.Cohorts.Tests;

public sealed class DefinitionTests
{
    [Fact]
    public void Load_CommittedSampleDefinition_PathsResolvedAgainstItsFolder()
    {
        var d = CohortDefinition.Load(Path.Combine(RepoPaths.Root, "pipelines", "cohort-samples.yaml"));

        Assert.Equal(Path.Combine(RepoPaths.Samples("covid-ct"), "labels.csv"), d.Manifest);
        Assert.Equal(Path.Combine(RepoPaths.Root, "cohort-output", "samples-covid-ct"), d.Output);
        Assert.Equal(["gradcam", "gradcam++"], d.Methods);
        Assert.Equal(15, d.PointingToleranceMm);
        Assert.Equal(3, CohortManifest.Read(d).Count);
    }

    [Theory]
    [InlineData("manifest: m.csv\nroot: .\n", "exactly one of")]
    [InlineData("manifest: nothing.csv\n", "does not exist")]
    [InlineData("root: .\noutputs: [sc, movie]\n", "Unknown output format 'movie'")]
    [InlineData("root: .\nmethods: []\n", "'methods' is empty")]
    [InlineData("root: .\npointingToleranceMm: -1\n", "pointingToleranceMm")]
    [InlineData("root: .\nmethods: [gradcam\n", "line")]
    [InlineData("root: .\nflavour: mint\n", "line 2")]
    public void Load_BadDefinition_ErrorNamesFileAndProblem(string yaml, string expected)
    {
        using var dir = new TempDir("medcam-cohort");
        File.WriteAllText(Path.Combine(dir.Path, "m.csv"), "case_id,folder\n");
        var path = Path.Combine(dir.Path, "c.yaml");
        File.WriteAllText(path, yaml);

        var error = Assert.Throws<CohortDefinitionException>(() => CohortDefinition.Load(path));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("folder\nx\n", "no case id column")]
    [InlineData("case_id,folder\na,x\na,y\n", "line 3: case id 'a' appears twice")]
    [InlineData("case_id,folder,label\na,x,two\n", "line 2: label 'two'")]
    [InlineData("case_id,folder\n../up,x\n", "cannot be a folder name")]
    [InlineData("case_id,folder\na,\n", "line 2: case 'a' has no study folder")]
    public void ReadCsv_BadManifest_ErrorNamesTheLine(string csv, string expected)
    {
        using var dir = new TempDir("medcam-cohort");
        var path = Path.Combine(dir.Path, "m.csv");
        File.WriteAllText(path, csv);

        var error = Assert.Throws<CohortDefinitionException>(() => CohortManifest.ReadCsv(path));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRoot_FolderOfStudies_OneUnlabelledCasePerSubfolder()
    {
        var cases = CohortManifest.ReadRoot(RepoPaths.Samples("lung-us"));

        Assert.Equal(["lung-us-s2026-0000", "lung-us-s2026-0001", "lung-us-s2026-0002"], cases.Select(c => c.Id));
        Assert.All(cases, c => Assert.Null(c.Label));
    }

    [Fact]
    public void Truth_ClassNameAndLabelDisagree_NoTruthAndANote()
    {
        var (index, _, note) = CohortRunner.Truth(new CohortCase("a", "/x", 0, "normal", null), ["covid-19", "other-pneumonia", "normal"]);

        Assert.Null(index);
        Assert.Contains("'covid-19'", note, StringComparison.Ordinal);
        Assert.Equal(2, CohortRunner.Truth(new CohortCase("a", "/x", null, "NORMAL", null), ["covid-19", "other-pneumonia", "normal"]).Index);
    }
}
