using System.Text;
using MedCam.Dicom;
using MedCam.Worker.Routing;

namespace MedCam.Worker.Processing;

/// <summary>
/// Gives a study's outputs UIDs that stay the same when the study is processed again with more instances, so a rerun
/// after a late instance replaces the earlier results in the PACS instead of adding a second heatmap series.
/// <para>
/// The output writers derive UIDs from the exact set of source instances (any change, new UIDs: right for a
/// research file, wrong for a PACS that keeps both). Here a series UID is derived from the study, the routed source
/// series and the routing decision (rule, task, model, methods) plus the output SOP class; an instance UID from that
/// series UID and the source instance it depicts (single-frame objects) or nothing else (one object per series, e.g.
/// the Parametric Map). The FHIR bundle's references are rewritten to match.
/// </para>
/// </summary>
public static class StudyStableUids
{
    private static readonly DicomReadOptions WholeFile = DicomReadOptions.Default with { MemoryMap = false };

    public static void Apply(StudyProcessingResult result, RoutingDecision decision)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(decision);
        var replacements = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in result.DicomFiles)
        {
            DicomDataset dataset;
            DicomTransferSyntax syntax;
            using (var file = DicomFile.Open(path, WholeFile))
            {
                dataset = file.Dataset;
                syntax = file.TransferSyntax;
                var study = dataset.GetString(DicomTags.StudyInstanceUID);
                var sopClass = dataset.GetString(DicomTags.SOPClassUID);
                var oldSeries = dataset.GetString(DicomTags.SeriesInstanceUID);
                var oldInstance = dataset.GetString(DicomTags.SOPInstanceUID);
                var series = DicomUid.FromName(
                    "medcam-worker-series", study, decision.SeriesInstanceUid, decision.Rule, decision.Task, decision.Model ?? string.Empty,
                    string.Join(',', decision.Methods), sopClass).Value;
                var instance = DicomUid.FromName("medcam-worker-instance", series, DepictedSource(dataset)).Value;
                if (replacements.TryGetValue(oldInstance, out var known) && known != instance)
                {
                    throw new StudyProcessingException("Two outputs map to one stable instance UID; the task wrote an unexpected layout.");
                }

                replacements[oldSeries] = series;
                replacements[oldInstance] = instance;
                dataset.AddOrUpdate(DicomTags.SeriesInstanceUID, series);
                dataset.AddOrUpdate(DicomTags.SOPInstanceUID, instance);
                using var rewritten = DicomFile.Create(dataset, syntax);
                rewritten.Save(path + ".stable");
            }

            File.Move(path + ".stable", path, overwrite: true);
        }

        if (result.FhirBundle is { } bundle && replacements.Count > 0)
        {
            // UIDs are unique strings: replacing them textually (longest first) rewrites every reference and identifier.
            var text = new StringBuilder(File.ReadAllText(bundle));
            foreach (var (old, stable) in replacements.OrderByDescending(r => r.Key.Length))
            {
                text.Replace(old, stable);
            }

            File.WriteAllText(bundle, text.ToString());
        }
    }

    /// <summary>The source instance a single-frame output depicts; empty for multi-frame objects (one per series).</summary>
    private static string DepictedSource(DicomDataset dataset)
    {
        if (dataset.GetOrDefault(DicomTags.NumberOfFrames, 1) > 1 || !dataset.TryGetSequence(DicomTags.SourceImageSequence, out var sources) || sources.Items.Count != 1)
        {
            return string.Empty;
        }

        return sources.Items[0].GetOrDefault(DicomTags.ReferencedSOPInstanceUID, string.Empty);
    }
}
