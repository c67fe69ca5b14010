using System.CommandLine;

namespace MedCam.Cli.Commands;

/// <summary>
/// <c>medcam bench</c>: speed checks against the named peer in the same run. Each subcommand lives in its own
/// Bench*Command.cs file; add one line to <see cref="Subcommands"/>.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Measure MedCam against its peers on this machine.");
        foreach (var sub in Subcommands())
        {
            command.Subcommands.Add(sub);
        }

        return command;
    }

    private static IEnumerable<Command> Subcommands()
    {
        yield return BenchRuntimeCommand.Create();
        yield return BenchCamCommand.Create();
        yield return BenchReceiveCommand.Create();
        yield return BenchWorkerCommand.Create();
        yield return BenchE2eCommand.Create();
    }
}
