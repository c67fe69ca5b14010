using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedCam.Torch;

/// <summary>
/// The model card (model.json) of a model package: what the model is, what it expects and how it was validated.
/// Field names in JSON are snake_case; see docs/model-package.md.
/// </summary>
public sealed record ModelCard
{
    public const string CurrentFormat = "medcam-model/1";

    public string Format { get; init; } = CurrentFormat;

    public string Name { get; init; } = "model";

    public string Version { get; init; } = "";

    /// <summary>e.g. "classification".</summary>
    public string Task { get; init; } = "classification";

    /// <summary>DICOM modality or free text: "CT", "US", "SM" (slide microscopy)...</summary>
    public string Modality { get; init; } = "";

    public ModelInputSpec Input { get; init; } = new();

    public Preprocessing Preprocessing { get; init; } = new();

    /// <summary>Class names by logit index; empty means "use the index".</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = [];

    /// <summary>Default target layers for explanations.</summary>
    public IReadOnlyList<string> TargetLayers { get; init; } = [];

    public string IntendedUse { get; init; } = "";

    public string TrainingData { get; init; } = "";

    /// <summary>Measured metrics, e.g. {"auc": 0.91}.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The class name of a logit index, or the index itself when the card has no names.</summary>
    public string ClassName(int index) =>
        index >= 0 && index < ClassNames.Count ? ClassNames[index] : index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Reads a model.json; a malformed file is a <see cref="ModelLoadException"/> naming the problem.</summary>
    public static ModelCard Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var stream = File.OpenRead(path);
            var card = JsonSerializer.Deserialize<ModelCard>(stream, JsonOptions)
                ?? throw new ModelLoadException($"Model card '{path}' is empty.");
            if (!card.Format.StartsWith("medcam-model/", StringComparison.Ordinal))
            {
                throw new ModelLoadException($"Model card '{path}' has format '{card.Format}', expected '{CurrentFormat}'.");
            }

            return card;
        }
        catch (JsonException error)
        {
            throw new ModelLoadException($"Model card '{path}' is not valid JSON for a model card: {error.Message}", error);
        }
    }

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));
}

/// <summary>Expected input: shape with -1 for free dimensions (batch), and channel meanings.</summary>
public sealed record ModelInputSpec
{
    /// <summary>e.g. [-1, 1, 64, 128, 128] (N, C, D, H, W); empty when unknown.</summary>
    public IReadOnlyList<int> Shape { get; init; } = [];

    public IReadOnlyList<string> Channels { get; init; } = [];
}

/// <summary>How raw images become model input, in the order listed in docs/model-package.md.</summary>
public sealed record Preprocessing
{
    /// <summary>CT/intensity window applied first.</summary>
    public Windowing? Windowing { get; init; }

    /// <summary>Resample to this voxel/pixel spacing in mm (z, y, x or y, x).</summary>
    public IReadOnlyList<double>? Spacing { get; init; }

    /// <summary>Resize to this spatial size after resampling.</summary>
    public IReadOnlyList<int>? Resize { get; init; }

    public Normalisation? Normalisation { get; init; }
}

public sealed record Windowing(double Center, double Width);

/// <summary>Per-channel (x - mean) / std after scaling intensities into [0, 1] when <see cref="ScaleToUnit"/>.</summary>
public sealed record Normalisation
{
    public IReadOnlyList<double> Mean { get; init; } = [];

    public IReadOnlyList<double> Std { get; init; } = [];

    public bool ScaleToUnit { get; init; }
}
