using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MedCam.Pipeline.Synthetic;

/// <summary>
/// The ground truth of a written cohort: <c>labels.csv</c> (one row per case: id, index, label, class, the case's
/// image and mask paths) and <c>labels.json</c> (the request and one entry per case), whatever the file format.
/// </summary>
internal sealed class SyntheticLabels(string directory, SyntheticCohortRequest request, string format, string imageColumn, string maskColumn)
{
    private readonly List<JsonObject> _cases = [];
    private readonly StringBuilder _csv = new($"case_id,case_index,label,class_name,{imageColumn},{maskColumn}\n");

    public void Add(SyntheticCase @case, JsonObject entry, string image, string mask)
    {
        _cases.Add(entry);
        _csv.Append(CultureInfo.InvariantCulture, $"{@case.Id},{@case.CaseIndex},{@case.Label},{@case.ClassName},{image},{mask}\n");
    }

    /// <summary>Writes labels.csv and labels.json for everything added so far.</summary>
    public void Complete()
    {
        File.WriteAllText(Path.Combine(directory, "labels.csv"), _csv.ToString());
        var root = new JsonObject
        {
            ["generator"] = "medcam synth",
            ["format"] = format,
            ["task"] = SyntheticTasks.Name(request.Task),
            ["seed"] = request.Seed,
            ["first_index"] = request.FirstIndex,
            ["count"] = _cases.Count,
            ["class_names"] = new JsonArray([.. SyntheticTasks.ClassNames(request.Task).Select(n => (JsonNode?)JsonValue.Create(n))]),
            ["cases"] = new JsonArray([.. _cases]),
        };
        File.WriteAllText(Path.Combine(directory, "labels.json"), root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
