using MedCam.Torch;

namespace MedCam.Explain.Models;

/// <summary>
/// The CAM engine's view of a <see cref="TorchModel"/> (libtorch): every call maps one to one onto the binding, tensors
/// are passed without copying. The adapter does not own the model unless <c>ownsModel</c> is true.
/// </summary>
public sealed class TorchExplainableModel : IExplainableModel, IDisposable
{
    private readonly bool _ownsModel;

    /// <param name="model">The loaded model.</param>
    /// <param name="defaultLayers">Layers to explain by default (e.g. the model card's); null: the model's last target layer.</param>
    /// <param name="ownsModel">Dispose the model with the adapter.</param>
    public TorchExplainableModel(TorchModel model, IReadOnlyList<string>? defaultLayers = null, bool ownsModel = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _ownsModel = ownsModel;
        if (model.TargetLayers.Count == 0)
        {
            throw new ArgumentException($"The model '{model.Path}' exposes no target layer: export it with features(x)/head(a) or with tools/export/medcam_export.py and a layer name.", nameof(model));
        }

        TargetLayers = defaultLayers is { Count: > 0 } ? defaultLayers : [model.TargetLayers[^1]];
    }

    public TorchModel Model { get; }

    public IReadOnlyList<string> TargetLayers { get; }

    /// <summary>Opens a package folder or a bare .pt and adapts it (default layers from the card when it names some).</summary>
    public static TorchExplainableModel Open(string packageOrPt, string device = "cpu")
    {
        var package = ModelPackage.Open(packageOrPt);
        var model = package.Load(device);
        try
        {
            return new TorchExplainableModel(model, package.Card.TargetLayers, ownsModel: true);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public Tensor Forward(Tensor input) => Model.Forward(input);

    public Tensor ForwardBatched(Tensor inputs, int maxBatch) => Model.ForwardBatched(inputs, maxBatch);

    public ExplainResult Explain(Tensor input, IReadOnlyList<string> layers, Tensor targetWeights) => Model.Explain(input, layers, targetWeights);

    public ExplainResult Explain(Tensor input, IReadOnlyList<string> layers, ReadOnlySpan<int> targetClasses) => Model.Explain(input, layers, targetClasses);

    public bool ResolvesPredictedClass => true;

    public Tensor Head(string layer, Tensor activations) => Model.Head(layer, activations);

    public void Dispose()
    {
        if (_ownsModel)
        {
            Model.Dispose();
        }
    }
}
