using System.CommandLine;

namespace MedCam.Cli.Commands;

/// <summary><c>medcam dicom</c>: the DICOM verbs. Each subcommand lives in its own Dicom*Command.cs file; add one line here.</summary>
internal static class DicomCommand
{
    public static Command Create()
    {
        var command = new Command("dicom", "Read, convert and inspect DICOM; talk to DICOM peers.");
        foreach (var sub in Subcommands())
        {
            command.Subcommands.Add(sub);
        }

        return command;
    }

    private static IEnumerable<Command> Subcommands()
    {
        yield return DicomDumpCommand.Create();
        yield return DicomConvertCommand.Create();
        yield return DicomVolumeCommand.Create();
        yield return DicomNetEchoCommand.Create();
        yield return DicomNetSendCommand.Create();
        yield return DicomNetListenCommand.Create();
    }
}
