using System.CommandLine;
using MedCam.Dicom;

namespace MedCam.Cli.Commands;

/// <summary><c>medcam dicom convert IN OUT --transfer-syntax UID|NAME</c>: rewrites a file in another transfer syntax.</summary>
internal static class DicomConvertCommand
{
    public static Command Create()
    {
        var input = new Argument<FileInfo>("in") { Description = "Source DICOM file." };
        var output = new Argument<FileInfo>("out") { Description = "Destination DICOM file." };
        var syntax = new Option<string>("--transfer-syntax")
        {
            Description = "Target transfer syntax: a UID or a name (explicit, implicit, big, deflated, rle, ExplicitVRLittleEndian...).",
            DefaultValueFactory = _ => "explicit",
        };
        var command = new Command("convert", "Rewrite a DICOM file in another transfer syntax (writing is uncompressed or RLE).");
        command.Arguments.Add(input);
        command.Arguments.Add(output);
        command.Options.Add(syntax);
        command.SetAction(parse =>
        {
            var source = parse.GetValue(input)!.FullName;
            try
            {
                var target = DicomTransferSyntax.Parse(parse.GetValue(syntax)!);
                using var file = DicomFile.Open(source);
                file.Save(parse.GetValue(output)!.FullName, target);
                Console.WriteLine($"{file.TransferSyntax.Name} -> {target.Name}: {parse.GetValue(output)!.FullName}");
                return 0;
            }
            catch (DicomException ex)
            {
                Console.Error.WriteLine($"medcam dicom convert: {source}: {ex.Message}");
                return 2;
            }
        });
        return command;
    }
}
