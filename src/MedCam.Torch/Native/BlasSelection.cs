using System.Runtime.InteropServices;

namespace MedCam.Torch.Native;

/// <summary>
/// Chooses the BLAS behind libtorch's <c>NEEDED libblas.so.3</c> before libtorch is loaded. glibc satisfies a NEEDED
/// entry with an already-loaded object of the same soname, so loading OpenBLAS's <c>libblas.so.3</c> first makes
/// libtorch use it whatever <c>update-alternatives</c> says. <c>MEDCAM_BLAS</c>: <c>openblas</c> (default when
/// installed), <c>reference</c> (Debian's reference BLAS), <c>system</c> (leave it to the dynamic loader), or a path.
/// </summary>
internal static class BlasSelection
{
    public const string Variable = "MEDCAM_BLAS";
    public const string OpenBlasPath = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3";
    public const string ReferenceBlasPath = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3";

    private static nint openBlasThreadSetter;

    /// <summary>What was requested, for diagnostics.</summary>
    public static string Requested { get; private set; } = "not applied";

    public static void Apply()
    {
        var choice = (Environment.GetEnvironmentVariable(Variable) ?? "openblas").Trim();
        Requested = choice;
        string? path = choice.ToUpperInvariant() switch
        {
            "OPENBLAS" or "" => File.Exists(OpenBlasPath) ? OpenBlasPath : null,
            "REFERENCE" => ReferenceBlasPath,
            "SYSTEM" => null,
            _ => choice,
        };
        if (path is null)
        {
            return;
        }

        if (!NativeLibrary.TryLoad(path, out var blas))
        {
            throw new TorchException($"{Variable}={choice}: cannot load the BLAS library '{path}'.");
        }

        if (!NativeLibrary.TryGetExport(blas, "openblas_set_num_threads", out openBlasThreadSetter) &&
            NativeLibrary.TryLoad("libopenblas.so.0", out var openBlas))
        {
            NativeLibrary.TryGetExport(openBlas, "openblas_set_num_threads", out openBlasThreadSetter);
        }
    }

    /// <summary>The pthread OpenBLAS ignores libtorch's thread setting; tell it directly when it is the BLAS in use.</summary>
    public static unsafe void SetOpenBlasThreads(int threads)
    {
        if (openBlasThreadSetter != 0 && Describe().Contains("openblas", StringComparison.OrdinalIgnoreCase))
        {
            ((delegate* unmanaged<int, void>)openBlasThreadSetter)(threads);
        }
    }

    /// <summary>The file actually mapped as libblas.so.3 in this process (read from /proc/self/maps).</summary>
    public static string Describe()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                var at = line.IndexOf('/', StringComparison.Ordinal);
                var file = at >= 0 ? line[at..].Trim() : string.Empty;
                if (Path.GetFileName(file).StartsWith("libblas.so", StringComparison.Ordinal))
                {
                    var resolved = new FileInfo(file).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? file;
                    var kind = resolved.Contains("openblas", StringComparison.OrdinalIgnoreCase) ? "OpenBLAS" : "reference BLAS";
                    return $"{kind} ({resolved})";
                }
            }
        }
        catch (IOException)
        {
        }

        return "unknown (libblas.so.3 not mapped yet)";
    }
}
