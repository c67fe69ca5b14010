using System.Diagnostics;

namespace MedCam.Imaging.Tests.Rendering;

/// <summary>
/// Runs a Python script on Debian's /usr/bin/python3 (the interpreter that has numpy, nibabel, matplotlib and PIL)
/// as the independent peer for colour maps, PNG and NIfTI. Fails with a clear message when the interpreter or a
/// module is missing, never skips.
/// </summary>
internal static class RenderPython
{
    private const string Interpreter = "/usr/bin/python3";

    /// <summary>Runs <paramref name="script"/>; returns stdout. <paramref name="modules"/> are checked first.</summary>
    public static string Run(string script, IEnumerable<string> modules, params string[] args)
    {
        if (!File.Exists(Interpreter))
        {
            throw new InvalidOperationException($"{Interpreter} not found: install python3 (setup installs it).");
        }

        foreach (var module in modules)
        {
            var (code, _, err) = Exec(["-c", $"import {module}"]);
            if (code != 0)
            {
                throw new InvalidOperationException(
                    $"Python module '{module}' is missing for {Interpreter}: apt-get install -y python3-{module} ({err.Trim()}).");
            }
        }

        var scriptPath = Path.Combine(Path.GetTempPath(), $"medcam-render-{Guid.NewGuid():N}.py");
        File.WriteAllText(scriptPath, script);
        try
        {
            var (exit, stdout, stderr) = Exec([scriptPath, .. args]);
            if (exit != 0)
            {
                throw new InvalidOperationException($"Python peer failed (exit {exit}):\n{stderr}\n{stdout}");
            }

            return stdout;
        }
        finally
        {
            File.Delete(scriptPath);
        }
    }

    private static (int Code, string Out, string Err) Exec(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["MPLBACKEND"] = "Agg";
        psi.Environment["MPLCONFIGDIR"] = Path.Combine(Path.GetTempPath(), "medcam-mpl");
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("Could not start python3.");
        var stderrTask = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderrTask.Result);
    }
}

/// <summary>A temporary folder removed at dispose.</summary>
internal sealed class RenderTempDir : IDisposable
{
    public RenderTempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"medcam-imaging-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
