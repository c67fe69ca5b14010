using System.Diagnostics;

namespace MedCam.Pipeline.Tests.Support;

/// <summary>Repository paths and peer tools for the pipeline tests.</summary>
internal static class PipelinePaths
{
    public static string Root { get; } = FindRoot();

    public static string Samples => Path.Combine(Root, "sample-data");

    public static string Models => Path.Combine(Samples, "models");

    public static string Study(string task, int index) => Path.Combine(Samples, task, $"{task}-s2026-{index:D4}");

    /// <summary>Runs a tool found on PATH; fails with a clear message when it is missing.</summary>
    public static (int ExitCode, string Output) Run(string tool, params string[] arguments)
    {
        var path = Path.IsPathRooted(tool) && File.Exists(tool) ? tool : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"{tool} is not on PATH; scripts/setup.sh installs it.");
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MedCam.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("MedCam.sln was not found above the test folder.");
    }
}
