using System.Diagnostics;

namespace MedCam.Outputs.Tests.Infrastructure;

/// <summary>Runs installed peer tools (dcmtk, dicom3tools, python) and fails clearly when one is missing.</summary>
internal static class Tool
{
    public static string Find(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/bin", "/usr/sbin", "/usr/local/bin"]))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"Peer tool '{name}' is not installed (see docs/outputs.md; setup installs dcmtk, dicom3tools, orthanc, chromium).");
    }

    public static (int ExitCode, string Output) Run(string name, params string[] args) => RunIn(null, name, args);

    public static (int ExitCode, string Output) RunIn(string? workingDirectory, string name, params string[] args)
    {
        var start = new ProcessStartInfo(name.StartsWith('/') ? name : Find(name))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{name} {string.Join(' ', args)} did not finish in 120 s.");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}

/// <summary>A temporary folder removed on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "medcam-outputs")
    {
        Path = Directory.CreateTempSubdirectory(prefix + "-").FullName;
    }

    public string Path { get; }

    public string Sub(string name)
    {
        var p = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(p);
        return p;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
