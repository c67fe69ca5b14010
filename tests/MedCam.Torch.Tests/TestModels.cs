using System.Diagnostics;
using System.Security.Cryptography;

namespace MedCam.Torch.Tests;

/// <summary>
/// The models written by tests/fixtures/models/make_test_models.py (run with /usr/bin/python3, Debian's torch),
/// cached under the test output folder keyed by a hash of the script and the export helper, so a clean clone
/// regenerates them and later runs reuse them. Copy this file to reuse it in another test project.
/// </summary>
public static class TestModels
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string> Folder = new(Generate, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The repository root (the folder holding MedCam.sln), found upwards from the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string ScriptPath => Path.Combine(RepositoryRoot, "tests", "fixtures", "models", "make_test_models.py");

    public static string ExportHelperPath => Path.Combine(RepositoryRoot, "tools", "export", "medcam_export.py");

    /// <summary>The folder with the generated models (generated on first use).</summary>
    public static string Directory => Folder.Value;

    public static string PathOf(string relative) => System.IO.Path.Combine(Directory, relative);

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "MedCam.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"Cannot find MedCam.sln above {AppContext.BaseDirectory}.");
    }

    private static string Generate()
    {
        // One intra-op thread in tests: results do not depend on it, and OpenMP teams spinning on a shared 2-core
        // CI machine made a 5 s test take 80 s. Threading itself is covered by ConcurrencyTests.
        TorchRuntime.SetNumThreads(1);
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing: install python3-torch and python3-numpy (setup does).");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(File.ReadAllBytes(ScriptPath));
        hash.AppendData(File.ReadAllBytes(ExportHelperPath));
        var key = Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant();
        var target = System.IO.Path.Combine(AppContext.BaseDirectory, "test-models", key);
        if (File.Exists(System.IO.Path.Combine(target, "MANIFEST.json")))
        {
            return target;
        }

        var staging = target + ".tmp-" + Environment.ProcessId;
        if (System.IO.Directory.Exists(staging))
        {
            System.IO.Directory.Delete(staging, recursive: true);
        }

        var start = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(ScriptPath);
        start.ArgumentList.Add(staging);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {Python}.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{ScriptPath} failed with exit code {process.ExitCode}:\n{stdout}\n{stderr.Result}");
        }

        try
        {
            System.IO.Directory.Move(staging, target);
        }
        catch (IOException) when (File.Exists(System.IO.Path.Combine(target, "MANIFEST.json")))
        {
            // Another test process generated the same models first.
            System.IO.Directory.Delete(staging, recursive: true);
        }

        return target;
    }
}
