using MedCam.Outputs;

namespace MedCam.Pipeline;

/// <summary>How to run a study: task, model, CAM methods, device and where to write.</summary>
public sealed record PipelineOptions
{
    /// <summary>Output folder (created). Required.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary><c>covid-ct</c>, <c>lung-us</c> or <c>bladder-histo</c>; null: decided from modality / SOP class.</summary>
    public string? Task { get; init; }

    /// <summary>A model package folder or model.pt; null: the first package under <see cref="ModelsDirectory"/> whose card fits the task.</summary>
    public string? Model { get; init; }

    /// <summary>Where model packages are searched; null: the nearest <c>sample-data/models</c> above the current or the application folder.</summary>
    public string? ModelsDirectory { get; init; }

    /// <summary>CAM method names (see MedCam.Explain's CamMethods), or "all". Default Grad-CAM.</summary>
    public IReadOnlyList<string> Methods { get; init; } = ["gradcam"];

    /// <summary>cpu, cuda or cuda:N.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Scratch folder; null: <c>&lt;out&gt;/work</c>, removed after a successful run.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>Outputs to write; null: every format the source kind allows (Parametric Map for volumes only).</summary>
    public OutputFormat? Formats { get; init; }

    /// <summary>How heatmaps and text are drawn (colour map, window, text placement); null: <see cref="RenderSettings.Default"/> (placement Auto).</summary>
    public RenderSettings? Render { get; init; }

    /// <summary>Lung US: Gaussian σ in frames applied to the per-frame maps along time (Born et al. use none; 1 frame keeps flicker down).</summary>
    public double TemporalSigmaFrames { get; init; } = 1.0;

    /// <summary>Lung US: a frame is decisive when its probability of the video class exceeds this (Born et al.: 0.75).</summary>
    public double DecisiveThreshold { get; init; } = 0.75;

    /// <summary>Histology: tiles with at least this tissue fraction are classified (the reference model's training rule: 0.25).</summary>
    public double MinimumTissueFraction { get; init; } = 0.25;

    /// <summary>Histology: a grade is the slide grade when at least this many tiles are predicted with it (the card's rule: 2).</summary>
    public int MinimumTilesForGrade { get; init; } = 2;

    /// <summary>Fixed creation time for byte-identical reruns (worker); null: now.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
}
