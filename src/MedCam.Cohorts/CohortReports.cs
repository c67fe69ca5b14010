using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MedCam.Cohorts;

/// <summary>Writes a cohort's results.csv (one row per case), cohort.json (the summary) and report.md (for people).</summary>
public static class CohortReports
{
    public const string ResultsCsv = "results.csv";
    public const string SummaryJson = "cohort.json";
    public const string ReportMarkdown = "report.md";

    public static void Write(CohortDefinition definition, CohortSummary summary)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(summary);
        CohortFiles.WriteAtomically(Path.Combine(definition.Output, ResultsCsv), Csv(summary));
        CohortFiles.WriteAtomically(Path.Combine(definition.Output, SummaryJson), Json(definition, summary).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        CohortFiles.WriteAtomically(Path.Combine(definition.Output, ReportMarkdown), Markdown(definition, summary));
    }

    internal static string Csv(CohortSummary summary)
    {
        var methods = summary.Methods.Select(m => m.Method).ToList();
        var b = new StringBuilder();
        b.Append(Cohorts.Csv.Line(new[] { "case_id", "status", "true_class", "predicted_class", "correct" }
            .Concat(summary.ClassNames.Select(c => "p_" + c))
            .Concat(methods.SelectMany(m => new[] { $"{m}_energy_in_mask", $"{m}_energy_ratio", $"{m}_pointing_hit", $"{m}_iou" }))
            .Concat(["seconds", "note"]))).Append('\n');
        foreach (var c in summary.Cases)
        {
            var row = new List<string>
            {
                c.CaseId,
                c.Status,
                c.TrueClass ?? "",
                c.PredictedClass ?? "",
                c.Correct is { } ok ? (ok ? "1" : "0") : "",
            };
            var sameClasses = c.ClassNames.SequenceEqual(summary.ClassNames);
            row.AddRange(summary.ClassNames.Select((_, k) => sameClasses && k < c.Probabilities.Count ? Number(c.Probabilities[k]) : ""));
            foreach (var m in methods)
            {
                var l = c.Localisation.FirstOrDefault(x => x.Method == m);
                row.AddRange(l is null
                    ? ["", "", "", ""]
                    : [Number(l.EnergyInMask), Number(l.EnergyRatio), l.PointingHit ? "1" : "0", Number(l.Iou)]);
            }

            row.Add(c.Seconds.ToString("0.00", CultureInfo.InvariantCulture));
            row.Add(c.Error ?? "");
            b.Append(Cohorts.Csv.Line(row)).Append('\n');
        }

        return b.ToString();
    }

    internal static JsonObject Json(CohortDefinition definition, CohortSummary s)
    {
        var confusion = new JsonArray();
        for (var t = 0; t < s.ClassNames.Count; t++)
        {
            var row = new JsonArray();
            for (var p = 0; p < s.ClassNames.Count; p++)
            {
                row.Add(s.Confusion[t, p]);
            }

            confusion.Add(row);
        }

        var auc = new JsonObject();
        for (var k = 0; k < s.ClassNames.Count; k++)
        {
            auc[s.ClassNames[k]] = Value(s.Auc[k]);
        }

        return new JsonObject
        {
            ["name"] = s.Name,
            ["definition"] = new JsonObject
            {
                ["manifest"] = definition.Manifest,
                ["root"] = definition.Root,
                ["task"] = definition.Task,
                ["model"] = definition.Model,
                ["methods"] = new JsonArray(definition.Methods.Select(m => (JsonNode?)m).ToArray()),
                ["outputs"] = new JsonArray(definition.Outputs.Select(m => (JsonNode?)m).ToArray()),
                ["device"] = definition.Device,
                ["pointing_tolerance_mm"] = definition.PointingToleranceMm,
            },
            ["models"] = new JsonArray(s.Cases.Select(c => c.Model).Where(m => m is not null).Distinct().Select(m => (JsonNode?)m).ToArray()),
            ["cases"] = s.Cases.Count,
            ["done"] = s.Done,
            ["failed"] = s.Failed,
            ["failures"] = new JsonArray(s.Cases.Where(c => c.Status == CaseResult.Failed)
                .Select(c => (JsonNode?)new JsonObject { ["case_id"] = c.CaseId, ["error"] = c.Error }).ToArray()),
            ["classification"] = new JsonObject
            {
                ["class_names"] = new JsonArray(s.ClassNames.Select(c => (JsonNode?)c).ToArray()),
                ["labelled"] = s.Labelled,
                ["accuracy"] = Proportion(s.Accuracy),
                ["balanced_accuracy"] = Value(s.BalancedAccuracy),
                ["confusion"] = confusion,
                ["confusion_layout"] = "[true class][predicted class]",
                ["auc_one_vs_rest"] = auc,
                ["macro_auc"] = Value(s.MacroAuc),
            },
            ["localisation"] = new JsonArray(s.Methods.Select(m => (JsonNode?)new JsonObject
            {
                ["method"] = m.Method,
                ["cases"] = m.Cases,
                ["mean_energy_in_mask"] = Value(m.MeanEnergyInMask),
                ["mean_energy_ratio"] = Value(m.MeanEnergyRatio),
                ["median_energy_ratio"] = Value(m.MedianEnergyRatio),
                ["pointing_game"] = Proportion(m.PointingGame),
                ["mean_iou_otsu"] = Value(m.MeanIou),
                ["mean_ioa_otsu"] = Value(m.MeanIoa),
            }).ToArray()),
            ["seconds"] = Math.Round(s.Seconds, 2),
        };
    }

    internal static string Markdown(CohortDefinition definition, CohortSummary s)
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"# Cohort {s.Name}\n\n");
        b.Append(CultureInfo.InvariantCulture, $"{s.Cases.Count} cases: {s.Done} done, {s.Failed} failed. Methods: {string.Join(", ", definition.Methods)}. ");
        b.Append(CultureInfo.InvariantCulture, $"Model(s): {string.Join(", ", s.Cases.Select(c => c.Model).Where(m => m is not null).Distinct())}.\n\n");
        b.Append("Research output on the models' own terms; NOT FOR DIAGNOSTIC USE.\n\n");
        if (s.Labelled > 0)
        {
            b.Append("## Classification\n\n");
            b.Append(CultureInfo.InvariantCulture, $"- accuracy {Percent(s.Accuracy.Value)} ({s.Accuracy.Successes}/{s.Accuracy.Trials}; 95 % Wilson {Percent(s.Accuracy.Lower)}-{Percent(s.Accuracy.Upper)})\n");
            b.Append(CultureInfo.InvariantCulture, $"- balanced accuracy {Percent(s.BalancedAccuracy)}; macro one-vs-rest AUC {Text(s.MacroAuc)}\n\n");
            b.Append("| true \\ predicted | ").Append(string.Join(" | ", s.ClassNames)).Append(" | AUC |\n");
            b.Append("| --- |").Append(string.Concat(Enumerable.Repeat(" ---: |", s.ClassNames.Count + 1))).Append('\n');
            for (var t = 0; t < s.ClassNames.Count; t++)
            {
                b.Append("| ").Append(s.ClassNames[t]).Append(" | ");
                b.Append(string.Join(" | ", Enumerable.Range(0, s.ClassNames.Count).Select(p => s.Confusion[t, p].ToString(CultureInfo.InvariantCulture))));
                b.Append(" | ").Append(Text(s.Auc[t])).Append(" |\n");
            }

            b.Append('\n');
        }

        if (s.Methods.Count > 0)
        {
            b.Append("## Localisation against the lesion masks (cases with a lesion)\n\n");
            b.Append("| method | cases | energy in mask | x chance (mean / median) | pointing game | IoU (Otsu) |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
            foreach (var m in s.Methods)
            {
                b.Append(CultureInfo.InvariantCulture,
                    $"| {m.Method} | {m.Cases} | {Text(m.MeanEnergyInMask)} | {Text(m.MeanEnergyRatio)} / {Text(m.MedianEnergyRatio)} | {Percent(m.PointingGame.Value)} ({Percent(m.PointingGame.Lower)}-{Percent(m.PointingGame.Upper)}) | {Text(m.MeanIou)} |\n");
            }

            b.Append(CultureInfo.InvariantCulture, $"\nPointing game tolerance {definition.PointingToleranceMm} mm where the voxel spacing is known (CT), else pixels.\n\n");
        }

        if (s.Failed > 0)
        {
            b.Append("## Failed cases\n\n");
            foreach (var c in s.Cases.Where(c => c.Status == CaseResult.Failed))
            {
                b.Append(CultureInfo.InvariantCulture, $"- {c.CaseId}: {c.Error}\n");
            }

            b.Append('\n');
        }

        b.Append("Per case: results.csv and cases/<case_id>/ (case.json, the pipeline's outputs).\n");
        return b.ToString();
    }

    private static JsonObject Proportion(Proportion p) => new()
    {
        ["value"] = Value(p.Value),
        ["successes"] = p.Successes,
        ["trials"] = p.Trials,
        ["ci95"] = new JsonArray(Value(p.Lower), Value(p.Upper)),
    };

    private static JsonNode? Value(double v) => double.IsFinite(v) ? JsonValue.Create(Math.Round(v, 4)) : null;

    private static string Number(double v) => v.ToString("0.#####", CultureInfo.InvariantCulture);

    private static string Text(double v) => double.IsFinite(v) ? v.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

    private static string Percent(double v) => double.IsFinite(v) ? (100 * v).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "n/a";
}
