using MedCam.Pipeline.Stages;

namespace MedCam.Pipeline.Tests.Support;

/// <summary>Runs the pipeline once on each committed sample study (default method, default outputs) for the whole test class.</summary>
public sealed class SampleRunsFixture : IDisposable
{
    public SampleRunsFixture()
    {
        Output = Directory.CreateTempSubdirectory("medcam-pipeline-samples-").FullName;
        foreach (var task in PipelineTasks.Names)
        {
            for (var i = 0; i < 3; i++)
            {
                var study = PipelinePaths.Study(task, i);
                var options = new PipelineOptions
                {
                    OutputDirectory = Path.Combine(Output, Path.GetFileName(study)),
                    ModelsDirectory = PipelinePaths.Models,
                    CreatedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
                };
                Results[(task, i)] = StudyPipeline.Run(StudyInput.FromPath(study), options);
            }
        }
    }

    public string Output { get; }

    public Dictionary<(string Task, int Index), PipelineResult> Results { get; } = [];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Output, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition("samples")]
public sealed class SampleRunsCollection : ICollectionFixture<SampleRunsFixture>;
