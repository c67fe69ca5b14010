using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace MedCam.Worker.Processing;

/// <summary>
/// Runs each job in a child process (<c>medcam serve run-job job.json</c>), so that a crash, abort or runaway memory use in
/// native inference code ends that process only: the job fails (and is retried, then quarantined) while the listener
/// keeps accepting. The child's output goes to job.log in the job folder; it is killed on timeout or cancellation.
/// </summary>
public sealed class ChildProcessStudyProcessor : IStudyProcessor
{
    private readonly IReadOnlyList<string> command;
    private readonly TimeSpan timeout;
    private readonly ILogger logger;

    /// <param name="command">Executable and leading arguments; the job file is appended.</param>
    public ChildProcessStudyProcessor(IReadOnlyList<string> command, TimeSpan timeout, ILogger<ChildProcessStudyProcessor> logger)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0)
        {
            throw new ArgumentException("The processor command is empty.", nameof(command));
        }

        this.command = command;
        this.timeout = timeout;
        this.logger = logger;
    }

    /// <summary>
    /// <c>medcam serve run-job</c> of this very program: the apphost, or <c>dotnet medcam.dll</c> when run that way.
    /// </summary>
    public static IReadOnlyList<string> CurrentProgram()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("The path of the running program is unknown.");
        var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
        return Path.GetFileNameWithoutExtension(process) is "dotnet" && !string.IsNullOrEmpty(entry)
            ? [process, entry, "serve", "run-job"]
            : [process, "serve", "run-job"];
    }

    public async Task<StudyProcessingResult> ProcessAsync(StudyJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var jobPath = JobFile.WriteJob(job);
        var logPath = Path.Combine(job.OutputFolder, "job.log");
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = job.OutputFolder,
        };
        foreach (var argument in command.Skip(1).Append(jobPath))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        var log = new StringBuilder();
        var lastError = string.Empty;
        process.OutputDataReceived += (_, e) => Append(e.Data, false);
        process.ErrorDataReceived += (_, e) => Append(e.Data, true);
        if (!process.Start())
        {
            throw new StudyProcessingException($"Could not start {command[0]}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        logger.LogInformation("Study {StudyKey}: job started in child process {Pid}", job.StudyKey, process.Id);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            await WriteLogAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new StudyProcessingException($"The job ran longer than {timeout} and was killed.");
        }

        // WaitForExitAsync returns once the process ended and the redirected streams reached end of file.
        await WriteLogAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            var how = process.ExitCode > 128 ? $"crashed (signal {(process.ExitCode - 128).ToString(CultureInfo.InvariantCulture)})" : $"failed (exit code {process.ExitCode.ToString(CultureInfo.InvariantCulture)})";
            throw new StudyProcessingException($"The job {how}: {Truncate(lastError)}");
        }

        return JobFile.ReadResult(job.OutputFolder)
            ?? throw new StudyProcessingException("The job ended without writing result.json.");

        void Append(string? line, bool error)
        {
            if (line is null)
            {
                return;
            }

            lock (log)
            {
                log.AppendLine(line);
                if (error && line.Length > 0)
                {
                    lastError = line;
                }
            }
        }

        Task WriteLogAsync()
        {
            lock (log)
            {
                return File.WriteAllTextAsync(logPath, log.ToString(), CancellationToken.None);
            }
        }
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
