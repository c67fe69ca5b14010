using MedCam.Explain.Models;
using MedCam.Torch;

namespace MedCam.Explain.Tests.Support;

/// <summary>
/// A real (small) N-d classifier computed in C#, for testing the engine's math without libtorch:
/// features(x) = ReLU(Wf · avgpool2(x) + bf) (a 1×1 convolution after 2× average pooling on every spatial axis);
/// head(A) = W · GAP(A) + b (or W · GAP(A²) + b when <c>squared</c>, which makes gradients vary with position).
/// Gradients are the analytic derivatives of that head.
/// </summary>
internal sealed class ManagedCnn : IExplainableModel
{
    private readonly float[] _wf;
    private readonly float[] _bf;
    private readonly bool _squared;

    public ManagedCnn(int inputChannels, int channels, int classes, int seed = 5, bool squared = false, float[]? headWeights = null, float[]? headBias = null)
    {
        var rng = new Random(seed);
        InputChannels = inputChannels;
        Channels = channels;
        Classes = classes;
        _squared = squared;
        _wf = Enumerable.Range(0, channels * inputChannels).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        _bf = Enumerable.Range(0, channels).Select(_ => (float)(rng.NextDouble() * 0.4 - 0.1)).ToArray();
        W = headWeights ?? Enumerable.Range(0, classes * channels).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        B = headBias ?? Enumerable.Range(0, classes).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
    }

    public int InputChannels { get; }

    public int Channels { get; }

    public int Classes { get; }

    public float[] W { get; }

    public float[] B { get; }

    public int Calls { get; private set; }

    public IReadOnlyList<string> TargetLayers { get; } = ["features"];

    public Tensor Features(Tensor x)
    {
        var n = x.Shape[0];
        var spatial = x.Shape[2..];
        var pooled = spatial.Select(s => Math.Max(1, s / 2)).ToArray();
        var zIn = spatial.Aggregate(1, (a, b) => a * b);
        var z = pooled.Aggregate(1, (a, b) => a * b);
        var result = new float[n * Channels * z];
        var p = new float[InputChannels * z];
        for (var s = 0; s < n; s++)
        {
            Array.Clear(p);
            var counts = new int[z];
            for (var ci = 0; ci < InputChannels; ci++)
            {
                for (var i = 0; i < zIn; i++)
                {
                    var rem = i;
                    var flat = 0;
                    var stride = 1;
                    var inside = true;
                    for (var a = spatial.Length - 1; a >= 0; a--)
                    {
                        var idx = rem % spatial[a];
                        rem /= spatial[a];
                        var q = idx / 2;
                        if (q >= pooled[a])
                        {
                            inside = false;
                        }

                        flat += q * stride;
                        stride *= pooled[a];
                    }

                    if (inside)
                    {
                        p[(ci * z) + flat] += x.Data[(((s * InputChannels) + ci) * zIn) + i];
                        if (ci == 0)
                        {
                            counts[flat]++;
                        }
                    }
                }
            }

            for (var ci = 0; ci < InputChannels; ci++)
            {
                for (var i = 0; i < z; i++)
                {
                    p[(ci * z) + i] /= counts[i];
                }
            }

            for (var k = 0; k < Channels; k++)
            {
                for (var i = 0; i < z; i++)
                {
                    var v = _bf[k];
                    for (var ci = 0; ci < InputChannels; ci++)
                    {
                        v += _wf[(k * InputChannels) + ci] * p[(ci * z) + i];
                    }

                    result[(((s * Channels) + k) * z) + i] = Math.Max(0, v);
                }
            }
        }

        var shape = new int[2 + pooled.Length];
        shape[0] = n;
        shape[1] = Channels;
        pooled.CopyTo(shape, 2);
        return new Tensor(result, shape);
    }

    public Tensor Head(string layer, Tensor activations)
    {
        Calls++;
        var n = activations.Shape[0];
        var z = (int)(activations.SampleLength / Channels);
        var logits = new float[n * Classes];
        for (var s = 0; s < n; s++)
        {
            var a = activations.SampleSpan(s);
            for (var c = 0; c < Classes; c++)
            {
                double v = B[c];
                for (var k = 0; k < Channels; k++)
                {
                    double mean = 0;
                    for (var i = 0; i < z; i++)
                    {
                        var x = a[(k * z) + i];
                        mean += _squared ? x * x : x;
                    }

                    v += W[(c * Channels) + k] * mean / z;
                }

                logits[(s * Classes) + c] = (float)v;
            }
        }

        return new Tensor(logits, n, Classes);
    }

    public Tensor Forward(Tensor input) => Head("features", Features(input));

    public Tensor ForwardBatched(Tensor inputs, int maxBatch) => Forward(inputs);

    public ExplainResult Explain(Tensor input, IReadOnlyList<string> layers, Tensor targetWeights)
    {
        var a = Features(input);
        var logits = Head("features", a);
        var n = a.Shape[0];
        var z = (int)(a.SampleLength / Channels);
        var g = new float[a.Length];
        for (var s = 0; s < n; s++)
        {
            for (var k = 0; k < Channels; k++)
            {
                double coef = 0;
                for (var c = 0; c < Classes; c++)
                {
                    coef += targetWeights.Data[(s * Classes) + c] * W[(c * Channels) + k];
                }

                for (var i = 0; i < z; i++)
                {
                    var idx = (((s * Channels) + k) * z) + i;
                    g[idx] = (float)(coef / z * (_squared ? 2 * a.Data[idx] : 1));
                }
            }
        }

        return new ExplainResult(logits, layers.Select(l => new LayerActivation(l, a, new Tensor(g, a.Shape))).ToArray());
    }

    public ExplainResult Explain(Tensor input, IReadOnlyList<string> layers, ReadOnlySpan<int> targetClasses)
    {
        var w = new float[targetClasses.Length * Classes];
        for (var s = 0; s < targetClasses.Length; s++)
        {
            if (targetClasses[s] < 0 || targetClasses[s] >= Classes)
            {
                throw new ArgumentOutOfRangeException(nameof(targetClasses), $"class {targetClasses[s]} out of range");
            }

            w[(s * Classes) + targetClasses[s]] = 1;
        }

        return Explain(input, layers, new Tensor(w, targetClasses.Length, Classes));
    }

    public static Tensor RandomInput(int seed, params int[] shape)
    {
        var rng = new Random(seed);
        var n = shape.Aggregate(1, (a, b) => a * b);
        return new Tensor(Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 0.5)).ToArray(), shape);
    }
}
