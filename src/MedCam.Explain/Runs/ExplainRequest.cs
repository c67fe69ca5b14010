namespace MedCam.Explain.Runs;

/// <summary>One `medcam explain` job on an array input: what to explain, how, and where the files go.</summary>
public sealed record ExplainRequest
{
    /// <summary>A model package folder or a bare TorchScript file.</summary>
    public required string Model { get; init; }

    /// <summary>Input [N, C, spatial...] float32 (any numeric .npy is converted).</summary>
    public required MedCam.Torch.Tensor Input { get; init; }

    /// <summary>Method names (<see cref="Methods.CamMethods.Names"/>); "all" expands to every method.</summary>
    public IReadOnlyList<string> Methods { get; init; } = ["gradcam"];

    /// <summary>Target class for every sample; null: the predicted class.</summary>
    public int? TargetClass { get; init; }

    public IReadOnlyList<string>? Layers { get; init; }

    public PostFilterKind Filter { get; init; } = PostFilterKind.None;

    public string Device { get; init; } = "cpu";

    public required string OutputDirectory { get; init; }

    /// <summary>Where the input came from, for the summary (never patient data).</summary>
    public string InputDescription { get; init; } = "";
}
