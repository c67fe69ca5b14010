using System.Runtime.InteropServices;

namespace MedCam.Torch.Native;

/// <summary>
/// OpenMP settings that libgomp reads once, when libtorch loads it. Spinning OpenMP workers (the default "active"
/// wait) waste the cores they are waiting for when the host is busier than the thread count assumes; MedCam
/// defaults to <c>OMP_WAIT_POLICY=PASSIVE</c> unless the variable is already set (see docs/torch-runtime.md).
/// </summary>
internal static partial class OpenMpSettings
{
    public const string WaitPolicyVariable = "OMP_WAIT_POLICY";

    /// <summary>The wait policy in effect, for diagnostics.</summary>
    public static string WaitPolicy { get; private set; } = "default";

    public static void Apply()
    {
        var existing = Environment.GetEnvironmentVariable(WaitPolicyVariable);
        if (!string.IsNullOrEmpty(existing))
        {
            WaitPolicy = existing;
            return;
        }

        // .NET keeps its own copy of the environment: libgomp reads the C library's, so set it there.
        if (SetEnvironment(WaitPolicyVariable, "PASSIVE", overwrite: 0) == 0)
        {
            WaitPolicy = "PASSIVE";
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironment(string name, string value, int overwrite);
}
