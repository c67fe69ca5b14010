using System.CommandLine;
using System.Globalization;
using MedCam.Cohorts;

namespace MedCam.Cli.Commands;

/// <summary>
/// <c>medcam cohort</c>: the pipeline over a research cohort (pipelines/cohort-*.yaml, or a manifest given on the
/// command line), with classification and localisation metrics against the manifest's truth. Resumable.
/// </summary>
internal static class CohortCommand
{
    public static Command Create()
    {
        var definition = new Argument<string?>("definition") { Description = "Cohort definition (YAML, e.g. pipelines/cohort-samples-ct.yaml). Optional with --manifest or --root.", Arity = ArgumentArity.ZeroOrOne };
        var manifest = new Option<string>("--manifest") { Description = "Manifest CSV (case_id, folder[, label | class_name][, lesion_mask]); overrides the definition's." };
        var root = new Option<string>("--root") { Description = "A folder whose sub-folders are the studies (no labels); overrides the definition's." };
        var task = new Option<string>("--task") { Description = "covid-ct, lung-us or bladder-histo (default: the definition's, else per study from the modality)." };
        var model = new Option<string>("--model") { Description = "Model package folder or model.pt (default: the definition's, else chosen by card)." };
        var method = new Option<string>("--method") { Description = "CAM method(s), comma separated (default: the definition's, else gradcam)." };
        var outputs = new Option<string>("--outputs") { Description = "Per-case outputs, comma separated: sc, mfsc, pmap, fhir, nifti, png, npy (npy is always written)." };
        var output = new Option<string>("--out") { Description = "Output folder (default: the definition's)." };
        var limit = new Option<int?>("--limit") { Description = "Only the first N cases." };
        var rerun = new Option<bool>("--rerun") { Description = "Run every case again, even those already done with the same settings." };

        var command = new Command("cohort", "Explain every study of a research cohort and measure classification and CAM localisation (results.csv, cohort.json, report.md).");
        command.Arguments.Add(definition);
        foreach (var option in new Option[] { manifest, root, task, model, method, outputs, output, limit, rerun })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var cwd = Directory.GetCurrentDirectory();
                var path = parse.GetValue(definition);
                var d = path is null ? new CohortDefinition() : CohortDefinition.Load(path);
                if (parse.GetValue(manifest) is { } m)
                {
                    d = d with { Manifest = Path.GetFullPath(m), Root = null, Name = path is null ? Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(m))) ?? d.Name : d.Name };
                }

                if (parse.GetValue(root) is { } r)
                {
                    d = d with { Root = Path.GetFullPath(r), Manifest = null, Name = path is null ? Path.GetFileName(Path.GetFullPath(r)) : d.Name };
                }

                d = d with
                {
                    Task = parse.GetValue(task) ?? d.Task,
                    Model = parse.GetValue(model) is { } mo ? Path.GetFullPath(mo) : d.Model,
                    Methods = parse.GetValue(method) is { } me ? Split(me) : d.Methods,
                    Outputs = parse.GetValue(outputs) is { } o ? Split(o) : d.Outputs,
                    Output = parse.GetValue(output) is { } ou ? Path.GetFullPath(ou) : path is null ? Path.GetFullPath(d.Output, cwd) : d.Output,
                };
                d.Checked(path ?? "medcam cohort");

                Console.WriteLine($"cohort {d.Name}: {d.Manifest ?? d.Root} -> {d.Output}");
                var summary = await CohortRunner.RunAsync(
                    d,
                    new CohortRunOptions { Limit = parse.GetValue(limit), Rerun = parse.GetValue(rerun) },
                    new Progress(),
                    ct).ConfigureAwait(false);

                Console.WriteLine();
                Console.WriteLine(Summary(summary, d));
                return summary.Failed == 0 ? 0 : 1;
            }
            catch (CohortDefinitionException error)
            {
                Console.Error.WriteLine($"medcam cohort: {error.Message}");
                return 2;
            }
        });
        return command;
    }

    private static string[] Split(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Summary(CohortSummary s, CohortDefinition d)
    {
        var lines = new List<string> { $"{s.Cases.Count} case(s): {s.Done} done, {s.Failed} failed, {s.Seconds.ToString("0.0", CultureInfo.InvariantCulture)} s" };
        if (s.Labelled > 0)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"accuracy {s.Accuracy.Value:P1} ({s.Accuracy.Successes}/{s.Accuracy.Trials}, 95% CI {s.Accuracy.Lower:P1}-{s.Accuracy.Upper:P1}); balanced {s.BalancedAccuracy:P1}; macro AUC {(double.IsFinite(s.MacroAuc) ? s.MacroAuc.ToString("0.00", CultureInfo.InvariantCulture) : "n/a")}"));
        }

        foreach (var m in s.Methods)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{m.Method}: energy in lesion {m.MeanEnergyInMask:0.000} ({m.MeanEnergyRatio:0.0}x chance), pointing game {m.PointingGame.Value:P0} of {m.Cases}, IoU {m.MeanIou:0.00}"));
        }

        lines.Add($"report: {Path.Combine(d.Output, CohortReports.ReportMarkdown)}; per case: {Path.Combine(d.Output, CohortReports.ResultsCsv)}");
        return string.Join(Environment.NewLine, lines);
    }

    private sealed class Progress : IProgress<CohortProgress>
    {
        public void Report(CohortProgress value)
        {
            var c = value.Result;
            var what = c.Status == CaseResult.Done
                ? string.Create(CultureInfo.InvariantCulture, $"{c.PredictedClass} (p {c.Probabilities[c.PredictedIndex!.Value]:0.00})") + (c.TrueClass is null ? "" : c.Correct == true ? ", right" : $", truth {c.TrueClass}")
                : "FAILED: " + c.Error;
            var when = value.Reused ? "kept from an earlier run" : string.Create(CultureInfo.InvariantCulture, $"{c.Seconds:0.0} s");
            Console.WriteLine($"[{value.Index}/{value.Count}] {c.CaseId}: {what} ({when})");
        }
    }
}
