using System.CommandLine;
using MedCam.Worker.Processing;

namespace MedCam.Cli.Commands;

/// <summary>
/// <c>medcam serve run-job job.json</c> (hidden): runs one study job in this process and writes result.json next to
/// the job file. The worker starts it as a child process so a crash in native code ends only this job.
/// </summary>
internal static class ServeRunJobCommand
{
    public static Command Create()
    {
        var job = new Argument<string>("job") { Description = "job.json written by the worker." };
        var command = new Command("run-job", "Run one worker job (used by medcam serve).") { Hidden = true };
        command.Arguments.Add(job);
        command.SetAction(parse =>
        {
            try
            {
                var result = JobRunner.Run(JobFile.ReadJob(parse.GetValue(job)!));
                Console.Out.WriteLine(result.Summary);
                return 0;
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                // One line on stderr: the worker records it as the failure reason (no patient data in our messages).
                Console.Error.WriteLine($"{error.GetType().Name}: {error.Message.ReplaceLineEndings(" ")}");
                return 3;
            }
        });
        return command;
    }
}
