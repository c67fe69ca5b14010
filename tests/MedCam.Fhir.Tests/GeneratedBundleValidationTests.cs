using System.Globalization;
using System.Numerics;
using System.Text;
using MedCam.Fhir.Model;
using MedCam.Fhir.Primitives;
using MedCam.Fhir.Results;
using MedCam.Fhir.Serialization;
using MedCam.Fhir.Tests.Support;

namespace MedCam.Fhir.Tests;

/// <summary>
/// Many generated results (odd labels, Unicode, extreme offsets, any number of heatmaps) through the builder and
/// both third-party validators: "every Bundle the builder makes is valid" beyond the hand-written samples.
/// </summary>
[Collection(FhirValidatorCollection.Name)]
public sealed class GeneratedBundleValidationTests(NodeFhirValidator validator)
{
    private const int Count = 60;

    // Words a model package or a user might put in names and labels, including whitespace and characters that
    // .NET and ECMAScript disagree about.
    private static readonly string[] Words =
    [
        "covid-19", "pneumonia", "healthy", "non-tumour", "Grad-CAM++", "Score CAM", "α-β", "肺", "B-lines",
        "\"quoted\"", "back\\slash", "tab\there", "line\nbreak", "nbsp\u00A0gap", "ideographic\u3000space",
        "bom\uFEFFmark", "bell\u0007", "  padded  ", "émoji🫁", "<html>", "50%",
    ];

    [Fact]
    public void Build_GeneratedResults_AreAllValidUnderBothValidatorsAndRoundTrip()
    {
        var random = new Random(20240306);
        var inputs = new List<(string, string)>();
        for (var i = 0; i < Count; i++)
        {
            var result = Generate(random);
            var json = FhirJson.Serialize(ExplanationBundleBuilder.Build(result));

            Assert.Equal(json, FhirJson.Serialize(FhirJson.Deserialize<Bundle>(json)));
            inputs.Add(($"generated-{i:D3}", json));
        }

        var verdicts = validator.Validate(inputs);

        Assert.All(verdicts, v => Assert.True(v.Valid, v.ToString()));
    }

    private static AiExplanationResult Generate(Random random)
    {
        var study = Uid(random);
        var labels = Enumerable.Range(0, random.Next(1, 5))
            .Select(i => $"{Words[random.Next(Words.Length)]} {i}")
            .ToList();
        var raw = labels.Select(_ => random.NextDouble()).ToList();
        var sum = raw.Sum();
        var probabilities = labels.Select((label, i) => new ClassProbability(label, raw[i] / sum,
            random.Next(3) == 0 ? new CodedValue(FhirSystems.SnomedCt, random.Next(100000, 999999999).ToString(CultureInfo.InvariantCulture)) : null)).ToList();
        var series = Uid(random);
        var offset = TimeSpan.FromMinutes(15 * random.Next(-14 * 4, 14 * 4 + 1));
        var completed = new DateTimeOffset(2000, 1, 1, 0, 0, 0, offset)
            .AddSeconds(random.Next(0, 900_000_000)).AddTicks(random.Next(0, 10_000_000));

        return new AiExplanationResult
        {
            StudyInstanceUid = study,
            Patient = new PatientLink
            {
                PatientId = $"{Words[random.Next(Words.Length)].Trim()}^{random.Next(1000000)}".Replace('\u0007', 'x').Replace('\t', ' ').Replace('\n', ' ')
                    .Replace('\u00A0', ' ').Replace('\u3000', ' ').Replace('\uFEFF', 'x'),
                IdentifierSystem = random.Next(2) == 0 ? "urn:oid:1.2.3.4" : "https://hospital.example.org/patient-ids",
                FhirPatientId = random.Next(4) == 0 ? $"p-{random.Next(100000)}" : null,
            },
            Algorithm = new AlgorithmDescription
            {
                Name = Words[random.Next(Words.Length)],
                Version = $"{random.Next(10)}.{random.Next(100)}",
                Manufacturer = Words[random.Next(Words.Length)],
                DeviceUid = Uid(random),
            },
            Method = Words[random.Next(Words.Length)],
            TargetClass = labels[random.Next(labels.Count)],
            PredictedClass = labels[random.Next(labels.Count)],
            Probabilities = probabilities,
            BodySite = random.Next(2) == 0 ? new CodedValue(FhirSystems.SnomedCt, "39607008", "Lung structure") : null,
            Heatmaps = [.. Enumerable.Range(0, random.Next(0, 5)).Select(_ => new HeatmapInstance(study, series, Uid(random), "1.2.840.10008.5.1.4.1.1.7")
            {
                Rows = (uint)random.Next(1, 4096),
                Columns = (uint)random.Next(1, 4096),
                Frames = random.Next(2) == 0 ? (uint)random.Next(1, 500) : null,
            })],
            DicomWebBaseUrl = random.Next(2) == 0 ? new Uri("https://pacs.example.org:8443/dicom-web") : null,
            RenderedPng = random.Next(3) == 0 ? new RenderedImage { Data = RandomBytes(random) } : null,
            StudyDateTime = random.Next(3) switch
            {
                0 => null,
                1 => FhirDateTime.FromDate(DateOnly.FromDateTime(completed.UtcDateTime.AddDays(-1))),
                _ => FhirDateTime.FromDateTimeOffset(completed.AddHours(-3)),
            },
            CompletedAt = completed,
            Conclusion = random.Next(2) == 0 ? null : string.Join(" ", Enumerable.Range(0, 5).Select(_ => Words[random.Next(Words.Length)])),
            Discipline = random.Next(2) == 0 ? ReportDiscipline.Radiology : ReportDiscipline.Pathology,
            Status = random.Next(2) == 0 ? ResultStatus.Final : ResultStatus.Preliminary,
        };
    }

    // A 2.25 UID (PS3.5 B.2): the decimal form of a 128-bit number, at most 39 digits.
    private static string Uid(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        var value = new BigInteger(bytes, isUnsigned: true);
        return "2.25." + value.ToString(CultureInfo.InvariantCulture);
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 64)];
        random.NextBytes(bytes);
        return bytes;
    }
}
