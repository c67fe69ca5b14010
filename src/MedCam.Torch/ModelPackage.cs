namespace MedCam.Torch;

/// <summary>
/// A model package: a folder with model.pt (TorchScript) and model.json (the card), or a bare .pt file, in which case
/// the card is a default one (classes named by index, target layers from the model).
/// </summary>
public sealed class ModelPackage
{
    public const string ModelFileName = "model.pt";
    public const string CardFileName = "model.json";

    private ModelPackage(string modelPath, ModelCard card, bool hasCard)
    {
        ModelPath = modelPath;
        Card = card;
        HasCard = hasCard;
    }

    public ModelCard Card { get; }

    public string ModelPath { get; }

    /// <summary>False for a bare model.pt (the card is a default).</summary>
    public bool HasCard { get; }

    public static ModelPackage Open(string pathToDirOrPt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathToDirOrPt);
        var path = Path.GetFullPath(pathToDirOrPt);
        if (Directory.Exists(path))
        {
            var model = Path.Combine(path, ModelFileName);
            if (!File.Exists(model))
            {
                throw new ModelLoadException($"Model package '{path}' has no {ModelFileName}.");
            }

            var cardPath = Path.Combine(path, CardFileName);
            return File.Exists(cardPath)
                ? new ModelPackage(model, ModelCard.Read(cardPath), hasCard: true)
                : new ModelPackage(model, new ModelCard { Name = Path.GetFileName(path) }, hasCard: false);
        }

        if (!File.Exists(path))
        {
            throw new ModelLoadException($"Model not found: '{path}' is neither a package folder nor a file.");
        }

        var sibling = Path.Combine(Path.GetDirectoryName(path) ?? ".", CardFileName);
        return Path.GetFileName(path) == ModelFileName && File.Exists(sibling)
            ? new ModelPackage(path, ModelCard.Read(sibling), hasCard: true)
            : new ModelPackage(path, new ModelCard { Name = Path.GetFileNameWithoutExtension(path) }, hasCard: false);
    }

    /// <summary>
    /// Loads the model and checks the card against it: every default target layer must exist in the model.
    /// </summary>
    public TorchModel Load(string device = "cpu")
    {
        var model = TorchModel.Load(ModelPath, device);
        var missing = Card.TargetLayers.Where(layer => !model.TargetLayers.Contains(layer)).ToList();
        if (missing.Count > 0)
        {
            model.Dispose();
            throw new UnknownLayerException(
                $"The card of '{Card.Name}' names target layer(s) {string.Join(", ", missing)} that the model does not expose " +
                $"(it has: {(model.TargetLayers.Count == 0 ? "none" : string.Join(", ", model.TargetLayers))}).");
        }

        if (Card.Input.Shape.Count > 0)
        {
            model.ExpectedInputShape = Card.Input.Shape;
        }

        return model;
    }

    /// <summary>The card's default target layers, or else the deepest layer the model exposes.</summary>
    public IReadOnlyList<string> DefaultTargetLayers(TorchModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (Card.TargetLayers.Count > 0)
        {
            return Card.TargetLayers;
        }

        return model.TargetLayers.Count > 0 ? [model.TargetLayers[^1]] : [];
    }
}
