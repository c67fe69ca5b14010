using System.CommandLine;
using System.Globalization;
using MedCam.Dicom;
using MedCam.Imaging.ColorMaps;
using MedCam.Imaging.NumPy;
using MedCam.Imaging.Rendering;
using MedCam.Outputs;
using MedCam.Outputs.Dicom;
using MedCam.Outputs.Sources;

namespace MedCam.Cli.Commands;

/// <summary>
/// <c>medcam render</c>: outputs from any CAM on a source's grid (SC series, multi-frame SC, Parametric Map, FHIR
/// bundle, NIfTI, PNG, .npy) and a summary.json. The work is done by <see cref="HeatmapOutputWriter"/>.
/// </summary>
internal static class RenderCommand
{
    public static Command Create()
    {
        var source = new Option<string>("--source") { Description = "Source DICOM: a series folder (CT) or a file (ultrasound cine, histology tile).", Required = true };
        var cam = new Option<string>("--cam") { Description = "CAM as float32 .npy on the source grid: slices x rows x columns (volume order of 'medcam dicom volume') or frames x rows x columns.", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder.", Required = true };
        var format = new Option<string[]>("--format")
        {
            Description = $"Outputs, repeatable or comma-separated: {string.Join(", ", OutputFormats.Names)} (default sc,png).",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => ["sc", "png"],
        };
        var colormap = new Option<string>("--colormap") { Description = "jet, viridis, inferno or gray.", DefaultValueFactory = _ => "jet" };
        var opacity = new Option<float>("--opacity") { Description = "Heatmap opacity in [0, 1].", DefaultValueFactory = _ => 0.4f };
        var threshold = new Option<float>("--threshold") { Description = "CAM values below this (after scaling to [0, 1]) stay transparent.", DefaultValueFactory = _ => 0.2f };
        var window = new Option<string?>("--window") { Description = "CT window: lung, mediastinum, bone, brain, abdomen, 'C,W' or 'W1500/L-600' (default: the source's, else lung)." };
        var modelName = new Option<string>("--model-name") { Description = "Model name (Manufacturer's Model Name).", DefaultValueFactory = _ => "unknown-model" };
        var modelVersion = new Option<string>("--model-version") { Description = "Model version (Software Versions).", DefaultValueFactory = _ => "0" };
        var manufacturer = new Option<string>("--manufacturer") { Description = "Model manufacturer.", DefaultValueFactory = _ => "MedCam" };
        var method = new Option<string>("--method") { Description = "CAM method as shown to people, e.g. Grad-CAM.", DefaultValueFactory = _ => "CAM" };
        var target = new Option<string>("--target") { Description = "Class the map explains.", DefaultValueFactory = _ => "target" };
        var probability = new Option<double?>("--probability") { Description = "Model probability of the target class, in [0, 1] (needed for fhir)." };
        var parameters = new Option<string[]>("--param") { Description = "Method parameter key=value (part of the deterministic UIDs); repeatable.", AllowMultipleArgumentsPerToken = true };
        var pmapEncoding = new Option<string>("--pmap-encoding") { Description = "float32 (exact) or uint16 (for viewers without float support).", DefaultValueFactory = _ => "float32" };
        var patientSystem = new Option<string>("--patient-id-system") { Description = "FHIR identifier system of DICOM Patient IDs at this site.", DefaultValueFactory = _ => new FhirReportOptions().PatientIdentifierSystem };

        var command = new Command("render", "Write DICOM heatmaps (SC, multi-frame SC, Parametric Map), a FHIR bundle and research files from a CAM and its source.");
        foreach (var option in new Option[] { source, cam, output, format, colormap, opacity, threshold, window, modelName, modelVersion, manufacturer, method, target, probability, parameters, pmapEncoding, patientSystem })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            try
            {
                var explanation = new ExplanationDescription
                {
                    Model = new ModelIdentity(parse.GetValue(modelName)!, parse.GetValue(modelVersion)!, parse.GetValue(manufacturer)!),
                    Method = parse.GetValue(method)!,
                    TargetClass = parse.GetValue(target)!,
                    Probability = parse.GetValue(probability),
                    Parameters = ParseParameters(parse.GetValue(parameters) ?? []),
                };
                var request = new HeatmapOutputRequest
                {
                    Explanation = explanation,
                    Formats = OutputFormats.Parse(parse.GetValue(format) ?? []),
                    Render = new RenderSettings
                    {
                        Heatmap = new HeatmapStyle { ColorMap = ColorMap.FromName(parse.GetValue(colormap)!), Opacity = parse.GetValue(opacity), Threshold = parse.GetValue(threshold) },
                        Window = parse.GetValue(window) is { } w ? VoiWindow.Parse(w) : null,
                    },
                    ParametricMapEncoding = parse.GetValue(pmapEncoding)!.ToUpperInvariant() switch
                    {
                        "FLOAT32" => ParametricMapEncoding.Float32,
                        "UINT16" => ParametricMapEncoding.UInt16,
                        var other => throw new ArgumentException($"Unknown --pmap-encoding '{other}'; use float32 or uint16."),
                    },
                    Fhir = new FhirReportOptions { PatientIdentifierSystem = parse.GetValue(patientSystem)! },
                };
                var outDir = parse.GetValue(output)!;
                using var images = SourceImageSet.Load(parse.GetValue(source)!);
                var map = CamMap.FromNpy(parse.GetValue(cam)!);
                var summary = HeatmapOutputWriter.Write(images, map, request, outDir);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{summary.SourceKind} {summary.Modality} {string.Join('x', summary.Shape)}: {summary.Dicom.Count} DICOM instance(s), {summary.Files.Count} file(s)"));
                foreach (var (name, ms) in summary.Milliseconds)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-6} {ms,9:0.0} ms"));
                }

                Console.WriteLine($"wrote {Path.Combine(outDir, "summary.json")}");
                return 0;
            }
            catch (Exception error) when (error is ArgumentException or IOException or DicomException or NpyFormatException or FormatException or InvalidDataException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"medcam render: {error.Message}");
                return 2;
            }
        });
        return command;
    }

    private static Dictionary<string, string> ParseParameters(IEnumerable<string> pairs)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0)
            {
                throw new ArgumentException($"--param '{pair}' is not key=value.");
            }

            result[pair[..at]] = pair[(at + 1)..];
        }

        return result;
    }
}
