using MedCam.Dicom;
using MedCam.Fhir.Primitives;
using MedCam.Fhir.Results;
using MedCam.Fhir.Serialization;
using MedCam.Outputs.Dicom;
using MedCam.Outputs.Sources;

namespace MedCam.Outputs;

/// <summary>Builds the FHIR R4 transaction Bundle of a result with MedCam.Fhir's builder, referencing the heatmap instances.</summary>
public static class FhirReportWriter
{
    /// <summary>The builder's input from the source, the explanation and the DICOM objects written.</summary>
    public static AiExplanationResult ToResult(SourceImageSet source, ExplanationDescription explanation, IEnumerable<WrittenInstance> heatmaps,
        FhirReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(explanation);
        ArgumentNullException.ThrowIfNull(options);
        var probabilities = explanation.ClassProbabilities.Count > 0
            ? explanation.ClassProbabilities.Select(p => new ClassProbability(p.Key, p.Value)).ToList()
            : explanation.Probability is { } p
                ? [new ClassProbability(explanation.TargetClass, p)]
                : throw new ArgumentException("A FHIR report needs the target class probability (or all class probabilities).");
        var header = source.Header;
        var patientId = header.GetString(DicomTags.PatientID);
        if (string.IsNullOrWhiteSpace(patientId))
        {
            throw new ArgumentException("The source has no Patient ID (0010,0020); a FHIR report needs one to name its subject.");
        }

        FhirDateTime? studyDate = header.TryGet<DateOnly>(DicomTags.StudyDate, out var date) ? FhirDateTime.FromDate(date) : null;
        var pathology = source.Modality == "SM" || (source.Kind == SourceKind.Images && source.PixelKind == SourcePixelKind.Rgb8);
        return new AiExplanationResult
        {
            StudyInstanceUid = source.StudyInstanceUid,
            Patient = new PatientLink { PatientId = patientId, IdentifierSystem = options.PatientIdentifierSystem, FhirPatientId = options.FhirPatientId },
            Algorithm = new AlgorithmDescription
            {
                Name = explanation.Model.Name,
                Version = explanation.Model.Version,
                Manufacturer = explanation.Model.Manufacturer,
                DeviceUid = explanation.Model.DeviceUid,
            },
            Method = explanation.Method,
            TargetClass = explanation.TargetClass,
            PredictedClass = explanation.PredictedClass ?? explanation.TargetClass,
            Probabilities = probabilities,
            Heatmaps = heatmaps.Select(h => new HeatmapInstance(h.StudyInstanceUid, h.SeriesInstanceUid, h.SopInstanceUid, h.SopClassUid)
            {
                Rows = (uint)h.Rows,
                Columns = (uint)h.Columns,
                Frames = (uint)h.Frames,
            }).ToList(),
            DicomWebBaseUrl = options.DicomWebBaseUrl,
            StudyDateTime = studyDate,
            CompletedAt = options.CompletedAt,
            Discipline = pathology ? ReportDiscipline.Pathology : ReportDiscipline.Radiology,
        };
    }

    public static string Write(AiExplanationResult result, string path)
    {
        var bundle = ExplanationBundleBuilder.Build(result);
        File.WriteAllBytes(path, FhirJson.SerializeToUtf8Bytes(bundle, indented: true));
        return path;
    }
}

/// <summary>Site settings of the FHIR report.</summary>
public sealed record FhirReportOptions
{
    /// <summary>System of the patient identifier (the DICOM Patient ID's issuer at this site).</summary>
    public string PatientIdentifierSystem { get; init; } = "urn:medcam:dicom-patient-id";

    public string? FhirPatientId { get; init; }

    public Uri? DicomWebBaseUrl { get; init; }

    public DateTimeOffset CompletedAt { get; init; } = DateTimeOffset.UtcNow;
}
