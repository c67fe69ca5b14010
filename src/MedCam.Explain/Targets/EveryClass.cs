using MedCam.Explain.Methods;
using MedCam.Explain.Models;
using MedCam.Torch;

namespace MedCam.Explain.Targets;

/// <summary>
/// The "every class" target: one map per class for each sample, from one batched call (each sample repeated K
/// times, copy c targeting class c). Maps are [N, K, spatial...].
/// </summary>
public static class EveryClass
{
    public static Tensor Compute(CamMethod method, IExplainableModel model, Tensor input, CamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        var n = input.Shape[0];
        var k = model.Forward(input.Slice(0)).Shape[1];
        var sample = (int)input.SampleLength;
        var repeated = new float[n * k * sample];
        var targets = new CamTarget[n * k];
        for (var s = 0; s < n; s++)
        {
            for (var c = 0; c < k; c++)
            {
                input.SampleSpan(s).CopyTo(repeated.AsSpan(((s * k) + c) * sample, sample));
                targets[(s * k) + c] = CamTarget.Class(c);
            }
        }

        var shape = (int[])input.Shape.Clone();
        shape[0] = n * k;
        var result = method.Compute(model, new Tensor(repeated, shape), targets, options);
        var mapShape = new int[result.Maps.Rank + 1];
        mapShape[0] = n;
        mapShape[1] = k;
        result.Maps.Shape.AsSpan(1).CopyTo(mapShape.AsSpan(2));
        return new Tensor(result.Maps.Data, mapShape);
    }
}
