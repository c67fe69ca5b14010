using System.Runtime.InteropServices;
using MedCam.Torch.Native;

namespace MedCam.Torch;

/// <summary>
/// A TorchScript classifier loaded on a device. Thread-safe: one instance may serve several threads at once (the
/// native module is re-entrant; each call carries its own tensors). Inputs are pinned, not copied, for the call;
/// each result is copied once from shim-owned memory into a managed <see cref="Tensor"/>.
/// </summary>
public sealed class TorchModel : IDisposable
{
    private readonly ModelHandle handle;
    private readonly bool[] hasHead;

    private TorchModel(ModelHandle handle, string path, string device)
    {
        this.handle = handle;
        Path = path;
        Device = device;
        NativeError.Check(NativeMethods.ModelLayerCount(handle, out var count));
        var layers = new string[count];
        hasHead = new bool[count];
        for (var i = 0; i < count; i++)
        {
            NativeError.Check(NativeMethods.ModelLayerName(handle, i, out var name));
            layers[i] = Marshal.PtrToStringUTF8(name) ?? string.Empty;
            NativeError.Check(NativeMethods.ModelLayerHasHead(handle, i, out var head));
            hasHead[i] = head != 0;
        }

        TargetLayers = layers;
    }

    /// <summary>Loads a TorchScript file onto "cpu", "cuda" or "cuda:N".</summary>
    public static TorchModel Load(string path, string device = "cpu")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(device);
        TorchRuntime.EnsureInitialized();
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new ModelLoadException(Directory.Exists(fullPath)
                ? $"'{fullPath}' is a folder: open it with ModelPackage.Open or pass the model.pt inside it."
                : $"Model file not found: '{fullPath}'.");
        }

        var status = NativeMethods.ModelLoad(fullPath, device, out var handle);
        if (status != NativeStatus.Ok)
        {
            handle.Dispose();
            throw NativeError.Create(status);
        }

        try
        {
            return new TorchModel(handle, fullPath, device);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public string Path { get; }

    public string Device { get; }

    /// <summary>
    /// The layers this model can be explained at: "features" for the simple convention, the names given at export
    /// for models written by tools/export/medcam_export.py, none for a plain TorchScript classifier.
    /// </summary>
    public IReadOnlyList<string> TargetLayers { get; }

    /// <summary>
    /// The input shape the model card declares ([-1, C, spatial...], -1 = any), or null when unknown (bare model.pt).
    /// When set, inputs of another rank or channel count are refused before they reach the model.
    /// </summary>
    public IReadOnlyList<int>? ExpectedInputShape { get; internal set; }

    /// <summary>Whether <see cref="Head"/> works for the layer (the network is split there).</summary>
    public bool HasHead(string layer)
    {
        var index = IndexOf(layer);
        return index >= 0 && hasHead[index];
    }

    /// <summary>Logits [N, K] of forward(x), without autograd.</summary>
    public Tensor Forward(Tensor input)
    {
        var status = RunForward(input, out var logits);
        return Take(status, logits);
    }

    /// <summary>
    /// Forward into a caller buffer (no result allocation, e.g. in metric loops); returns the logits' shape.
    /// Throws <see cref="ArgumentException"/> when <paramref name="logits"/> is too small.
    /// </summary>
    public unsafe int[] ForwardInto(Tensor input, Span<float> logits)
    {
        var status = RunForward(input, out var result);
        using (result)
        {
            Check(status, result);
            var native = result.DangerousGetHandle();
            fixed (float* destination = logits)
            {
                NativeError.Check(NativeMethods.TensorCopyTo(native, destination, logits.Length));
            }

            return ShapeOf(native);
        }
    }

    /// <summary>Logits of the whole model on a batch of inputs, run in chunks of at most <paramref name="maxBatch"/>.</summary>
    public unsafe Tensor ForwardBatched(Tensor inputs, int maxBatch = 16)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        var model = Live();
        CheckInput(inputs);
        var shape = Longs(inputs.Shape);
        NativeStatus status;
        TensorHandle logits;
        fixed (float* data = inputs.Data)
        fixed (long* dims = shape)
        {
            status = NativeMethods.ModelForwardBatched(model, data, inputs.Length, dims, inputs.Rank, maxBatch, out logits);
        }

        return Take(status, logits);
    }

    /// <summary>Logits from (modified) activations of one layer: the network after that layer, batched, no autograd.</summary>
    public unsafe Tensor Head(string layer, Tensor activations)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(activations);
        var model = Live();
        var shape = Longs(activations.Shape);
        NativeStatus status;
        TensorHandle logits;
        fixed (float* data = activations.Data)
        fixed (long* dims = shape)
        {
            status = NativeMethods.ModelHead(model, layer, data, activations.Length, dims, activations.Rank, out logits);
        }

        return Take(status, logits);
    }

    /// <summary>
    /// Activations at <paramref name="layers"/> and the gradient with respect to them of the per-sample target
    /// sum_k targetWeights[n, k] * logits[n, k] (one-hot rows select a class per sample).
    /// </summary>
    public unsafe ExplainResult Explain(Tensor input, IReadOnlyList<string> layers, Tensor targetWeights)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(targetWeights);
        if (targetWeights.Rank != 2)
        {
            throw new TargetClassException(
                $"Target weights must be a matrix [N, K]; got shape {Tensor.FormatShape(targetWeights.Shape)}.");
        }

        var model = Live();
        CheckInput(input);
        var shape = Longs(input.Shape);
        var names = new LayerNames(layers);
        try
        {
            NativeStatus status;
            ExplainHandle result;
            fixed (float* data = input.Data)
            fixed (long* dims = shape)
            fixed (float* weights = targetWeights.Data)
            fixed (nint* layerPointers = names.Pointers)
            {
                status = NativeMethods.ModelExplainWeights(model, data, input.Length, dims, input.Rank, layerPointers,
                    names.Count, weights, targetWeights.Shape[0], targetWeights.Shape[1], out result);
            }

            return Collect(status, result, layers);
        }
        finally
        {
            names.Free();
        }
    }

    /// <summary>A target class meaning "the sample's predicted class in this same pass" (first maximum of its logits).</summary>
    public const int PredictedClass = -1;

    /// <summary>
    /// As <see cref="Explain(Tensor, IReadOnlyList{string}, Tensor)"/> with the logit of one class per sample;
    /// <see cref="PredictedClass"/> classifies and explains in one forward pass (read the class off the logits).
    /// </summary>
    public unsafe ExplainResult Explain(Tensor input, IReadOnlyList<string> layers, ReadOnlySpan<int> targetClassPerSample)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(layers);
        var model = Live();
        CheckInput(input);
        var shape = Longs(input.Shape);
        var classes = new long[targetClassPerSample.Length];
        for (var i = 0; i < classes.Length; i++)
        {
            classes[i] = targetClassPerSample[i];
        }

        var names = new LayerNames(layers);
        try
        {
            NativeStatus status;
            ExplainHandle result;
            fixed (float* data = input.Data)
            fixed (long* dims = shape)
            fixed (long* targets = classes)
            fixed (nint* layerPointers = names.Pointers)
            {
                status = NativeMethods.ModelExplainClasses(model, data, input.Length, dims, input.Rank, layerPointers,
                    names.Count, classes.Length == 0 ? null : targets, classes.Length, out result);
            }

            return Collect(status, result, layers);
        }
        finally
        {
            names.Free();
        }
    }

    public void Dispose() => handle.Dispose();

    private ModelHandle Live()
    {
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        return handle;
    }

    private void CheckInput(Tensor input)
    {
        var expected = ExpectedInputShape;
        if (expected is null || expected.Count == 0)
        {
            return;
        }

        var wanted = "[" + string.Join(", ", expected.Select(size => size < 0 ? "N" : size.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
        if (input.Rank != expected.Count)
        {
            throw new InputShapeException(
                $"The model expects input of rank {expected.Count} {wanted}; got {Tensor.FormatShape(input.Shape)} (rank {input.Rank}).");
        }

        if (expected.Count > 1 && expected[1] > 0 && input.Shape[1] != expected[1])
        {
            throw new InputShapeException(
                $"The model expects {expected[1]} channel(s) {wanted}; got {input.Shape[1]} in {Tensor.FormatShape(input.Shape)}.");
        }
    }

    private int IndexOf(string layer)
    {
        for (var i = 0; i < TargetLayers.Count; i++)
        {
            if (TargetLayers[i] == layer)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The one native forward call behind <see cref="Forward"/> and <see cref="ForwardInto"/>.</summary>
    private unsafe NativeStatus RunForward(Tensor input, out TensorHandle logits)
    {
        ArgumentNullException.ThrowIfNull(input);
        var model = Live();
        CheckInput(input);
        var shape = Longs(input.Shape);
        fixed (float* data = input.Data)
        fixed (long* dims = shape)
        {
            return NativeMethods.ModelForward(model, data, input.Length, dims, input.Rank, out logits);
        }
    }

    private static long[] Longs(int[] shape) => Array.ConvertAll(shape, static size => (long)size);

    private static void Check(NativeStatus status, SafeHandle result)
    {
        if (status != NativeStatus.Ok)
        {
            result.Dispose();
            throw NativeError.Create(status);
        }
    }

    private static Tensor Take(NativeStatus status, TensorHandle result)
    {
        using (result)
        {
            Check(status, result);
            return Copy(result.DangerousGetHandle());
        }
    }

    private static ExplainResult Collect(NativeStatus status, ExplainHandle result, IReadOnlyList<string> layers)
    {
        using (result)
        {
            Check(status, result);
            NativeError.Check(NativeMethods.ExplainLogits(result, out var logits));
            NativeError.Check(NativeMethods.ExplainLayerCount(result, out var count));
            var entries = new LayerActivation[count];
            for (var i = 0; i < count; i++)
            {
                NativeError.Check(NativeMethods.ExplainActivations(result, i, out var activations));
                NativeError.Check(NativeMethods.ExplainGradients(result, i, out var gradients));
                entries[i] = new LayerActivation(layers[i], Copy(activations), Copy(gradients));
            }

            return new ExplainResult(Copy(logits), entries);
        }
    }

    private static unsafe int[] ShapeOf(nint tensor)
    {
        NativeError.Check(NativeMethods.TensorRank(tensor, out var rank));
        var shape = stackalloc long[Math.Max(rank, 1)];
        NativeError.Check(NativeMethods.TensorShape(tensor, shape, rank));
        var result = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            result[i] = checked((int)shape[i]);
        }

        return result;
    }

    // The single copy of a result: shim memory -> a new managed array.
    private static unsafe Tensor Copy(nint tensor)
    {
        var shape = ShapeOf(tensor);
        NativeError.Check(NativeMethods.TensorNumel(tensor, out var numel));
        var data = GC.AllocateUninitializedArray<float>(checked((int)numel));
        fixed (float* destination = data)
        {
            NativeError.Check(NativeMethods.TensorCopyTo(tensor, destination, numel));
        }

        return new Tensor(data, shape);
    }

    /// <summary>UTF-8 copies of the layer names for the duration of one call.</summary>
    private readonly struct LayerNames
    {
        public LayerNames(IReadOnlyList<string> layers)
        {
            Pointers = new nint[Math.Max(layers.Count, 1)];
            Count = layers.Count;
            for (var i = 0; i < layers.Count; i++)
            {
                ArgumentNullException.ThrowIfNull(layers[i], nameof(layers));
                Pointers[i] = Marshal.StringToCoTaskMemUTF8(layers[i]);
            }
        }

        public nint[] Pointers { get; }

        public int Count { get; }

        public void Free()
        {
            foreach (var pointer in Pointers)
            {
                Marshal.FreeCoTaskMem(pointer);
            }
        }
    }
}
