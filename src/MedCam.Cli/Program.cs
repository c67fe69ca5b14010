using System.CommandLine;
using MedCam.Cli.Commands;

// Each capability contributes its verbs from its own file under Commands/; this file only assembles them.
var root = new RootCommand("MedCam: class activation maps for medical imaging classifiers, from DICOM in to DICOM and FHIR out.");
foreach (var command in CommandCatalog.All())
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
