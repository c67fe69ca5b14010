using System.Runtime.InteropServices;

namespace MedCam.Torch.Native;

/// <summary>P/Invoke declarations of the C ABI in native/include/medcam/*.h, one region per header.</summary>
internal static unsafe partial class NativeMethods
{
    public const string Library = "medcam_torch";

    /// <summary>The ABI version this binding was written for (MC_ABI_VERSION).</summary>
    public const int AbiVersion = 2;

    static NativeMethods() => NativeLibraryLoader.Register();

    // mc_common.h
    [LibraryImport(Library, EntryPoint = "mc_last_error")]
    public static partial nint LastError();

    [LibraryImport(Library, EntryPoint = "mc_abi_version")]
    public static partial int ShimAbiVersion();

    // mc_runtime.h
    [LibraryImport(Library, EntryPoint = "mc_runtime_torch_version")]
    public static partial nint TorchVersion();

    [LibraryImport(Library, EntryPoint = "mc_runtime_cuda_available")]
    public static partial NativeStatus CudaAvailable(out int available);

    [LibraryImport(Library, EntryPoint = "mc_runtime_cuda_device_count")]
    public static partial NativeStatus CudaDeviceCount(out int count);

    [LibraryImport(Library, EntryPoint = "mc_runtime_set_num_threads")]
    public static partial NativeStatus SetNumThreads(int threads);

    [LibraryImport(Library, EntryPoint = "mc_runtime_get_num_threads")]
    public static partial NativeStatus GetNumThreads(out int threads);

    [LibraryImport(Library, EntryPoint = "mc_runtime_set_graph_optimize")]
    public static partial NativeStatus SetGraphOptimize(int enabled);

    [LibraryImport(Library, EntryPoint = "mc_runtime_get_graph_optimize")]
    public static partial NativeStatus GetGraphOptimize(out int enabled);

    // mc_tensor.h
    [LibraryImport(Library, EntryPoint = "mc_tensor_rank")]
    public static partial NativeStatus TensorRank(nint tensor, out int rank);

    [LibraryImport(Library, EntryPoint = "mc_tensor_shape")]
    public static partial NativeStatus TensorShape(nint tensor, long* shape, int capacity);

    [LibraryImport(Library, EntryPoint = "mc_tensor_numel")]
    public static partial NativeStatus TensorNumel(nint tensor, out long numel);

    [LibraryImport(Library, EntryPoint = "mc_tensor_copy_to")]
    public static partial NativeStatus TensorCopyTo(nint tensor, float* destination, long capacity);

    [LibraryImport(Library, EntryPoint = "mc_tensor_free")]
    public static partial void TensorFree(nint tensor);

    [LibraryImport(Library, EntryPoint = "mc_explain_layer_count")]
    public static partial NativeStatus ExplainLayerCount(ExplainHandle result, out int count);

    [LibraryImport(Library, EntryPoint = "mc_explain_logits")]
    public static partial NativeStatus ExplainLogits(ExplainHandle result, out nint logits);

    [LibraryImport(Library, EntryPoint = "mc_explain_activations")]
    public static partial NativeStatus ExplainActivations(ExplainHandle result, int layer, out nint activations);

    [LibraryImport(Library, EntryPoint = "mc_explain_gradients")]
    public static partial NativeStatus ExplainGradients(ExplainHandle result, int layer, out nint gradients);

    [LibraryImport(Library, EntryPoint = "mc_explain_free")]
    public static partial void ExplainFree(nint result);

    // mc_model.h
    [LibraryImport(Library, EntryPoint = "mc_model_load", StringMarshalling = StringMarshalling.Utf8)]
    public static partial NativeStatus ModelLoad(string path, string device, out ModelHandle model);

    [LibraryImport(Library, EntryPoint = "mc_model_free")]
    public static partial void ModelFree(nint model);

    [LibraryImport(Library, EntryPoint = "mc_model_layer_count")]
    public static partial NativeStatus ModelLayerCount(ModelHandle model, out int count);

    [LibraryImport(Library, EntryPoint = "mc_model_layer_name")]
    public static partial NativeStatus ModelLayerName(ModelHandle model, int index, out nint name);

    [LibraryImport(Library, EntryPoint = "mc_model_layer_has_head")]
    public static partial NativeStatus ModelLayerHasHead(ModelHandle model, int index, out int hasHead);

    [LibraryImport(Library, EntryPoint = "mc_model_forward")]
    public static partial NativeStatus ModelForward(ModelHandle model, float* data, long length, long* shape, int rank,
        out TensorHandle logits);

    [LibraryImport(Library, EntryPoint = "mc_model_forward_batched")]
    public static partial NativeStatus ModelForwardBatched(ModelHandle model, float* data, long length, long* shape,
        int rank, int maxBatch, out TensorHandle logits);

    [LibraryImport(Library, EntryPoint = "mc_model_head", StringMarshalling = StringMarshalling.Utf8)]
    public static partial NativeStatus ModelHead(ModelHandle model, string layer, float* data, long length, long* shape,
        int rank, out TensorHandle logits);

    [LibraryImport(Library, EntryPoint = "mc_model_explain_classes")]
    public static partial NativeStatus ModelExplainClasses(ModelHandle model, float* data, long length, long* shape,
        int rank, nint* layers, int layerCount, long* classes, long classCount, out ExplainHandle result);

    [LibraryImport(Library, EntryPoint = "mc_model_explain_weights")]
    public static partial NativeStatus ModelExplainWeights(ModelHandle model, float* data, long length, long* shape,
        int rank, nint* layers, int layerCount, float* weights, long rows, long cols, out ExplainHandle result);
}
