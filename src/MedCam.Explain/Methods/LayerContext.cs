using MedCam.Explain.Models;
using MedCam.Explain.Targets;
using MedCam.Torch;

namespace MedCam.Explain.Methods;

/// <summary>Everything a method may use to weight one sample's channels at one layer.</summary>
public sealed class LayerContext
{
    internal LayerContext(
        IExplainableModel model,
        Tensor input,
        int sample,
        LayerActivation layer,
        CamTarget target,
        float[] logits,
        CamOptions options,
        float[]? gradientSquared,
        float[]? gradientCubed)
    {
        Model = model;
        Input = input;
        Sample = sample;
        Layer = layer.Name;
        var shape = layer.Activations.Shape;
        Channels = shape[1];
        LayerShape = shape[2..];
        Positions = (int)(layer.Activations.SampleLength / Math.Max(1, Channels));
        InputShape = input.Shape[2..];
        Activations = layer.Activations.Data.AsMemory((int)(sample * layer.Activations.SampleLength), (int)layer.Activations.SampleLength);
        Gradients = layer.Gradients.Data.AsMemory((int)(sample * layer.Gradients.SampleLength), (int)layer.Gradients.SampleLength);
        Target = target;
        Logits = logits;
        Options = options;
        var length = (int)layer.Activations.SampleLength;
        GradientSquared = gradientSquared is null ? (ReadOnlyMemory<float>?)null : new ReadOnlyMemory<float>(gradientSquared, sample * length, length);
        GradientCubed = gradientCubed is null ? (ReadOnlyMemory<float>?)null : new ReadOnlyMemory<float>(gradientCubed, sample * length, length);
    }

    public IExplainableModel Model { get; }

    /// <summary>The whole input batch [N, C_in, spatial...].</summary>
    public Tensor Input { get; }

    public int Sample { get; }

    public string Layer { get; }

    /// <summary>C, the number of channels of the layer.</summary>
    public int Channels { get; }

    /// <summary>Z, the number of spatial positions of the layer.</summary>
    public int Positions { get; }

    /// <summary>The layer's spatial shape (e.g. [h, w] or [d, h, w]).</summary>
    public int[] LayerShape { get; }

    /// <summary>The model input's spatial shape.</summary>
    public int[] InputShape { get; }

    /// <summary>A of this sample, [C, Z] row-major.</summary>
    public ReadOnlyMemory<float> Activations { get; }

    /// <summary>g = dy/dA of this sample, [C, Z] (zeros for gradient-free methods).</summary>
    public ReadOnlyMemory<float> Gradients { get; }

    /// <summary>E[g²] of this sample when the gradient powers were averaged (Smooth Grad-CAM++); null means g².</summary>
    public ReadOnlyMemory<float>? GradientSquared { get; }

    /// <summary>E[g³] when averaged; null means g³.</summary>
    public ReadOnlyMemory<float>? GradientCubed { get; }

    /// <summary>The resolved target of this sample.</summary>
    public CamTarget Target { get; }

    /// <summary>The sample's logits on the unmodified input.</summary>
    public float[] Logits { get; }

    public CamOptions Options { get; }

    /// <summary>The sample's input [C_in, spatial...] flattened.</summary>
    public ReadOnlySpan<float> SampleInput => Input.Data.AsSpan((int)(Sample * Input.SampleLength), (int)Input.SampleLength);
}
