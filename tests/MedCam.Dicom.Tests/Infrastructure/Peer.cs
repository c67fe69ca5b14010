using System.Diagnostics;

namespace MedCam.Dicom.Tests;

/// <summary>Runs a real third-party tool (dcmtk, dicom3tools); a missing tool fails the test with a clear message.</summary>
internal static class Peer
{
    public static string Find(string name)
    {
        if (Path.IsPathRooted(name))
        {
            return File.Exists(name) ? name : throw new InvalidOperationException($"Peer '{name}' is not installed.");
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':').Append("/usr/bin"))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"Peer tool '{name}' is not installed; install dcmtk / dicom3tools (apt-get install dcmtk dicom3tools).");
    }

    /// <summary>Runs a tool and returns (exit code, stdout + stderr).</summary>
    public static (int ExitCode, string Output) Run(string name, params string[] args)
    {
        var info = new ProcessStartInfo(Find(name))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{name} did not finish in 60 s.");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Runs a tool and fails the test if it exits non-zero.</summary>
    public static string RunChecked(string name, params string[] args)
    {
        var (code, output) = Run(name, args);
        Assert.True(code == 0, $"{name} {string.Join(' ', args)} exited {code}:\n{output}");
        return output;
    }
}
