using MedCam.Fhir.Primitives;
using MedCam.Fhir.Results;

namespace MedCam.Fhir.Tests.Support;

/// <summary>Realistic AI explanation results for the three MedCam tasks, plus edge cases.</summary>
public static class SampleResults
{
    public const string StudyUid = "2.25.178093520745213209841237651236521305862";
    public const string ScSeriesUid = "2.25.301827468230914621093847102938475610293";
    public const string DeviceUid = "2.25.99887766554433221100998877665544332211";
    public const string SecondaryCaptureSopClass = "1.2.840.10008.5.1.4.1.1.7";
    public const string PatientIdentifierSystem = "urn:oid:1.2.3.4.5.6.7";

    public static AiExplanationResult CovidCt(int slices = 3) => new()
    {
        StudyInstanceUid = StudyUid,
        Patient = new PatientLink { PatientId = "PAT-0001", IdentifierSystem = PatientIdentifierSystem },
        Algorithm = new AlgorithmDescription
        {
            Name = "covid-ct-3d",
            Version = "1.2.0",
            Manufacturer = "MedCam",
            DeviceUid = DeviceUid,
        },
        Method = "Grad-CAM",
        TargetClass = "covid-19",
        PredictedClass = "covid-19",
        Probabilities =
        [
            new ClassProbability("covid-19", 0.87, new CodedValue("http://snomed.info/sct", "840539006", "COVID-19")),
            new ClassProbability("non-covid", 0.13),
        ],
        BodySite = new CodedValue("http://snomed.info/sct", "39607008", "Lung structure"),
        Heatmaps = [.. Enumerable.Range(1, slices).Select(i => new HeatmapInstance(
            StudyUid, ScSeriesUid, $"2.25.4000000000000000000000000000000000{i:D2}", SecondaryCaptureSopClass)
        { Rows = 512, Columns = 512 })],
        DicomWebBaseUrl = new Uri("http://pacs.example.org/dicom-web/"),
        StudyDateTime = new FhirDateTime("2024-03-05"),
        CompletedAt = new DateTimeOffset(2024, 3, 6, 9, 15, 30, 250, TimeSpan.Zero),
    };

    public static AiExplanationResult LungUltrasound() => CovidCt(slices: 0) with
    {
        Algorithm = new AlgorithmDescription
        {
            Name = "lung-us-video",
            Version = "0.9",
            Manufacturer = "MedCam",
            DeviceUid = "2.25.1234567890123456789",
        },
        Method = "Grad-CAM++ over time",
        TargetClass = "pneumonia",
        PredictedClass = "pneumonia",
        Probabilities =
        [
            new ClassProbability("covid-19", 0.05),
            new ClassProbability("pneumonia", 0.9, new CodedValue("http://snomed.info/sct", "233604007", "Pneumonia")),
            new ClassProbability("healthy", 0.05),
        ],
        Heatmaps = [new HeatmapInstance(StudyUid, ScSeriesUid, "2.25.77", "1.2.840.10008.5.1.4.1.1.7.4") { Rows = 480, Columns = 640, Frames = 48 }],
        RenderedPng = new RenderedImage { Data = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], Width = 640, Height = 480 },
        StudyDateTime = new FhirDateTime("2024-03-05T14:02:11+01:00"),
        CompletedAt = new DateTimeOffset(2024, 3, 5, 14, 30, 0, TimeSpan.FromHours(1)),
        Conclusion = "AI suggests pneumonia pattern (B-lines) in the left lower zone.",
        Status = ResultStatus.Final,
    };

    public static AiExplanationResult BladderHistology() => CovidCt(slices: 2) with
    {
        Algorithm = new AlgorithmDescription
        {
            Name = "bladder-grade",
            Version = "2.0.1",
            Manufacturer = "MedCam",
            DeviceUid = "2.25.555",
        },
        Method = "Score-CAM",
        TargetClass = "infiltrative",
        PredictedClass = "mild",
        Probabilities =
        [
            new ClassProbability("non-tumour", 0.1),
            new ClassProbability("mild", 0.6),
            new ClassProbability("infiltrative", 0.3),
        ],
        BodySite = new CodedValue("http://snomed.info/sct", "89837001", "Urinary bladder structure"),
        Discipline = ReportDiscipline.Pathology,
        Patient = new PatientLink { PatientId = "X", IdentifierSystem = PatientIdentifierSystem, FhirPatientId = "pat-42" },
        DicomWebBaseUrl = null,
        RenderedPng = new RenderedImage { Url = new Uri("https://medcam.example.org/previews/abc.png") },
        StudyDateTime = null,
        Conclusion = "Tumour grade suggestion only.",
    };

    public static IReadOnlyList<(string Name, AiExplanationResult Result)> All() =>
    [
        ("covid-ct", CovidCt()),
        ("lung-us", LungUltrasound()),
        ("bladder-histology", BladderHistology()),
        ("no-heatmaps", CovidCt(slices: 0) with { BodySite = null, DicomWebBaseUrl = null }),
        ("target-probability-only", CovidCt(slices: 1) with
        {
            PredictedClass = "non-covid",
            Probabilities = [new ClassProbability("covid-19", 0.4)],
        }),
    ];
}
