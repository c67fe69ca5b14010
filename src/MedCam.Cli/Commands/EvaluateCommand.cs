using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MedCam.Explain.Methods;
using MedCam.Explain.Runs;
using MedCam.Imaging.NumPy;
using MedCam.Torch;

namespace MedCam.Cli.Commands;

/// <summary><c>medcam evaluate</c>: faithfulness and localisation metrics of CAMs against a mask (logic in <see cref="EvaluateRunner"/>).</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model package folder or TorchScript model.pt.", Required = true };
        var input = new Option<string>("--input") { Description = "Input .npy, N×C×spatial.", Required = true };
        var mask = new Option<string>("--mask") { Description = "Ground-truth mask .npy on the input grid (spatial or N×spatial; non-zero = inside).", Required = true };
        var method = new Option<string>("--method") { Description = $"CAM method(s), comma separated, or 'all': {string.Join(", ", CamMethods.Names)}.", DefaultValueFactory = _ => "gradcam" };
        var target = new Option<int?>("--target") { Description = "Target class (default: predicted)." };
        var layer = new Option<string[]>("--layer") { Description = "Target layer(s).", AllowMultipleArgumentsPerToken = true };
        var spacing = new Option<string?>("--spacing") { Description = "Voxel spacing in mm per spatial axis, comma separated (default 1)." };
        var tolerance = new Option<double>("--tolerance-mm") { Description = "Pointing-game tolerance in mm.", DefaultValueFactory = _ => 15.0 };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var output = new Option<string>("--out") { Description = "Metrics JSON file.", DefaultValueFactory = _ => "metrics.json" };

        var command = new Command("evaluate", "Score CAMs: deletion/insertion AUC, ROAD MoRF/LeRF, Average Drop/Increase in Confidence, pointing games, IoU/IoA at Otsu.");
        foreach (var option in new Option[] { model, input, mask, method, target, layer, spacing, tolerance, device, output })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            try
            {
                var request = new EvaluateRequest
                {
                    Model = parse.GetValue(model)!,
                    Input = ExplainRunner.ReadInput(parse.GetValue(input)!),
                    Mask = EvaluateRunner.ReadMask(parse.GetValue(mask)!),
                    Methods = parse.GetValue(method)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    TargetClass = parse.GetValue(target),
                    Layers = parse.GetValue(layer) is { Length: > 0 } layers ? layers : null,
                    SpacingMm = parse.GetValue(spacing)?.Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
                    ToleranceMm = parse.GetValue(tolerance),
                    Device = parse.GetValue(device)!,
                    OutputFile = parse.GetValue(output),
                };
                var report = EvaluateRunner.Run(request);
                Console.WriteLine(report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }
            catch (Exception error) when (error is ArgumentException or IOException or NpyFormatException or TorchException or InvalidOperationException or FormatException)
            {
                Console.Error.WriteLine($"medcam evaluate: {error.Message}");
                return 2;
            }
        });
        return command;
    }
}
