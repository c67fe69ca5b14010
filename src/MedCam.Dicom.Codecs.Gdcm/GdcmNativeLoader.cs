using System.Reflection;
using System.Runtime.InteropServices;

namespace MedCam.Dicom.Codecs.Gdcm;

/// <summary>
/// .NET ignores Mono's dllmap, so the wrapper's <c>[DllImport("gdcmsharpglue")]</c> is resolved here to Debian's
/// <c>libgdcmsharpglue.so</c>. Reports every place it looked when the library is missing.
/// </summary>
internal static class GdcmNativeLoader
{
    private static readonly Lock Gate = new();
    private static bool _registered;

    public static readonly string[] SearchDirectories =
    [
        AppContext.BaseDirectory,
        "/usr/lib/cli/gdcm-sharp-3.0",
        "/usr/lib/x86_64-linux-gnu",
        "/usr/lib/aarch64-linux-gnu",
        "/usr/lib",
    ];

    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (_registered)
            {
                return;
            }

            NativeLibrary.SetDllImportResolver(typeof(gdcm.ImageReader).Assembly, Resolve);
            _registered = true;
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (!name.Contains("gdcmsharpglue", StringComparison.Ordinal))
        {
            return IntPtr.Zero;
        }

        foreach (var dir in SearchDirectories)
        {
            var candidate = Path.Combine(dir, "libgdcmsharpglue.so");
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle))
            {
                return handle;
            }
        }

        throw new DllNotFoundException(
            $"libgdcmsharpglue.so was not found (looked in {string.Join(", ", SearchDirectories)}); install Debian's libgdcm-cil.");
    }
}
