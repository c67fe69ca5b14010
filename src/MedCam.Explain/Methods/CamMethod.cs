using System.Diagnostics;
using MedCam.Explain.Maps;
using MedCam.Explain.Models;
using MedCam.Explain.Targets;
using MedCam.Imaging.Filters;
using MedCam.Torch;

namespace MedCam.Explain.Methods;

/// <summary>
/// The template every CAM method shares. <see cref="Compute"/> resolves the per-sample targets, runs the model once
/// for activations (and gradients when <see cref="UsesGradients"/>), asks the method for each sample's layer map,
/// then applies ReLU, resamples the map linearly (align_corners = false) to the input grid, fuses several layers by
/// element-wise maximum (each layer min-max normalised first, so no layer dominates by scale), applies the optional
/// post-filter and normalises to [0, 1] (a constant map becomes zeros). A new method overrides one thing:
/// <see cref="ChannelWeights"/> (map = Σ_k w_k A^k) or <see cref="LayerMap"/> (the whole map).
/// </summary>
public abstract class CamMethod
{
    /// <summary>The command-line name, e.g. "gradcam".</summary>
    public abstract string Name { get; }

    /// <summary>Whether the method needs dy/dA (false: activations only, gradients are not used).</summary>
    public virtual bool UsesGradients => true;

    /// <summary>Normalisation of the final map; CF-CAM divides by the maximum as its authors do.</summary>
    protected virtual bool NormaliseByMaxOnly => false;

    /// <summary>Explains every sample of <paramref name="input"/> [N, C, spatial...] for its target (one target for all, or N).</summary>
    public CamResult Compute(IExplainableModel model, Tensor input, IReadOnlyList<CamTarget> targets, CamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(targets);
        options ??= CamOptions.Default;
        if (input.Rank < 3)
        {
            throw new ArgumentException($"The input must be [N, C, spatial...] (rank >= 3); got shape [{string.Join(", ", input.Shape)}].", nameof(input));
        }

        var n = input.Shape[0];
        if (targets.Count != 1 && targets.Count != n)
        {
            throw new ArgumentException($"Give one target for the whole batch or one per sample: {targets.Count} targets for {n} samples.", nameof(targets));
        }

        var perSample = Enumerable.Range(0, n).Select(i => targets[targets.Count == 1 ? 0 : i]).ToArray();
        var layers = options.Layers ?? model.TargetLayers;
        if (layers.Count == 0)
        {
            throw new ArgumentException("No target layer: the model names none and none was given.", nameof(options));
        }

        var total = Stopwatch.StartNew();
        var pass = Gather(model, input, perSample, layers, options);
        var modelTime = total.Elapsed;

        var inputSpatial = input.Shape[2..];
        var inputPositions = (int)(input.SampleLength / input.Shape[1]);
        var maps = new float[n * inputPositions];
        var layerMap = new float[inputPositions];
        var resampler = new MapResampler();
        for (var s = 0; s < n; s++)
        {
            var fused = maps.AsSpan(s * inputPositions, inputPositions);
            var logits = pass.Logits.SampleSpan(s).ToArray();
            for (var l = 0; l < pass.Layers.Count; l++)
            {
                var layer = pass.Layers[l];
                var context = new LayerContext(model, input, s, layer, pass.Targets[s], logits, options, pass.GradientSquared?[l], pass.GradientCubed?[l]);
                var onLayer = new float[context.Positions];
                LayerMap(context, onLayer);
                MapMath.Relu(onLayer);
                var target = pass.Layers.Count == 1 ? fused : layerMap;
                ToInputGrid(resampler, onLayer, context.LayerShape, inputSpatial, target);
                if (pass.Layers.Count > 1)
                {
                    MapMath.MinMaxNormalise(layerMap);
                    System.Numerics.Tensors.TensorPrimitives.Max(fused, layerMap, fused);
                }
            }

            ApplyPostFilter(fused, inputSpatial, options);
            if (NormaliseByMaxOnly)
            {
                MapMath.MaxNormalise(fused);
            }
            else
            {
                MapMath.MinMaxNormalise(fused);
            }
        }

        var mapShape = new int[inputSpatial.Length + 1];
        mapShape[0] = n;
        inputSpatial.CopyTo(mapShape, 1);
        return new CamResult(
            Name,
            new Tensor(maps, mapShape),
            pass.Logits,
            pass.Targets.Select(t => t.ToString() ?? string.Empty).ToArray(),
            pass.Targets.Select(t => t.ClassIndex).ToArray(),
            pass.Layers.Select(l => l.Name).ToArray(),
            modelTime,
            total.Elapsed);
    }

    /// <summary>Convenience: one target for the whole batch.</summary>
    public CamResult Compute(IExplainableModel model, Tensor input, CamTarget target, CamOptions? options = null) =>
        Compute(model, input, [target], options);

    /// <summary>The channel weights w_k of one sample at one layer (map = Σ_k w_k A^k).</summary>
    protected virtual float[] ChannelWeights(LayerContext context) =>
        throw new NotSupportedException($"{GetType().Name} overrides neither ChannelWeights nor LayerMap.");

    /// <summary>The map of one sample on the layer grid, before ReLU. Default: Σ_k w_k A^k.</summary>
    protected virtual void LayerMap(LayerContext context, Span<float> map)
    {
        ArgumentNullException.ThrowIfNull(context);
        var weights = ChannelWeights(context);
        MapMath.WeightedChannelSum(context.Activations.Span, weights, map);
    }

    /// <summary>
    /// Runs the model: resolves data-dependent targets on the logits (one extra forward pass), then one explain call
    /// with class indices (or target weights for function targets). Smooth Grad-CAM++ overrides this.
    /// </summary>
    internal virtual ModelPass Gather(IExplainableModel model, Tensor input, CamTarget[] targets, IReadOnlyList<string> layers, CamOptions options)
    {
        if (model.ResolvesPredictedClass && targets.Any(t => t is PredictedClass) && targets.All(t => t is PredictedClass || (!t.NeedsLogits && t.ClassIndex is not null)))
        {
            // One pass: the model picks each predicted class from the logits of this very forward.
            var classes = targets.Select(t => t is PredictedClass ? TorchModel.PredictedClass : t.ClassIndex!.Value).ToArray();
            var pass = model.Explain(input, layers, classes);
            var chosen = targets.Select((t, s) => t is PredictedClass ? t.Resolve(pass.Logits.SampleSpan(s)) : t).ToArray();
            return new ModelPass(pass.Logits, chosen, pass.Layers, null, null);
        }

        var resolved = ResolveTargets(model, input, targets, out var weights);
        var result = weights is null
            ? model.Explain(input, layers, ClassesOf(resolved))
            : model.Explain(input, layers, weights);
        return new ModelPass(result.Logits, resolved, result.Layers, null, null);
    }

    internal static CamTarget[] ResolveTargets(IExplainableModel model, Tensor input, CamTarget[] targets, out Tensor? weights)
    {
        weights = null;
        if (!targets.Any(t => t.NeedsLogits))
        {
            return targets;
        }

        var logits = model.Forward(input);
        var k = logits.Shape[1];
        var resolved = new CamTarget[targets.Length];
        for (var s = 0; s < targets.Length; s++)
        {
            resolved[s] = targets[s].Resolve(logits.SampleSpan(s));
        }

        if (resolved.All(t => t.ClassIndex is not null))
        {
            return resolved;
        }

        var w = new float[targets.Length * k];
        for (var s = 0; s < targets.Length; s++)
        {
            resolved[s].Gradient(logits.SampleSpan(s), w.AsSpan(s * k, k));
        }

        weights = new Tensor(w, targets.Length, k);
        return resolved;
    }

    internal static int[] ClassesOf(CamTarget[] targets) => targets.Select(t => t.ClassIndex ?? 0).ToArray();

    internal static void ToInputGrid(MapResampler resampler, ReadOnlySpan<float> layerMap, int[] layerShape, int[] inputShape, Span<float> destination)
    {
        if (layerShape.Length != inputShape.Length)
        {
            throw new InvalidOperationException($"The layer has {layerShape.Length} spatial axes but the input has {inputShape.Length}: a CAM needs a spatial layer (not a flattened or pooled one).");
        }

        resampler.Resize(layerMap, layerShape, destination, inputShape);
    }

    private static void ApplyPostFilter(Span<float> map, int[] shape, CamOptions options)
    {
        switch (options.PostFilter)
        {
            case PostFilterKind.Gaussian:
                var sigmas = new double[shape.Length];
                for (var a = 0; a < sigmas.Length; a++)
                {
                    sigmas[a] = options.GaussianSigma.Count == 1 ? options.GaussianSigma[0] : options.GaussianSigma[a];
                }

                if (options.GaussianSigma.Count != 1 && options.GaussianSigma.Count != shape.Length)
                {
                    throw new ArgumentException($"Gaussian σ needs 1 or {shape.Length} values, got {options.GaussianSigma.Count}.", nameof(options));
                }

                GaussianFilter.Apply(map.ToArray(), shape, map, sigmas);
                break;
            case PostFilterKind.RankGaussian:
                RankGaussianFilter.Apply(map.ToArray(), shape, map);
                break;
            default:
                break;
        }
    }
}

/// <summary>What one model pass gave: logits, resolved targets, per-layer activations and gradients.</summary>
internal sealed record ModelPass(Tensor Logits, CamTarget[] Targets, IReadOnlyList<LayerActivation> Layers, float[][]? GradientSquared, float[][]? GradientCubed);
