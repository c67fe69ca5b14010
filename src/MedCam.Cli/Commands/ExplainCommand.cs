using System.CommandLine;
using MedCam.Explain;
using MedCam.Explain.Methods;
using MedCam.Explain.Runs;
using MedCam.Imaging.NumPy;
using MedCam.Imaging.Rendering;
using MedCam.Outputs;
using MedCam.Pipeline;
using MedCam.Torch;

namespace MedCam.Cli.Commands;

/// <summary>
/// <c>medcam explain</c>: CAMs of a TorchScript classifier for an array input. The work is done by
/// <see cref="ExplainRunner"/>; other inputs (DICOM study folders) plug in by building the input tensor differently.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model package folder (model.pt + model.json) or a TorchScript model.pt (default for DICOM input: chosen from sample-data/models by the card's modality)." };
        var input = new Option<string>("--input") { Description = "Input .npy, N×C×spatial (e.g. 1×1×64×128×128)." };
        var study = new Argument<string[]>("input") { Description = "Study folder, DICOM file(s), or an .npy array.", Arity = ArgumentArity.ZeroOrMore };
        var task = new Option<string>("--task") { Description = "covid-ct, lung-us or bladder-histo (default: from the modality / SOP class)." };
        var method = new Option<string>("--method") { Description = $"CAM method or 'all': {string.Join(", ", CamMethods.Names)}.", DefaultValueFactory = _ => "gradcam" };
        var target = new Option<int?>("--target") { Description = "Target class index for every sample (default: the predicted class)." };
        var layer = new Option<string[]>("--layer") { Description = "Target layer(s); several are fused (default: the card's, else the model's last).", AllowMultipleArgumentsPerToken = true };
        var filter = new Option<string>("--filter") { Description = "Post-filter: none, gaussian or rank-gaussian.", DefaultValueFactory = _ => "none" };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var output = new Option<string>("--out") { Description = "Output folder for cam.npy and summary.json.", Required = true };
        var placement = new Option<AnnotationPlacement>("--placement") { Description = "DICOM study input: burned-in text placement: Auto (corners from 256 px, bands on a magnified frame below), Corners or Bands.", DefaultValueFactory = _ => AnnotationPlacement.Auto };
        var format = new Option<string[]>("--format") { Description = $"DICOM study input: outputs to write, comma-separated ({string.Join(", ", OutputFormats.Names)}; default: all that apply).", AllowMultipleArgumentsPerToken = true };

        var command = new Command("explain", "Explain a classifier's decision with class activation maps (writes cam.npy on the input grid and summary.json).");
        command.Arguments.Add(study);
        foreach (var option in new Option[] { model, input, task, method, target, layer, filter, device, output, format, placement })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            var paths = parse.GetValue(study) ?? [];
            if (parse.GetValue(input) is null && !(paths.Length == 1 && paths[0].EndsWith(".npy", StringComparison.OrdinalIgnoreCase)))
            {
                return await RunStudyAsync(paths, parse.GetValue(task), parse.GetValue(model), parse.GetValue(method)!, parse.GetValue(device)!, parse.GetValue(output)!, parse.GetValue(format), parse.GetValue(placement), ct).ConfigureAwait(false);
            }

            try
            {
                var inputPath = parse.GetValue(input) ?? paths[0];
                if (parse.GetValue(model) is null)
                {
                    throw new ArgumentException("--model is required for an .npy input.");
                }

                var methodText = parse.GetValue(method)!;
                var request = new ExplainRequest
                {
                    Model = parse.GetValue(model)!,
                    Input = ExplainRunner.ReadInput(inputPath),
                    InputDescription = Path.GetFileName(inputPath),
                    Methods = methodText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    TargetClass = parse.GetValue(target),
                    Layers = parse.GetValue(layer) is { Length: > 0 } layers ? layers : null,
                    Filter = ParseFilter(parse.GetValue(filter)!),
                    Device = parse.GetValue(device)!,
                    OutputDirectory = parse.GetValue(output)!,
                };
                ExplainRunner.Run(request, Console.Out);
                Console.WriteLine($"wrote {Path.Combine(request.OutputDirectory, "summary.json")}");
                return 0;
            }
            catch (Exception error) when (error is ArgumentException or IOException or NpyFormatException or TorchException or InvalidOperationException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"medcam explain: {error.Message}");
                return 2;
            }
        });
        return command;
    }

    /// <summary>A DICOM study through MedCam.Pipeline: progress lines, then the human summary; clear errors, exit 2.</summary>
    private static async Task<int> RunStudyAsync(string[] paths, string? task, string? model, string methods, string device, string output, string[]? formats, AnnotationPlacement placement, CancellationToken ct)
    {
        if (paths.Length == 0)
        {
            Console.Error.WriteLine("medcam explain: give a study folder, DICOM file(s) or an .npy (or --input x.npy).");
            return 2;
        }

        try
        {
            var options = new PipelineOptions
            {
                OutputDirectory = output,
                Task = task,
                Model = model,
                Methods = methods.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Device = device,
                Formats = formats is { Length: > 0 } ? OutputFormats.Parse(formats) : null,
                Render = new RenderSettings { Placement = placement },
            };
            var result = await StudyPipeline.RunAsync(new StudyInput(paths), options, new SynchronousProgress(p => Console.WriteLine(p.ToString())), ct).ConfigureAwait(false);
            Console.WriteLine();
            Console.WriteLine(PipelineReport.HumanSummary(result));
            return 0;
        }
        catch (Exception error) when (error is PipelineException or ArgumentException or IOException or TorchException or InvalidOperationException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"medcam explain: {error.Message}");
            return 2;
        }
    }

    private sealed class SynchronousProgress(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => report(value);
    }

    internal static PostFilterKind ParseFilter(string text) => text.Trim().ToLowerInvariant() switch
    {
        "none" or "" => PostFilterKind.None,
        "gaussian" => PostFilterKind.Gaussian,
        "rank-gaussian" or "rankgaussian" => PostFilterKind.RankGaussian,
        _ => throw new ArgumentException($"Unknown --filter '{text}': use none, gaussian or rank-gaussian."),
    };
}
