using System.Diagnostics;
using System.Globalization;
using MedCam.Torch;

namespace MedCam.Cli.Commands;

/// <summary>
/// Starts the Python peers of the <c>bench</c> verbs with the same runtime settings as MedCam's side: intra-op and
/// BLAS thread counts, OpenMP's wait policy (MedCam sets PASSIVE in the C environment, which child processes would
/// not see through .NET's copy), and optionally a BLAS library preloaded.
/// </summary>
internal static class BenchPython
{
    public const string Executable = "/usr/bin/python3";

    public static ProcessStartInfo Start(string script, IEnumerable<string> arguments, int threads, string? blasPreload = null)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} with torch is needed for the Python peer (apt-get install python3-torch python3-pydicom).");
        }

        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var count = threads.ToString(CultureInfo.InvariantCulture);
        start.Environment["OPENBLAS_NUM_THREADS"] = count;
        start.Environment["OMP_NUM_THREADS"] = count;
        start.Environment["MEDCAM_NUM_THREADS"] = count;
        var policy = TorchRuntime.OpenMpWaitPolicy;
        if (policy != "default")
        {
            start.Environment["OMP_WAIT_POLICY"] = policy;
        }

        if (blasPreload is not null)
        {
            start.Environment["LD_PRELOAD"] = blasPreload;
        }

        return start;
    }

    /// <summary>Runs the script to its end and returns its standard output; a failure names the script and its stderr.</summary>
    public static string Run(string script, string[] arguments, int threads, string? blasPreload = null)
    {
        using var process = Process.Start(Start(script, arguments, threads, blasPreload)) ?? throw new InvalidOperationException($"Cannot start {Executable}.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result}");
        }

        return stdout;
    }
}
