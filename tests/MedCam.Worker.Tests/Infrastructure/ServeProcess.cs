using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MedCam.Worker.Tests.Infrastructure;

/// <summary><c>medcam serve</c> as a child process (dotnet medcam.dll), so tests can kill -9 it.</summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output;

    private ServeProcess(Process process, StringBuilder output)
    {
        this.process = process;
        this.output = output;
    }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public static ServeProcess Start(IEnumerable<string> arguments, IDictionary<string, string>? environment = null, StringBuilder? sharedLog = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Repo.MedcamDll);
        info.ArgumentList.Add("serve");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var sink = sharedLog ?? new StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (sink) { sink.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (sink) { sink.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServeProcess(process, sink);
    }

    /// <summary>SIGKILL, the worker and its job child together (a container or machine crash).</summary>
    public void KillHard()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
    }

    /// <summary>SIGTERM: the graceful path (docker stop).</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
