using System.Globalization;
using System.Text;

namespace MedCam.Pipeline;

/// <summary>The short human summary a front end prints after a run: prediction, probabilities, where the outputs are.</summary>
public static class PipelineReport
{
    public static string HumanSummary(PipelineResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var p = result.Prediction;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{p.Task}: predicted {p.ClassName} (p = {p.Probability:0.000}) by {result.Model}");
        text.AppendLine("  probabilities: " + string.Join(", ", p.ClassNames.Select((n, i) => string.Create(CultureInfo.InvariantCulture, $"{n} {p.Probabilities[i]:0.000}"))));
        foreach (var m in result.Methods)
        {
            var primary = result.Methods.Count > 1 && m.Method == result.PrimaryMethod ? " (primary)" : "";
            text.AppendLine(CultureInfo.InvariantCulture, $"  {m.Method}{primary}: {m.DicomFiles.Count} DICOM object(s), {m.ResearchFiles.Count} research file(s) in {m.Directory}");
        }

        if (result.FhirBundle is { } bundle)
        {
            text.AppendLine("  FHIR bundle: " + bundle + (result.Methods.Count > 1 ? $" ({result.PrimaryMethod}; each method's folder has its own bundle.json)" : ""));
        }

        text.Append("  summary: " + result.SummaryPath);
        return text.ToString();
    }
}
