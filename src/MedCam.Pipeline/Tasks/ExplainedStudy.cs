using System.Text.Json.Nodes;
using MedCam.Outputs;
using MedCam.Outputs.Sources;

namespace MedCam.Pipeline.Tasks;

/// <summary>One method's map on the source grid, with the parameters that made it and any task-specific extra files.</summary>
public sealed record MethodMap(string Method, CamMap Map, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>Writes extra research files (e.g. the stitched slide heatmap) into a method's folder; returns their paths.</summary>
    public Func<string, IReadOnlyList<string>>? WriteExtras { get; init; }
}

/// <summary>What a task hands to the write stage: the source, the decision, the maps and task details for summary.json.</summary>
public sealed record ExplainedStudy(SourceImageSet Source, StudyPrediction Prediction, ModelIdentity Model, IReadOnlyList<MethodMap> Maps, JsonObject Details) : IDisposable
{
    public void Dispose() => Source.Dispose();
}
