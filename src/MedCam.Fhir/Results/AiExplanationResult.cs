using MedCam.Fhir.Model;
using MedCam.Fhir.Primitives;

namespace MedCam.Fhir.Results;

/// <summary>
/// Everything the FHIR report of one AI explanation needs, in plain values: the source study, the patient link,
/// the algorithm, the classification and the heatmap objects written to the PACS. Input of
/// <see cref="ExplanationBundleBuilder"/>.
/// </summary>
public sealed record AiExplanationResult
{
    /// <summary>DICOM Study Instance UID (0020,000D) of the source study.</summary>
    public required string StudyInstanceUid { get; init; }

    public required PatientLink Patient { get; init; }

    public required AlgorithmDescription Algorithm { get; init; }

    /// <summary>Explanation method as shown to people, e.g. <c>Grad-CAM</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The class the map explains (often the predicted one).</summary>
    public required string TargetClass { get; init; }

    public required string PredictedClass { get; init; }

    /// <summary>One entry per model output class, each in [0, 1]; at least one (a model that reports only the
    /// target's probability gives just that one; the predicted class then needs no entry).</summary>
    public required IReadOnlyList<ClassProbability> Probabilities { get; init; }

    /// <summary>What was classified, e.g. SNOMED CT 39607008 Lung (structure), 89837001 Urinary bladder.</summary>
    public CodedValue? BodySite { get; init; }

    /// <summary>The heatmap Secondary Captures written for this result (may be empty when no DICOM was written).</summary>
    public IReadOnlyList<HeatmapInstance> Heatmaps { get; init; } = [];

    /// <summary>DICOMweb (WADO-RS) base, e.g. <c>https://pacs/dicom-web</c>; without it Media carry no URL.</summary>
    public Uri? DicomWebBaseUrl { get; init; }

    public RenderedImage? RenderedPng { get; init; }

    /// <summary>When the source images were taken (Study Date/Time; a date alone is fine).</summary>
    public FhirDateTime? StudyDateTime { get; init; }

    /// <summary>When MedCam produced the result (Observation/DiagnosticReport issued, Provenance recorded).</summary>
    public required DateTimeOffset CompletedAt { get; init; }

    /// <summary>Human-readable conclusion; the builder makes sure it says the result is AI output.</summary>
    public string? Conclusion { get; init; }

    /// <summary>What Observation.code says was observed; text naming the algorithm when not given.</summary>
    public CodedValue? FindingCode { get; init; }

    public ReportDiscipline Discipline { get; init; } = ReportDiscipline.Radiology;

    /// <summary>Preliminary until a person has reviewed it (the default for unreviewed AI output).</summary>
    public ResultStatus Status { get; init; } = ResultStatus.Preliminary;
}

/// <summary>
/// The patient: by FHIR id when known (<c>Patient/{id}</c>), otherwise logically by identifier
/// (system configured per site, value = DICOM Patient ID).
/// </summary>
public sealed record PatientLink
{
    public required string PatientId { get; init; }

    public required string IdentifierSystem { get; init; }

    public string? FhirPatientId { get; init; }

    // Patient ID is personal data: never in ToString (logs, exception messages).
    public override string ToString() => "PatientLink { PatientId = <redacted> }";
}

/// <summary>The AI algorithm as a device: the same Device UID MedCam writes in DICOM (0018,1002).</summary>
public sealed record AlgorithmDescription
{
    public required string Name { get; init; }

    public required string Version { get; init; }

    public required string Manufacturer { get; init; }

    public required string DeviceUid { get; init; }
}

/// <summary>A class label and its probability; <paramref name="Code"/> maps the label to a terminology when known.</summary>
public sealed record ClassProbability(string Label, double Probability, CodedValue? Code = null);

/// <summary>A code from a code system (e.g. SNOMED CT), as plain strings.</summary>
public sealed record CodedValue(string System, string Code, string? Display = null)
{
    public CodeableConcept ToCodeableConcept(string? text = null) =>
        CodeableConcept.Of(System, Code, Display, text ?? Display);
}

/// <summary>One heatmap DICOM instance (Secondary Capture or Parametric Map) stored next to the source.</summary>
public sealed record HeatmapInstance(
    string StudyInstanceUid,
    string SeriesInstanceUid,
    string SopInstanceUid,
    string SopClassUid)
{
    public uint? Rows { get; init; }

    public uint? Columns { get; init; }

    public uint? Frames { get; init; }
}

/// <summary>A rendered PNG preview, inline (<see cref="Data"/>) and/or by <see cref="Url"/>.</summary>
public sealed record RenderedImage
{
    public byte[]? Data { get; init; }

    public Uri? Url { get; init; }

    public string? Title { get; init; }

    public uint? Width { get; init; }

    public uint? Height { get; init; }
}

public enum ReportDiscipline
{
    /// <summary>v2-0074 RAD, LOINC 18748-4 "Diagnostic imaging study".</summary>
    Radiology,

    /// <summary>v2-0074 PAT, LOINC 11526-1 "Pathology study" (whole-slide histology).</summary>
    Pathology,
}

public enum ResultStatus
{
    Preliminary,
    Final,
}
