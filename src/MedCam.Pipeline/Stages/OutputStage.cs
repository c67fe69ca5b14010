using MedCam.Outputs;
using MedCam.Outputs.Dicom;
using MedCam.Outputs.Sources;
using MedCam.Pipeline.Tasks;

namespace MedCam.Pipeline.Stages;

/// <summary>
/// Write stage: each method's map on the source grid through MedCam.Outputs (SC series, multi-frame SC, Parametric
/// Map for volumes, FHIR bundle, NIfTI, PNG previews, .npy) into <c>&lt;out&gt;/&lt;method&gt;/</c>, plus the task's extras.
/// </summary>
public static class OutputStage
{
    public static OutputFormat DefaultFormats(SourceKind kind) =>
        OutputFormat.SecondaryCapture | OutputFormat.MultiFrameSecondaryCapture | OutputFormat.Fhir | OutputFormat.Png | OutputFormat.Npy | OutputFormat.Nifti
        | (kind == SourceKind.Volume ? OutputFormat.ParametricMap : OutputFormat.None);

    public static IReadOnlyList<MethodOutputs> Write(PipelineContext context, ExplainedStudy study)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(study);
        var formats = context.Options.Formats ?? DefaultFormats(study.Source.Kind);
        if (study.Source.Kind != SourceKind.Volume && formats.HasFlag(OutputFormat.ParametricMap))
        {
            formats &= ~OutputFormat.ParametricMap;
            context.Log(PipelineStage.Write, $"no Parametric Map: the source is a {study.Source.Kind}, not a volume");
        }

        var prediction = study.Prediction;
        var outputs = new List<MethodOutputs>();
        foreach (var map in study.Maps)
        {
            var folder = Path.Combine(context.OutputDirectory, CamStage.FolderName(map.Method));
            var request = new HeatmapOutputRequest
            {
                Explanation = new ExplanationDescription
                {
                    Model = study.Model,
                    Method = CamStage.DisplayName(map.Method),
                    TargetClass = prediction.ClassName,
                    Probability = Math.Clamp(prediction.Probability, 0, 1),
                    PredictedClass = prediction.ClassName,
                    ClassProbabilities = prediction.ClassNames.Select((n, i) => KeyValuePair.Create(n, Math.Clamp(prediction.Probabilities[i], 0, 1))).ToList(),
                    Parameters = map.Parameters,
                },
                Formats = formats,
                Render = context.Options.Render ?? RenderSettings.Default,
                Dicom = context.Options.CreatedAt is { } at ? DerivedObjectOptions.Default with { CreatedAt = at } : DerivedObjectOptions.Default,
            };
            var summary = context.Run(PipelineStage.Write, () => HeatmapOutputWriter.Write(study.Source, map.Map, request, folder));
            var dicom = summary.Dicom.Select(d => d.Path).ToList();
            var bundle = summary.Files.FirstOrDefault(f => Path.GetFileName(f) == "bundle.json");
            var research = summary.Files.Where(f => !dicom.Contains(f) && f != bundle).ToList();
            if (map.WriteExtras is { } extras)
            {
                research.AddRange(extras(folder));
            }

            context.Log(PipelineStage.Write, $"{CamStage.DisplayName(map.Method)}: {dicom.Count} DICOM object(s), {(bundle is null ? "no FHIR bundle" : "FHIR bundle")}, {research.Count} research file(s) in {folder}");
            outputs.Add(new MethodOutputs(map.Method, folder, dicom, bundle, research));
        }

        return outputs;
    }
}
