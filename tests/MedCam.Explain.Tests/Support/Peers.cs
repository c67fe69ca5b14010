using System.Diagnostics;
using System.Security.Cryptography;

namespace MedCam.Explain.Tests.Support;

/// <summary>/usr/bin/python3 with Debian's torch and numpy: the independent peer.</summary>
internal static class Python
{
    public const string Executable = "/usr/bin/python3";

    public static string Run(string scriptPath, params string[] args)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing: install python3, python3-torch and python3-numpy (setup does this).");
        }

        var psi = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(scriptPath);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["OMP_NUM_THREADS"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"python {Path.GetFileName(scriptPath)} failed ({p.ExitCode}): {stderr}");
        }

        return stdout.Result;
    }
}

/// <summary>Paths in the repository and the test models of tests/fixtures/models/make_test_models.py (cached by hash).</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> Models = new(Generate, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MedCam.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (MedCam.sln) above the test folder.");
        }
    }

    public static string ReferenceScript => Path.Combine(RepositoryRoot, "tests", "MedCam.Explain.Tests", "reference", "cam_reference.py");

    public static string ModelsDir => Models.Value;

    public static string TempDir() => Directory.CreateTempSubdirectory("medcam-explain-test").FullName;

    private static string Generate()
    {
        var script = Path.Combine(RepositoryRoot, "tests", "fixtures", "models", "make_test_models.py");
        var export = Path.Combine(RepositoryRoot, "tools", "export", "medcam_export.py");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"The test-model script {script} is missing.");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(File.ReadAllBytes(script));
        if (File.Exists(export))
        {
            hash.AppendData(File.ReadAllBytes(export));
        }

        var key = Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant();
        var dir = Path.Combine(AppContext.BaseDirectory, "test-models", key);
        if (File.Exists(Path.Combine(dir, "MANIFEST.json")))
        {
            return dir;
        }

        var staging = dir + ".tmp" + Environment.ProcessId;
        Python.Run(script, staging);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, true);
        }

        Directory.Move(staging, dir);
        return dir;
    }
}
