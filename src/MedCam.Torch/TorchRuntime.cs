using System.Globalization;
using System.Runtime.InteropServices;
using MedCam.Torch.Native;

namespace MedCam.Torch;

/// <summary>
/// Process-wide facts and settings of the libtorch runtime. The first use loads the BLAS, libtorch and the shim,
/// and checks the shim's ABI and libtorch version.
/// </summary>
public static class TorchRuntime
{
    /// <summary>The oldest libtorch the shim is written for (Debian 12's libtorch-dev).</summary>
    public static readonly Version MinimumLibTorchVersion = new(1, 13);

    private static readonly Lazy<string> Version = new(Initialize, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The libtorch version the shim was built against, e.g. "1.13.0".</summary>
    public static string LibTorchVersion => Version.Value;

    public static bool CudaAvailable
    {
        get
        {
            EnsureInitialized();
            NativeError.Check(NativeMethods.CudaAvailable(out var available));
            return available != 0;
        }
    }

    public static int CudaDeviceCount
    {
        get
        {
            EnsureInitialized();
            NativeError.Check(NativeMethods.CudaDeviceCount(out var count));
            return count;
        }
    }

    /// <summary>The BLAS libtorch is using: kind and file (see docs/torch-runtime.md).</summary>
    public static string Blas
    {
        get
        {
            EnsureInitialized();
            return BlasSelection.Describe();
        }
    }

    /// <summary>OMP_WAIT_POLICY libgomp was started with ("PASSIVE" unless the environment set it).</summary>
    public static string OpenMpWaitPolicy
    {
        get
        {
            EnsureInitialized();
            return OpenMpSettings.WaitPolicy;
        }
    }

    /// <summary>Intra-op threads in effect on the calling thread.</summary>
    public static int NumThreads
    {
        get
        {
            EnsureInitialized();
            NativeError.Check(NativeMethods.GetNumThreads(out var threads));
            return threads;
        }
    }

    /// <summary>
    /// Sets the intra-op thread count for every later call. OpenMP keeps thread counts per thread, so the shim
    /// re-applies it on whichever thread calls next; the pthread OpenBLAS is told directly.
    /// </summary>
    public static void SetNumThreads(int intraOp)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(intraOp, 1);
        EnsureInitialized();
        NativeError.Check(NativeMethods.SetNumThreads(intraOp));
        BlasSelection.SetOpenBlasThreads(intraOp);
    }

    /// <summary>
    /// TorchScript graph-executor optimisation (profiling executor, fusion) on the calling thread. MedCam turns it
    /// off by default (MEDCAM_TORCH_GRAPH_OPTIMIZE=1 turns it on): a job loads a model and calls it a few times, and
    /// the profiling runs make the first calls of a freshly loaded module several times slower (CT model, first
    /// forward: ~50 ms off vs 70-230 ms on) for no steady-state gain on CPU. See docs/torch-runtime.md.
    /// </summary>
    public static bool GraphOptimization
    {
        get
        {
            EnsureInitialized();
            NativeError.Check(NativeMethods.GetGraphOptimize(out var enabled));
            return enabled != 0;
        }

        set
        {
            EnsureInitialized();
            NativeError.Check(NativeMethods.SetGraphOptimize(value ? 1 : 0));
        }
    }

    internal static void EnsureInitialized() => _ = Version.Value;

    private static string Initialize()
    {
        NativeLibraryLoader.Register();
        NativeLibraryLoader.Load();
        var abi = NativeMethods.ShimAbiVersion();
        if (abi != NativeMethods.AbiVersion)
        {
            throw new TorchException(
                $"The libtorch shim has ABI version {abi} but this MedCam.Torch expects {NativeMethods.AbiVersion}: rebuild MedCam.");
        }

        var version = Marshal.PtrToStringUTF8(NativeMethods.TorchVersion()) ?? "unknown";
        var numeric = version.Split('+', 'a', '-')[0];
        if (!System.Version.TryParse(numeric, out var parsed) || parsed < MinimumLibTorchVersion)
        {
            throw new TorchException(
                $"libtorch {version} is not supported: MedCam needs libtorch {MinimumLibTorchVersion} or newer.");
        }

        var threads = Environment.GetEnvironmentVariable("MEDCAM_NUM_THREADS");
        var count = int.TryParse(threads, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : Environment.ProcessorCount;
        NativeError.Check(NativeMethods.SetNumThreads(count));
        BlasSelection.SetOpenBlasThreads(count);
        var optimize = Environment.GetEnvironmentVariable("MEDCAM_TORCH_GRAPH_OPTIMIZE") is "1" or "true" or "on";
        NativeError.Check(NativeMethods.SetGraphOptimize(optimize ? 1 : 0));
        return version;
    }
}
