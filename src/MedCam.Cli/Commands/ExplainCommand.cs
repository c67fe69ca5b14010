using System.CommandLine;
using MedCam.Explain;
using MedCam.Explain.Methods;
using MedCam.Explain.Runs;
using MedCam.Imaging.NumPy;
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
        var model = new Option<string>("--model") { Description = "Model package folder (model.pt + model.json) or a TorchScript model.pt.", Required = true };
        var input = new Option<string>("--input") { Description = "Input .npy, N×C×spatial (e.g. 1×1×64×128×128).", Required = true };
        var method = new Option<string>("--method") { Description = $"CAM method or 'all': {string.Join(", ", CamMethods.Names)}.", DefaultValueFactory = _ => "gradcam" };
        var target = new Option<int?>("--target") { Description = "Target class index for every sample (default: the predicted class)." };
        var layer = new Option<string[]>("--layer") { Description = "Target layer(s); several are fused (default: the card's, else the model's last).", AllowMultipleArgumentsPerToken = true };
        var filter = new Option<string>("--filter") { Description = "Post-filter: none, gaussian or rank-gaussian.", DefaultValueFactory = _ => "none" };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var output = new Option<string>("--out") { Description = "Output folder for cam.npy and summary.json.", Required = true };

        var command = new Command("explain", "Explain a classifier's decision with class activation maps (writes cam.npy on the input grid and summary.json).");
        foreach (var option in new Option[] { model, input, method, target, layer, filter, device, output })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            try
            {
                var inputPath = parse.GetValue(input)!;
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

    internal static PostFilterKind ParseFilter(string text) => text.Trim().ToLowerInvariant() switch
    {
        "none" or "" => PostFilterKind.None,
        "gaussian" => PostFilterKind.Gaussian,
        "rank-gaussian" or "rankgaussian" => PostFilterKind.RankGaussian,
        _ => throw new ArgumentException($"Unknown --filter '{text}': use none, gaussian or rank-gaussian."),
    };
}
