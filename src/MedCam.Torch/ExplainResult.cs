namespace MedCam.Torch;

/// <summary>The logits of an explained batch and, per requested layer, its activations and gradients.</summary>
public sealed class ExplainResult
{
    public ExplainResult(Tensor logits, IReadOnlyList<LayerActivation> layers)
    {
        Logits = logits;
        Layers = layers;
    }

    /// <summary>Logits [N, K].</summary>
    public Tensor Logits { get; }

    /// <summary>One entry per requested layer, in the order requested.</summary>
    public IReadOnlyList<LayerActivation> Layers { get; }

    /// <summary>The entry of the named layer.</summary>
    public LayerActivation Layer(string name) =>
        Layers.FirstOrDefault(layer => layer.Name == name)
        ?? throw new UnknownLayerException($"The result has no layer '{name}'; it has: {string.Join(", ", Layers.Select(l => l.Name))}.");
}

/// <summary>Activations A of a layer and the gradient dTarget/dA, both [N, C, spatial...].</summary>
public sealed class LayerActivation
{
    public LayerActivation(string name, Tensor activations, Tensor gradients)
    {
        Name = name;
        Activations = activations;
        Gradients = gradients;
    }

    public string Name { get; }

    public Tensor Activations { get; }

    public Tensor Gradients { get; }
}
