using System.Text.Json.Nodes;
using MedCam.Dicom;
using MedCam.Explain.Models;
using MedCam.Explain.Targets;
using MedCam.Outputs;
using MedCam.Outputs.Sources;
using MedCam.Pipeline.Stages;
using MedCam.Torch;

namespace MedCam.Pipeline.Tasks;

/// <summary>
/// covid-ct: axial CT series → HU volume → window / scale / resample to the model grid (card) → 3D classifier →
/// 3D CAM per method → mapped back onto the original slices through the inverse of the resampling.
/// </summary>
public sealed class CovidCtTask : IStudyTask
{
    public string Name => PipelineTasks.CovidCt;

    public ExplainedStudy Run(PipelineContext context, StudyInventory inventory, ModelPackage package)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(package);
        var series = context.Run(PipelineStage.SelectSeries, () => CtSeriesSelector.Select(context, inventory));
        var source = context.Run(PipelineStage.Load, () => LoadSource(context, series));
        try
        {
            return Explain(context, source, package);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>Window, scale and resample a volume to the card's grid: the model input [1, 1, D, H, W] and the transform back.</summary>
    public static (Tensor Input, GridTransform Transform) Preprocess(float[] hu, int[] shape, ModelCard card, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(hu);
        ArgumentNullException.ThrowIfNull(card);
        var modelShape = IntensityPreprocessing.ModelSpatialShape(card, 3, modelPath);
        var values = (float[])hu.Clone();
        IntensityPreprocessing.ApplyWindow(values, card.Preprocessing.Windowing);
        var transform = GridTransform.Resize(shape, modelShape);
        var resized = transform.ToModel(values);
        IntensityPreprocessing.Normalise(resized, card.Preprocessing.Normalisation, 0);
        return (new Tensor(resized, 1, 1, modelShape[0], modelShape[1], modelShape[2]), transform);
    }

    private static SourceImageSet LoadSource(PipelineContext context, SeriesInfo series)
    {
        var path = SeriesFolder.Create(context, series);
        SourceImageSet source;
        try
        {
            source = SourceImageSet.Load(path);
        }
        catch (DicomException e)
        {
            throw new PipelineException(series.Files[0], $"the CT series cannot be built into a volume: {e.Message}", e);
        }

        var volume = source.Volume ?? throw new PipelineException(series.Files[0], "the CT series has no slice geometry");
        var s = volume.Spacing;
        context.Log(PipelineStage.Load, $"volume {volume.Depth}x{volume.Rows}x{volume.Columns} (slices x rows x columns), spacing {s[2]:0.###} x {s[1]:0.###} x {s[0]:0.###} mm, HU");
        foreach (var warning in volume.Warnings)
        {
            context.Log(PipelineStage.Load, "volume: " + warning);
        }

        return source;
    }

    private static ExplainedStudy Explain(PipelineContext context, SourceImageSet source, ModelPackage package)
    {
        var volume = source.Volume!;
        var card = package.Card;
        var (input, transform) = context.Run(PipelineStage.Preprocess, () => Preprocess(volume.Voxels, volume.Shape, card, package.ModelPath));
        var w = card.Preprocessing.Windowing;
        context.Log(PipelineStage.Preprocess, (w is null ? "no window" : $"window C {w.Center:0} W {w.Width:0} HU clipped and scaled to [0, 1]")
            + $", trilinear resize (align_corners=False) {string.Join("x", transform.SourceShape)} -> {string.Join("x", transform.ModelShape)}"
            + (card.Preprocessing.Normalisation is { } n ? $", (x - {string.Join("/", n.Mean)}) / {string.Join("/", n.Std)}" : ""));

        using var model = new TorchExplainableModel(package.Load(context.Options.Device), card.TargetLayers, ownsModel: true);
        // Classification and the first method share one forward pass: the first method explains the predicted class
        // of that very pass (its logits are the classification); later methods explain that class.
        var methods = CamStage.Methods(context.Options.Methods);
        var first = methods.Count == 0 ? null
            : context.Run(PipelineStage.Explain, () => CamStage.TryCompute(context, methods[0], model, input, CamTarget.Predicted, methods.Count > 1));
        var logits = first?.Logits ?? context.Run(PipelineStage.Classify, () => model.Forward(input));
        var probabilities = CamStage.Softmax(logits.SampleSpan(0));
        var predicted = Array.IndexOf(probabilities, probabilities.Max());
        var prediction = new StudyPrediction(PipelineTasks.CovidCt, card.ClassName(predicted), predicted, [.. Enumerable.Range(0, probabilities.Length).Select(card.ClassName)], probabilities);
        context.Log(PipelineStage.Classify, $"predicted {prediction.ClassName} (p = {prediction.Probability:0.000}; {CamStage.Describe(probabilities, card)})"
            + (first is null ? "" : $"; logits from the {CamStage.DisplayName(methods[0].Name)} pass"));

        var maps = new List<MethodMap>();
        for (var m = 0; m < methods.Count; m++)
        {
            var method = methods[m];
            var result = m == 0 ? first
                : context.Run(PipelineStage.Explain, () => CamStage.TryCompute(context, method, model, input, CamTarget.Class(predicted), methods.Count > 1));
            if (result is null)
            {
                continue;
            }

            var onSource = context.Run(PipelineStage.Render, () => transform.ToSource(result.Map(0)));
            maps.Add(new MethodMap(method.Name, new CamMap(onSource, volume.Depth, volume.Rows, volume.Columns), new Dictionary<string, string>
            {
                ["layer"] = string.Join("+", result.Layers),
                ["grid"] = string.Join("x", transform.ModelShape),
            }));
        }

        context.Log(PipelineStage.Render, $"maps resampled from the model grid {string.Join("x", transform.ModelShape)} onto the {volume.Depth} original slices ({volume.Rows}x{volume.Columns})");
        var details = new JsonObject
        {
            ["source_grid"] = Json(transform.SourceShape),
            ["model_grid"] = Json(transform.ModelShape),
            ["spacing_mm"] = new JsonArray(volume.Spacing.Select(v => (JsonNode)Math.Round(v, 4)).ToArray()),
        };
        return new ExplainedStudy(source, prediction, Identity(package), maps, details);
    }

    internal static ModelIdentity Identity(ModelPackage package) =>
        new(package.Card.Name, string.IsNullOrWhiteSpace(package.Card.Version) ? "0" : package.Card.Version, "MedCam");

    internal static JsonArray Json(IEnumerable<int> values) => new(values.Select(v => (JsonNode)v).ToArray());
}
