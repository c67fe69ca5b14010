namespace MedCam.Pipeline;

/// <summary>The pipeline stages in order; progress is reported as each one starts and ends.</summary>
public enum PipelineStage
{
    Load,
    SelectSeries,
    SelectModel,
    Preprocess,
    Classify,
    Explain,
    Render,
    Write,
}

/// <summary>One progress report: the stage, its rank out of all stages, and what was decided or done (no patient data).</summary>
public sealed record PipelineProgress(PipelineStage Stage, string Message)
{
    public int StageNumber => (int)Stage + 1;

    public static int StageCount => Enum.GetValues<PipelineStage>().Length;

    public override string ToString() => $"[{StageNumber}/{StageCount} {Stage}] {Message}";
}
