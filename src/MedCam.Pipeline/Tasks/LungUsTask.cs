using System.Text.Json.Nodes;
using MedCam.Dicom;
using MedCam.Dicom.Geometry;
using MedCam.Explain;
using MedCam.Explain.Cine;
using MedCam.Explain.Models;
using MedCam.Outputs;
using MedCam.Outputs.Sources;
using MedCam.Pipeline.Stages;
using MedCam.Torch;

namespace MedCam.Pipeline.Tasks;

/// <summary>
/// lung-us (POCOVID-Net style, Born et al.): the cine's frames → 8-bit grey scaled to [0, 1] and resized to the
/// model grid → frame classifier → video class = argmax of the mean frame probabilities → a CAM per frame for the
/// video class, Gaussian smoothing along time, decisive frames (P(video class) above the threshold) → maps resized
/// back onto the source frames.
/// </summary>
public sealed class LungUsTask : IStudyTask
{
    public string Name => PipelineTasks.LungUs;

    public ExplainedStudy Run(PipelineContext context, StudyInventory inventory, ModelPackage package)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(package);
        var series = context.Run(PipelineStage.SelectSeries, () => SelectSeries(context, inventory));
        var file = series.Files[0];
        DicomCine<byte> cine;
        SourceImageSet source;
        try
        {
            using (var dicom = DicomFile.Open(file))
            {
                cine = CineLoader.Load<byte>(dicom);
            }

            source = SourceImageSet.Load(file);
        }
        catch (Exception e) when (e is DicomException or InvalidDataException or NotSupportedException or InvalidCastException)
        {
            throw new PipelineException(file, $"the ultrasound frames cannot be decoded: {e.Message}", e);
        }

        try
        {
            context.Log(PipelineStage.Load, $"cine {cine.Frames} frames of {cine.Rows}x{cine.Columns}, {cine.Channels} channel(s), frame time {cine.FrameTimeMs:0.#} ms");
            return Explain(context, source, cine, package);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>Frames [T, 1, h, w] on the model grid: grey (mean of RGB), / 255, resized, normalised; and the transform back.</summary>
    public static (Tensor Frames, GridTransform Transform) Preprocess(DicomCine<byte> cine, ModelCard card, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(cine);
        ArgumentNullException.ThrowIfNull(card);
        var plane = cine.Rows * cine.Columns;
        var grey = new float[cine.Frames * plane];
        var scale = card.Preprocessing.Normalisation?.ScaleToUnit == false ? 1f : 1f / 255f;
        for (var i = 0; i < grey.Length; i++)
        {
            var sum = 0;
            for (var c = 0; c < cine.Channels; c++)
            {
                sum += cine.Samples[(i * cine.Channels) + c];
            }

            grey[i] = sum * scale / cine.Channels;
        }

        var size = IntensityPreprocessing.ModelSpatialShape(card, 2, modelPath);
        var transform = GridTransform.Resize([cine.Frames, cine.Rows, cine.Columns], [cine.Frames, size[0], size[1]]);
        var resized = transform.ToModel(grey);
        IntensityPreprocessing.Normalise(resized, card.Preprocessing.Normalisation, 0);
        return (new Tensor(resized, cine.Frames, 1, size[0], size[1]), transform);
    }

    private static SeriesInfo SelectSeries(PipelineContext context, StudyInventory inventory)
    {
        SeriesInfo? best = null;
        foreach (var s in inventory.Series)
        {
            var reason = s.Modality != "US" ? $"modality {s.Modality}, not US"
                : s.Instances != 1 || s.MaxFrames < 2 ? $"not one multi-frame cine ({s.Instances} instance(s), {s.MaxFrames} frame(s))"
                : null;
            if (reason is not null)
            {
                context.Log(PipelineStage.SelectSeries, $"skipped series {s.SeriesInstanceUid}: {reason}");
            }
            else if (best is null || s.MaxFrames > best.MaxFrames)
            {
                best = s;
            }
        }

        if (best is null)
        {
            throw new PipelineException(string.Join(", ", context.Input.Paths), "no ultrasound cine (US Multi-frame Image with 2 or more frames) was found");
        }

        context.Log(PipelineStage.SelectSeries, $"selected {best} (the longest US cine)");
        return best;
    }

    private static ExplainedStudy Explain(PipelineContext context, SourceImageSet source, DicomCine<byte> cine, ModelPackage package)
    {
        var card = package.Card;
        var options = context.Options;
        var (frames, transform) = context.Run(PipelineStage.Preprocess, () => Preprocess(cine, card, package.ModelPath));
        context.Log(PipelineStage.Preprocess, $"frames / 255, bilinear resize (align_corners=False) {cine.Rows}x{cine.Columns} -> {transform.ModelShape[1]}x{transform.ModelShape[2]}");

        using var model = new TorchExplainableModel(package.Load(options.Device), card.TargetLayers, ownsModel: true);
        var methods = CamStage.Methods(options.Methods);
        var maps = new List<MethodMap>();
        CineExplanation? first = null;
        foreach (var method in methods)
        {
            CineExplanation explanation;
            try
            {
                explanation = context.Run(PipelineStage.Explain, () => CineExplainer.ExplainFrames(method, model, frames, null, CamOptions.Default, options.TemporalSigmaFrames, options.DecisiveThreshold));
            }
            catch (Exception e) when (methods.Count > 1 && e is InvalidOperationException or NotSupportedException)
            {
                context.Log(PipelineStage.Explain, $"{CamStage.DisplayName(method.Name)} skipped: {e.Message}");
                continue;
            }

            if (first is null)
            {
                first = explanation;
                var p = explanation.MeanProbabilities.Select(v => (double)v).ToArray();
                context.Log(PipelineStage.Classify, $"{cine.Frames} frames classified; video class {card.ClassName(explanation.VideoClass)} = argmax of the mean frame probabilities ({CamStage.Describe(p, card)})");
                context.Log(PipelineStage.Explain, $"decisive frames (P({card.ClassName(explanation.VideoClass)}) > {options.DecisiveThreshold}): {explanation.DecisiveFrames.Length} of {cine.Frames}"
                    + (explanation.DecisiveFrames.Length > 0 ? $" [{string.Join(", ", explanation.DecisiveFrames)}]" : ""));
            }

            context.Log(PipelineStage.Explain, $"{CamStage.DisplayName(method.Name)}: a map per frame, temporal Gaussian σ = {options.TemporalSigmaFrames} frame(s)");
            var onSource = context.Run(PipelineStage.Render, () => transform.ToSource(explanation.Maps.Data));
            maps.Add(new MethodMap(method.Name, new CamMap(onSource, cine.Frames, cine.Rows, cine.Columns), new Dictionary<string, string>
            {
                ["layer"] = string.Join("+", model.TargetLayers),
                ["temporal_sigma_frames"] = options.TemporalSigmaFrames.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["aggregation"] = "mean-frame-probability",
            }));
        }

        if (first is null)
        {
            throw new PipelineException(package.ModelPath, "none of the requested CAM methods applies to this model");
        }

        var mean = first.MeanProbabilities.Select(v => (double)v).ToArray();
        var prediction = new StudyPrediction(PipelineTasks.LungUs, card.ClassName(first.VideoClass), first.VideoClass, [.. Enumerable.Range(0, mean.Length).Select(card.ClassName)], mean);
        context.Log(PipelineStage.Render, $"maps resized back onto the {cine.Frames} source frames ({cine.Rows}x{cine.Columns}); cine frame time {source.FrameTimeMilliseconds ?? cine.FrameTimeMs:0.#} ms kept");
        var details = new JsonObject
        {
            ["frames"] = cine.Frames,
            ["frame_time_ms"] = cine.FrameTimeMs,
            ["decisive_threshold"] = options.DecisiveThreshold,
            ["decisive_frames"] = CovidCtTask.Json(first.DecisiveFrames),
            ["frame_probabilities"] = new JsonArray(first.FrameProbabilities.Select(p => (JsonNode)new JsonArray(p.Select(v => (JsonNode)Math.Round(v, 5)).ToArray())).ToArray()),
            ["model_grid"] = CovidCtTask.Json(transform.ModelShape),
        };
        return new ExplainedStudy(source, prediction, CovidCtTask.Identity(package), maps, details);
    }
}
