using MedCam.Dicom;

namespace MedCam.Worker.Routing;

/// <summary>Reads the routing-relevant header fields of each series in a study folder (headers only, no pixels).</summary>
public static class StudyInspector
{
    private static readonly DicomReadOptions HeaderOnly = DicomReadOptions.Default with { MemoryMap = false, StopBefore = DicomTags.PixelData };

    public static IReadOnlyList<SeriesSummary> Summarize(string studyFolder)
    {
        var series = new Dictionary<string, (SeriesSummary Summary, int Count)>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(studyFolder, "*.dcm").Order(StringComparer.Ordinal))
        {
            DicomFile file;
            try
            {
                file = DicomFile.Open(path, HeaderOnly);
            }
            catch (Exception ex) when (ex is DicomException or IOException or InvalidDataException)
            {
                continue;
            }

            using (file)
            {
                var ds = file.Dataset;
                var uid = ds.GetOrDefault(DicomTags.SeriesInstanceUID, string.Empty);
                if (series.TryGetValue(uid, out var known))
                {
                    series[uid] = (known.Summary, known.Count + 1);
                    continue;
                }

                series[uid] = (new SeriesSummary(
                    uid,
                    ds.GetOrDefault<string?>(DicomTags.Modality, null),
                    ds.GetOrDefault<string?>(DicomTags.SOPClassUID, null),
                    ds.GetOrDefault<string?>(DicomTags.BodyPartExamined, null),
                    ds.GetOrDefault<string?>(DicomTags.SeriesDescription, null),
                    0), 1);
            }
        }

        // Largest series first: a rule that fits several series picks the most complete one.
        return series.Values.Select(v => v.Summary with { Instances = v.Count }).OrderByDescending(s => s.Instances).ThenBy(s => s.SeriesInstanceUid, StringComparer.Ordinal).ToList();
    }
}
