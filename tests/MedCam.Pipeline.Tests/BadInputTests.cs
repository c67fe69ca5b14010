using MedCam.Pipeline.Tests.Support;

namespace MedCam.Pipeline.Tests;

/// <summary>Unreadable or unsuitable input: a <see cref="PipelineException"/> naming the file and the reason.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("medcam-pipeline-bad-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private PipelineOptions Options(string? task = null, string? model = null) =>
        new() { OutputDirectory = Path.Combine(_folder, "out"), ModelsDirectory = PipelinePaths.Models, Task = task, Model = model };

    [Fact]
    public void Run_TextFileNotDicom_NamesFileAndReason()
    {
        var file = Path.Combine(_folder, "notes.dcm");
        File.WriteAllText(file, "this is not DICOM");
        var error = Assert.Throws<PipelineException>(() => StudyPipeline.Run(StudyInput.FromPath(file), Options()));
        Assert.Equal(file, error.Path);
        Assert.Contains("not a readable DICOM image", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MissingPath_SaysNoSuchFile()
    {
        var missing = Path.Combine(_folder, "nowhere");
        var error = Assert.Throws<PipelineException>(() => StudyPipeline.Run(StudyInput.FromPath(missing), Options()));
        Assert.Contains("nowhere: no such file or folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_EmptyFolder_SaysNoFiles()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_folder, "empty")).FullName;
        var error = Assert.Throws<PipelineException>(() => StudyPipeline.Run(StudyInput.FromPath(empty), Options()));
        Assert.Contains("holds no files", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_CtSeriesWithTooFewSlices_SaysWhySkipped()
    {
        var few = Directory.CreateDirectory(Path.Combine(_folder, "few")).FullName;
        foreach (var file in Directory.EnumerateFiles(PipelinePaths.Study("covid-ct", 0), "*.dcm").Order(StringComparer.Ordinal).Take(5))
        {
            File.Copy(file, Path.Combine(few, Path.GetFileName(file)));
        }

        var error = Assert.Throws<PipelineException>(() => StudyPipeline.Run(StudyInput.FromPath(few), Options()));
        Assert.Contains("no usable CT series", error.Message, StringComparison.Ordinal);
        Assert.Contains("5 slice(s), fewer than 16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ModelOfAnotherModality_NamesModelAndModality()
    {
        var model = Path.Combine(PipelinePaths.Models, "lung-us-frames");
        var error = Assert.Throws<PipelineException>(() => StudyPipeline.Run(StudyInput.FromPath(PipelinePaths.Study("covid-ct", 0)), Options(model: model)));
        Assert.Equal(model, error.Path);
        Assert.Contains("modality US", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_UltrasoundGivenAsCtTask_SaysNoUsableCtSeries()
    {
        var error = Assert.Throws<PipelineException>(() => StudyPipeline.Run(StudyInput.FromPath(PipelinePaths.Study("lung-us", 0)), Options(task: "covid-ct")));
        Assert.Contains("modality US, not CT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_UnknownMethod_NamesIt()
    {
        var options = Options() with { Methods = ["nosuchcam"] };
        var error = Assert.Throws<ArgumentException>(() => StudyPipeline.Run(StudyInput.FromPath(PipelinePaths.Study("lung-us", 0)), options));
        Assert.Contains("nosuchcam", error.Message, StringComparison.Ordinal);
    }
}
