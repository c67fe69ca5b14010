using MedCam.Torch;

namespace MedCam.Explain.Models;

/// <summary>
/// What the CAM engine needs from a classifier, whatever runs it: logits, activations at named layers with the
/// gradients of a per-sample linear target (Σ_k w_nk · logit_nk) with respect to them, the part of the model after a
/// layer (head-only evaluations) and batched forwards. <see cref="TorchExplainableModel"/> adapts
/// <see cref="TorchModel"/>; tests use managed models. Implementations must be safe to call repeatedly (no
/// retained graphs or hooks between calls).
/// </summary>
public interface IExplainableModel
{
    /// <summary>The layers this model can be explained at; the first is the default.</summary>
    IReadOnlyList<string> TargetLayers { get; }

    /// <summary>Logits [N, K] without gradients.</summary>
    Tensor Forward(Tensor input);

    /// <summary>Logits [M, K] of a large batch of inputs, evaluated in chunks of at most <paramref name="maxBatch"/>.</summary>
    Tensor ForwardBatched(Tensor inputs, int maxBatch);

    /// <summary>Activations and d(Σ_k w_nk logit_nk)/dA at each layer; <paramref name="targetWeights"/> is [N, K].</summary>
    ExplainResult Explain(Tensor input, IReadOnlyList<string> layers, Tensor targetWeights);

    /// <summary>As above with one-hot target rows: the logit of class <c>targetClasses[n]</c> for sample n.</summary>
    ExplainResult Explain(Tensor input, IReadOnlyList<string> layers, ReadOnlySpan<int> targetClasses);

    /// <summary>
    /// True when <see cref="Explain(Tensor, IReadOnlyList{string}, ReadOnlySpan{int})"/> takes
    /// <see cref="TorchModel.PredictedClass"/> (-1) for "the first maximum of this sample's logits in the same pass",
    /// so a predicted-class target costs no extra forward. Default false: the engine runs a forward first.
    /// </summary>
    bool ResolvesPredictedClass => false;

    /// <summary>Logits from (modified) activations of one layer: the model after that layer, batched.</summary>
    Tensor Head(string layer, Tensor activations);
}
