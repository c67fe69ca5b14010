using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedCam.Explain.Methods;
using MedCam.Explain.Models;
using MedCam.Explain.Targets;
using MedCam.Imaging.NumPy;
using MedCam.Torch;

namespace MedCam.Explain.Runs;

/// <summary>
/// Runs an <see cref="ExplainRequest"/>: loads the model, computes each method's maps and writes <c>cam.npy</c>
/// (one method) or <c>cam_&lt;method&gt;.npy</c> (several; file-safe names, "++" becomes "pp"), float32 [N, spatial...]
/// on the input grid in [0, 1], plus <c>summary.json</c>. The CLI is a thin shell over this, so other front ends
/// (DICOM study folders, the pipeline) reuse it with a different input.
/// </summary>
public static class ExplainRunner
{
    public static JsonObject Run(ExplainRequest request, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var total = Stopwatch.StartNew();
        var methods = request.Methods.Count == 1 && request.Methods[0].Equals("all", StringComparison.OrdinalIgnoreCase)
            ? CamMethods.Names
            : request.Methods;
        var created = methods.Select(CamMethods.Create).ToArray();
        Directory.CreateDirectory(request.OutputDirectory);

        var load = Stopwatch.StartNew();
        var package = ModelPackage.Open(request.Model);
        using var model = new TorchExplainableModel(package.Load(request.Device), package.Card.TargetLayers, ownsModel: true);
        var loadMs = load.Elapsed.TotalMilliseconds;

        var forward = Stopwatch.StartNew();
        var logits = model.Forward(request.Input);
        var forwardMs = forward.Elapsed.TotalMilliseconds;
        var target = request.TargetClass is int c ? CamTarget.Class(c) : CamTarget.Predicted;
        var options = new CamOptions { Layers = request.Layers, PostFilter = request.Filter };

        var results = new JsonArray();
        foreach (var method in created)
        {
            var file = created.Length == 1 ? "cam.npy" : $"cam_{FileSafe(method.Name)}.npy";
            try
            {
                var result = method.Compute(model, request.Input, target, options);
                NpyFile.Write(Path.Combine(request.OutputDirectory, file), result.Maps.Data, result.Maps.Shape);
                results.Add(new JsonObject
                {
                    ["method"] = method.Name,
                    ["file"] = file,
                    ["layers"] = new JsonArray(result.Layers.Select(l => (JsonNode)l).ToArray()),
                    ["target_class"] = new JsonArray(result.TargetClasses.Select(t => (JsonNode?)t).ToArray()),
                    ["map_shape"] = new JsonArray(result.Maps.Shape.Select(d => (JsonNode)d).ToArray()),
                    ["model_ms"] = Math.Round(result.ModelTime.TotalMilliseconds, 3),
                    ["total_ms"] = Math.Round(result.TotalTime.TotalMilliseconds, 3),
                });
                log?.WriteLine($"{method.Name,-16} {result.TotalTime.TotalMilliseconds,10:F1} ms  -> {file}");
            }
            catch (Exception e) when (created.Length > 1 && e is InvalidOperationException or NotSupportedException)
            {
                // With --method all, a method that does not apply to this model (CAM on a non-GAP head) is reported, not fatal.
                results.Add(new JsonObject { ["method"] = method.Name, ["error"] = e.Message });
                log?.WriteLine($"{method.Name,-16} skipped: {e.Message}");
            }
        }

        var k = logits.Shape[1];
        var samples = new JsonArray();
        for (var s = 0; s < logits.Shape[0]; s++)
        {
            var row = logits.SampleSpan(s).ToArray();
            var probabilities = Enumerable.Range(0, k).Select(i => CamTarget.Softmax(row, i)).ToArray();
            var predicted = PredictedClass.ArgMax(row);
            samples.Add(new JsonObject
            {
                ["logits"] = new JsonArray(row.Select(v => (JsonNode)v).ToArray()),
                ["probabilities"] = new JsonArray(probabilities.Select(v => (JsonNode)v).ToArray()),
                ["predicted_class"] = predicted,
                ["predicted_class_name"] = package.Card.ClassName(predicted),
                ["target_class"] = request.TargetClass ?? predicted,
            });
        }

        var summary = new JsonObject
        {
            ["model"] = package.Card.Name,
            ["model_path"] = package.ModelPath,
            ["device"] = request.Device,
            ["input"] = request.InputDescription,
            ["input_shape"] = new JsonArray(request.Input.Shape.Select(d => (JsonNode)d).ToArray()),
            ["class_names"] = new JsonArray(Enumerable.Range(0, k).Select(i => (JsonNode)package.Card.ClassName(i)).ToArray()),
            ["target"] = request.TargetClass is null ? "predicted class" : $"class {request.TargetClass}",
            ["filter"] = request.Filter.ToString(),
            ["samples"] = samples,
            ["methods"] = results,
            ["timings_ms"] = new JsonObject
            {
                ["load"] = Math.Round(loadMs, 3),
                ["forward"] = Math.Round(forwardMs, 3),
                ["total"] = Math.Round(total.Elapsed.TotalMilliseconds, 3),
            },
        };
        File.WriteAllText(Path.Combine(request.OutputDirectory, "summary.json"), summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return summary;
    }

    /// <summary>Reads an .npy input as [N, C, spatial...] float32, with a clear error for a wrong rank.</summary>
    public static Tensor ReadInput(string path)
    {
        var array = NpyFile.Read(path);
        if (array.Rank < 3)
        {
            throw new ArgumentException($"'{path}' has shape ({string.Join(", ", array.Shape)}); MedCam needs N×C×spatial (e.g. 1×1×H×W or 1×1×D×H×W).");
        }

        return new Tensor(array.ToSingle(), array.Shape);
    }

    public static string FileSafe(string method) => method.Replace("++", "pp", StringComparison.Ordinal);
}
