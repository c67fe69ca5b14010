namespace MedCam.Pipeline.Stages;

/// <summary>The clinical tasks and the modality each one's models take.</summary>
public static class PipelineTasks
{
    public const string CovidCt = "covid-ct";
    public const string LungUs = "lung-us";
    public const string BladderHisto = "bladder-histo";

    public static IReadOnlyList<string> Names { get; } = [CovidCt, LungUs, BladderHisto];

    /// <summary>The DICOM modality of the task's input and of its models' cards.</summary>
    public static string Modality(string task) => task switch
    {
        CovidCt => "CT",
        LungUs => "US",
        BladderHisto => "SM",
        _ => throw new ArgumentException($"Unknown task '{task}': use {string.Join(", ", Names)}."),
    };

    public static string Normalise(string task)
    {
        var t = task.Trim().ToLowerInvariant();
        return Names.Contains(t) ? t : throw new ArgumentException($"Unknown --task '{task}': use {string.Join(", ", Names)}.");
    }
}

/// <summary>Decides the task from the option, else from the modality and SOP class of the input series.</summary>
public static class TaskResolver
{
    public static string Resolve(PipelineContext context, StudyInventory inventory)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(inventory);
        if (context.Options.Task is { } given)
        {
            var task = PipelineTasks.Normalise(given);
            context.Log(PipelineStage.SelectSeries, $"task {task} (given)");
            return task;
        }

        foreach (var (task, test) in new (string, Func<SeriesInfo, bool>)[]
        {
            (PipelineTasks.CovidCt, s => s.Modality == "CT" || s.SopClassUid is SopClassNames.CtImage or SopClassNames.EnhancedCtImage),
            (PipelineTasks.LungUs, s => s.Modality == "US" || s.SopClassUid is SopClassNames.UltrasoundMultiFrame or SopClassNames.UltrasoundImage),
            (PipelineTasks.BladderHisto, s => s.Modality == "SM" || s.SopClassUid is SopClassNames.WholeSlideMicroscopy or SopClassNames.VlMicroscopic or SopClassNames.VlSlideCoordinatesMicroscopic),
        })
        {
            var match = inventory.Series.FirstOrDefault(test);
            if (match is not null)
            {
                context.Log(PipelineStage.SelectSeries, $"task {task}: {match.Modality} / {SopClassNames.Describe(match.SopClassUid)} input");
                return task;
            }
        }

        var found = string.Join(", ", inventory.Series.Select(s => $"{s.Modality} {SopClassNames.Describe(s.SopClassUid)}").Distinct());
        throw new PipelineException(string.Join(", ", context.Input.Paths),
            $"no task takes this input ({found}): MedCam explains CT (covid-ct), ultrasound (lung-us) and slide microscopy (bladder-histo); pass --task to force one");
    }
}
