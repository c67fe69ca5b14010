using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace MedCam.Torch.Native;

/// <summary>
/// Finds and loads <c>libmedcam_torch.so</c> (and, before it, the BLAS libtorch will use). When the shim cannot be
/// loaded the exception lists every place that was tried and why each failed.
/// </summary>
internal static class NativeLibraryLoader
{
    public const string FileName = "libmedcam_torch.so";

    /// <summary>Environment variable naming the shim file explicitly (e.g. a CUDA build on a GPU host).</summary>
    public const string PathVariable = "MEDCAM_TORCH_NATIVE";

    private static readonly Lock Gate = new();
    private static bool registered;
    private static nint shim;
    private static Exception? loadFailure;

    public static void Register()
    {
        lock (Gate)
        {
            if (registered)
            {
                return;
            }

            NativeLibrary.SetDllImportResolver(typeof(NativeLibraryLoader).Assembly, Resolve);
            registered = true;
        }
    }

    /// <summary>Loads the shim now (idempotent); throws <see cref="TorchException"/> naming where it looked.</summary>
    public static nint Load()
    {
        lock (Gate)
        {
            if (shim != 0)
            {
                return shim;
            }

            if (loadFailure is not null)
            {
                throw loadFailure;
            }

            BlasSelection.Apply();
            OpenMpSettings.Apply();
            var attempts = new StringBuilder();
            foreach (var candidate in Candidates())
            {
                if (!File.Exists(candidate))
                {
                    attempts.Append(CultureInvariant($"\n  {candidate}: not found"));
                    continue;
                }

                try
                {
                    shim = NativeLibrary.Load(candidate);
                    return shim;
                }
                catch (DllNotFoundException error)
                {
                    // dlerror() text, e.g. a missing libtorch_cpu.so.1.13 dependency.
                    attempts.Append(CultureInvariant($"\n  {candidate}: {error.Message}"));
                }
                catch (BadImageFormatException error)
                {
                    attempts.Append(CultureInvariant($"\n  {candidate}: {error.Message}"));
                }
            }

            loadFailure = new TorchException(
                $"Cannot load MedCam's libtorch shim ({FileName}). Looked in:{attempts}\n" +
                "It is built by `dotnet build` of MedCam.Torch (needs cmake, g++ and libtorch-dev) and copied next to the " +
                $"application; set {PathVariable} to its full path to use another build.");
            throw loadFailure;
        }
    }

    private static IEnumerable<string> Candidates()
    {
        var explicitPath = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            yield return Path.GetFullPath(explicitPath);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        string?[] folders =
        [
            AppContext.BaseDirectory,
            Path.GetDirectoryName(typeof(NativeLibraryLoader).Assembly.Location),
            Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"),
        ];
        foreach (var folder in folders)
        {
            if (string.IsNullOrEmpty(folder))
            {
                continue;
            }

            var path = Path.GetFullPath(Path.Combine(folder, FileName));
            if (seen.Add(path))
            {
                yield return path;
            }
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == NativeMethods.Library ? Load() : 0;

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);
}
