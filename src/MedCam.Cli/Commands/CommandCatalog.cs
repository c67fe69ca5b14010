using System.CommandLine;

namespace MedCam.Cli.Commands;

/// <summary>The top-level verbs of <c>medcam</c>. One factory per capability, each in its own file.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return VersionCommand.Create();
        yield return BenchCommand.Create();
        yield return DicomCommand.Create();
        yield return SynthCommand.Create();
        yield return ExplainCommand.Create();
        yield return EvaluateCommand.Create();
        yield return ServeCommand.Create();
        yield return CohortCommand.Create();
        yield return RenderCommand.Create();
    }
}
