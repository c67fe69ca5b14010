using System.Text.Json;
using System.Text.Json.Nodes;
using MedCam.Explain.Methods;
using MedCam.Explain.Metrics;
using MedCam.Explain.Models;
using MedCam.Explain.Targets;
using MedCam.Imaging.NumPy;
using MedCam.Torch;

namespace MedCam.Explain.Runs;

/// <summary>One `medcam evaluate` job: maps of each method scored for faithfulness and against a mask.</summary>
public sealed record EvaluateRequest
{
    public required string Model { get; init; }

    public required Tensor Input { get; init; }

    /// <summary>Ground truth on the input grid: [spatial...] (shared by all samples) or [N, spatial...].</summary>
    public required bool[] Mask { get; init; }

    public IReadOnlyList<string> Methods { get; init; } = ["gradcam"];

    public int? TargetClass { get; init; }

    public IReadOnlyList<string>? Layers { get; init; }

    /// <summary>Voxel spacing in mm per spatial axis (null: 1 mm).</summary>
    public IReadOnlyList<double>? SpacingMm { get; init; }

    /// <summary>Pointing-game tolerance in millimetres (15 = the paper's 15 px at 1 mm).</summary>
    public double ToleranceMm { get; init; } = 15;

    public int DeletionSteps { get; init; } = 25;

    public IReadOnlyList<double> RoadPercentiles { get; init; } = [10, 30, 50, 70, 90];

    public string Device { get; init; } = "cpu";

    public string? OutputFile { get; init; }
}

public static class EvaluateRunner
{
    public static JsonObject Run(EvaluateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var methods = request.Methods.Count == 1 && request.Methods[0].Equals("all", StringComparison.OrdinalIgnoreCase) ? CamMethods.Names : request.Methods;
        var package = ModelPackage.Open(request.Model);
        using var model = new TorchExplainableModel(package.Load(request.Device), package.Card.TargetLayers, ownsModel: true);
        var input = request.Input;
        var n = input.Shape[0];
        var spatial = input.Shape[2..];
        var positions = spatial.Aggregate(1, (a, b) => a * b);
        if (request.Mask.Length != positions && request.Mask.Length != n * positions)
        {
            throw new ArgumentException($"The mask has {request.Mask.Length} voxels; the input grid ({string.Join("×", spatial)}) has {positions} per sample.");
        }

        var spacing = request.SpacingMm?.ToArray() ?? Enumerable.Repeat(1.0, spatial.Length).ToArray();
        if (spacing.Length != spatial.Length)
        {
            throw new ArgumentException($"--spacing needs {spatial.Length} values (one per spatial axis), got {spacing.Length}.");
        }

        var target = request.TargetClass is int c ? CamTarget.Class(c) : CamTarget.Predicted;
        var report = new JsonObject();
        foreach (var name in methods)
        {
            var method = CamMethods.Create(name);
            CamResult result;
            try
            {
                result = method.Compute(model, input, target, new CamOptions { Layers = request.Layers });
            }
            catch (InvalidOperationException e) when (methods.Count > 1)
            {
                report[method.Name] = new JsonObject { ["error"] = e.Message };
                continue;
            }

            var (drop, increase) = FaithfulnessMetrics.AverageDropIncrease(model, input, result.Maps, [target]);
            var perSample = new JsonArray();
            for (var s = 0; s < n; s++)
            {
                var map = result.Map(s);
                var mask = request.Mask.Length == positions ? request.Mask : request.Mask.AsSpan(s * positions, positions).ToArray();
                var sample = input.Slice(s);
                var sampleTarget = result.TargetClasses[s] is int tc ? CamTarget.Class(tc) : target;
                var deletion = FaithfulnessMetrics.Deletion(model, sample, map, sampleTarget, request.DeletionSteps);
                var insertion = FaithfulnessMetrics.Insertion(model, sample, map, sampleTarget, request.DeletionSteps);
                var morf = FaithfulnessMetrics.Road(model, sample, map, sampleTarget, request.RoadPercentiles, mostRelevantFirst: true);
                var lerf = FaithfulnessMetrics.Road(model, sample, map, sampleTarget, request.RoadPercentiles, mostRelevantFirst: false);
                var (iou, ioa, threshold) = LocalisationMetrics.OtsuOverlap(map, mask);
                perSample.Add(new JsonObject
                {
                    ["target_class"] = result.TargetClasses[s],
                    ["deletion_auc"] = deletion.Auc,
                    ["insertion_auc"] = insertion.Auc,
                    ["road_percentiles"] = Numbers(morf.Percentiles),
                    ["road_morf_probability"] = Numbers(morf.Probabilities),
                    ["road_lerf_probability"] = Numbers(lerf.Probabilities),
                    ["road_morf_change"] = Numbers(morf.Changes),
                    ["road_lerf_change"] = Numbers(lerf.Changes),
                    ["pointing_game_hit"] = LocalisationMetrics.PointingGame(map, mask, spatial, request.ToleranceMm, spacing),
                    ["energy_pointing_game"] = LocalisationMetrics.EnergyPointingGame(map, mask),
                    ["otsu_threshold"] = threshold,
                    ["iou"] = iou,
                    ["ioa"] = ioa,
                });
            }

            report[method.Name] = new JsonObject
            {
                ["average_drop_percent"] = drop,
                ["increase_in_confidence_percent"] = increase,
                ["pointing_tolerance_mm"] = request.ToleranceMm,
                ["samples"] = perSample,
            };
        }

        if (request.OutputFile is not null)
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(request.OutputFile));
            if (!string.IsNullOrEmpty(dir))
            {
                Directory.CreateDirectory(dir);
            }

            File.WriteAllText(request.OutputFile, report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }

        return report;
    }

    /// <summary>Reads a mask .npy (any dtype; non-zero = inside).</summary>
    public static bool[] ReadMask(string path) => NpyFile.Read(path).ToBool();

    private static JsonArray Numbers(IEnumerable<double> values) => new(values.Select(v => (JsonNode)Math.Round(v, 6)).ToArray());
}
