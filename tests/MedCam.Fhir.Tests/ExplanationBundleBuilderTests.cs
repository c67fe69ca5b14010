using System.Text.Json.Nodes;
using MedCam.Fhir.Model;
using MedCam.Fhir.Primitives;
using MedCam.Fhir.Results;
using MedCam.Fhir.Serialization;
using MedCam.Fhir.Tests.Support;

namespace MedCam.Fhir.Tests;

public sealed class ExplanationBundleBuilderTests
{
    [Fact]
    public void Build_CovidCt_WritesExampleArtifact()
    {
        // Kept next to the test binaries so a person can read what MedCam posts (docs/fhir.md shows an excerpt).
        var json = FhirJson.Serialize(ExplanationBundleBuilder.Build(SampleResults.CovidCt(slices: 1)), indented: true);
        var path = Path.Combine(AppContext.BaseDirectory, "artifacts", "fhir-bundle-covid-ct.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);

        Assert.True(new FileInfo(path).Length > 1000);
    }

    [Fact]
    public void Build_SameResultTwice_GivesByteIdenticalBundles()
    {
        var first = FhirJson.Serialize(ExplanationBundleBuilder.Build(SampleResults.CovidCt()));
        var second = FhirJson.Serialize(ExplanationBundleBuilder.Build(SampleResults.CovidCt()));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Build_HeatmapsListedInAnotherOrder_GivesSameIdentifiers()
    {
        var result = SampleResults.CovidCt();
        var reversed = result with { Heatmaps = [.. result.Heatmaps.Reverse()] };

        Assert.Equal(ExplanationBundleBuilder.ResultId(result), ExplanationBundleBuilder.ResultId(reversed));
        Assert.Equal(Identifiers(ExplanationBundleBuilder.Build(result)).Order(), Identifiers(ExplanationBundleBuilder.Build(reversed)).Order());
    }

    [Fact]
    public void Build_DifferentMethodOrTarget_GivesNewResultIdentifiersButSameDeviceAndMedia()
    {
        var a = ExplanationBundleBuilder.Build(SampleResults.CovidCt());
        var b = ExplanationBundleBuilder.Build(SampleResults.CovidCt() with { Method = "Score-CAM" });
        var c = ExplanationBundleBuilder.Build(SampleResults.CovidCt() with { TargetClass = "non-covid" });

        Assert.NotEqual(Single<Observation>(a).Identifier![0].Value, Single<Observation>(b).Identifier![0].Value);
        Assert.NotEqual(Single<DiagnosticReport>(a).Identifier![0].Value, Single<DiagnosticReport>(c).Identifier![0].Value);
        Assert.Equal(Single<Device>(a).Identifier![0].Value, Single<Device>(b).Identifier![0].Value);
    }

    [Fact]
    public void Build_EveryEntry_IsConditionalCreateOnTheResourcesOwnIdentifier()
    {
        var bundle = ExplanationBundleBuilder.Build(SampleResults.LungUltrasound());

        Assert.Equal(BundleType.Transaction, bundle.Type);
        Assert.Equal(bundle.Entry!.Count, bundle.Entry.Select(e => e.FullUrl!.Value.Value).Distinct().Count());
        foreach (var entry in bundle.Entry)
        {
            Assert.StartsWith("urn:uuid:", entry.FullUrl!.Value.Value, StringComparison.Ordinal);
            Assert.True(Guid.TryParse(entry.FullUrl.Value.Value["urn:uuid:".Length..], out _));
            Assert.Equal(HttpVerb.Post, entry.Request!.Method);
            Assert.Equal(entry.Resource!.ResourceType, entry.Request.Url.Value);
            var query = entry.Request.IfNoneExist!;
            if (entry.Resource is Provenance provenance)
            {
                var tag = Assert.Single(provenance.Meta!.Tag!);
                Assert.Equal($"_tag={Uri.EscapeDataString(tag.System!.Value.Value)}|{tag.Code}", query);
                continue;
            }

            var identifier = Assert.Single(IdentifiersOf(entry.Resource));
            Assert.Equal(
                $"identifier={Uri.EscapeDataString(identifier.System!.Value.Value)}|{Uri.EscapeDataString(identifier.Value!)}",
                query);
        }
    }

    [Fact]
    public void Build_EveryLiteralReference_PointsToAnEntryOfTheBundle()
    {
        var bundle = ExplanationBundleBuilder.Build(SampleResults.LungUltrasound());
        var fullUrls = bundle.Entry!.Select(e => e.FullUrl!.Value.Value).ToHashSet();
        var references = JsonNode.Parse(FhirJson.Serialize(bundle))!.AsObject().DescendantsNamed("reference").ToList();

        Assert.NotEmpty(references);
        Assert.All(references.Where(r => r.StartsWith("urn:uuid:", StringComparison.Ordinal)), r => Assert.Contains(r, fullUrls));
    }

    [Fact]
    public void Build_CovidCt_FollowsTheFhirResultsLayout()
    {
        var result = SampleResults.CovidCt();
        var bundle = ExplanationBundleBuilder.Build(result);
        var device = Single<Device>(bundle);
        var observation = Single<Observation>(bundle);
        var report = Single<DiagnosticReport>(bundle);
        var provenance = Single<Provenance>(bundle);
        var media = bundle.Entry!.Select(e => e.Resource).OfType<Media>().ToList();
        var url = (Resource r) => ResourceReference.To(bundle.Entry!.Single(e => ReferenceEquals(e.Resource, r)).FullUrl!.Value).Reference;
        var studyIdentifier = ("urn:dicom:uid", "urn:oid:" + SampleResults.StudyUid);

        // Device: the algorithm, by its DICOM Device UID.
        Assert.Equal(("urn:dicom:uid", "urn:oid:" + SampleResults.DeviceUid), Pair(device.Identifier![0]));
        Assert.Equal("covid-ct-3d", device.DeviceName![0].Name);
        Assert.Equal(DeviceNameType.ModelName, device.DeviceName[0].Type);
        Assert.Equal("MedCam", device.Manufacturer);
        Assert.Equal("1.2.0", device.Version![0].Value);

        // Media: one per heatmap SC, identified by SOP Instance UID, WADO-RS URL under the configured base.
        Assert.Equal(3, media.Count);
        var heatmap = result.Heatmaps[0];
        Assert.Equal(("urn:dicom:uid", "urn:oid:" + heatmap.SopInstanceUid), Pair(media[0].Identifier![0]));
        Assert.Equal("application/dicom", media[0].Content.ContentType!.Value.Value);
        Assert.Equal(
            $"http://pacs.example.org/dicom-web/studies/{heatmap.StudyInstanceUid}/series/{heatmap.SeriesInstanceUid}/instances/{heatmap.SopInstanceUid}",
            media[0].Content.Url!.Value.Value);
        Assert.Equal("image", media[0].Type!.Coding![0].Code!.Value.Value);
        Assert.Equal(512u, media[0].Width);

        // Observation: AI asserted, imaging, predicted class, probabilities as UCUM "1", body site, links.
        Assert.Equal(("http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "AIAST"),
            (observation.Meta!.Security![0].System!.Value.Value, observation.Meta.Security[0].Code!.Value.Value));
        Assert.Equal("imaging", observation.Category![0].Coding![0].Code!.Value.Value);
        Assert.Equal(ObservationStatus.Preliminary, observation.Status);
        Assert.Equal("840539006", observation.ValueCodeableConcept!.Coding![0].Code!.Value.Value);
        Assert.Equal("covid-19", observation.ValueCodeableConcept.Text);
        var probabilities = observation.Component!.Where(c => c.ValueQuantity is not null).ToList();
        Assert.Equal([0.8700m, 0.1300m], probabilities.Select(c => c.ValueQuantity!.Value!.Value));
        Assert.All(probabilities, c => Assert.Equal(("1", "1", "http://unitsofmeasure.org"),
            (c.ValueQuantity!.Unit, c.ValueQuantity.Code!.Value.Value, c.ValueQuantity.System!.Value.Value)));
        Assert.Equal("39607008", observation.BodySite!.Coding![0].Code!.Value.Value);
        Assert.Equal(url(device), observation.Device!.Reference);
        Assert.Equal(studyIdentifier, Pair(observation.DerivedFrom![0].Identifier!));
        Assert.Equal("ImagingStudy", observation.DerivedFrom[0].Type!.Value.Value);
        Assert.Equal(media.Select(url), observation.DerivedFrom.Skip(1).Select(r => r.Reference));
        Assert.Equal(("urn:oid:1.2.3.4.5.6.7", "PAT-0001"), Pair(observation.Subject!.Identifier!));
        Assert.Equal("2024-03-05", observation.EffectiveDateTime!.Value.Value);

        // DiagnosticReport: RAD, LOINC 18748-4, results, study, media, AI conclusion.
        Assert.Equal("RAD", report.Category![0].Coding![0].Code!.Value.Value);
        Assert.Equal(("http://loinc.org", "18748-4"), (report.Code.Coding![0].System!.Value.Value, report.Code.Coding[0].Code!.Value.Value));
        Assert.Equal([url(observation)], report.Result!.Select(r => r.Reference));
        Assert.Equal(studyIdentifier, Pair(report.ImagingStudy![0].Identifier!));
        Assert.Equal(media.Select(url), report.Media!.Select(m => m.Link.Reference));
        Assert.Contains("AI-generated", report.Conclusion, StringComparison.Ordinal);
        Assert.Contains("0.8700", report.Conclusion, StringComparison.Ordinal);
        Assert.Equal(result.CompletedAt, report.Issued);

        // Provenance: the device made the report, observation and media from the study.
        Assert.Equal([url(report), url(observation), .. media.Select(url)], provenance.Target.Select(t => t.Reference));
        Assert.Equal(url(device), provenance.Agent[0].Who.Reference);
        Assert.Equal("author", provenance.Agent[0].Type!.Coding![0].Code!.Value.Value);
        Assert.Equal(ProvenanceEntityRole.Source, provenance.Entity![0].Role);
        Assert.Equal(studyIdentifier, Pair(provenance.Entity[0].What.Identifier!));
        Assert.Equal(result.CompletedAt, provenance.Recorded);
    }

    [Fact]
    public void Build_Pathology_UsesPatCategoryAndPathologyStudyCode()
    {
        var report = Single<DiagnosticReport>(ExplanationBundleBuilder.Build(SampleResults.BladderHistology()));

        Assert.Equal("PAT", report.Category![0].Coding![0].Code!.Value.Value);
        Assert.Equal("11526-1", report.Code.Coding![0].Code!.Value.Value);
        Assert.Equal("Patient/pat-42", report.Subject!.Reference);
        Assert.Equal("AI-generated result: Tumour grade suggestion only.", report.Conclusion);
    }

    [Fact]
    public void Build_WithoutDicomWebBase_MediaHasNoUrlButTitleNamesTheInstance()
    {
        var media = ExplanationBundleBuilder.Build(SampleResults.BladderHistology()).Entry!
            .Select(e => e.Resource).OfType<Media>().First(m => m.Content.ContentType!.Value.Value == "application/dicom");

        Assert.Null(media.Content.Url);
        Assert.Contains("2.25.400000000000000000000000000000000001", media.Content.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_OnlyTargetProbabilityKnown_ReportsPredictedClassWithoutProbability()
    {
        var result = SampleResults.CovidCt() with
        {
            TargetClass = "covid-19",
            PredictedClass = "non-covid",
            Probabilities = [new ClassProbability("covid-19", 0.4)],
        };

        var bundle = ExplanationBundleBuilder.Build(result);
        var observation = Single<Observation>(bundle);

        Assert.Equal("non-covid", observation.ValueCodeableConcept!.Text);
        Assert.Equal([0.4000m], observation.Component!.Where(c => c.ValueQuantity is not null).Select(c => c.ValueQuantity!.Value!.Value));
        Assert.Contains("classified the study as non-covid;", Single<DiagnosticReport>(bundle).Conclusion, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.5, "outside [0, 1]")]
    [InlineData(double.NaN, "outside [0, 1]")]
    [InlineData(-0.1, "outside [0, 1]")]
    public void Build_ProbabilityOutOfRange_ThrowsNamingTheClass(double p, string expected)
    {
        var result = SampleResults.CovidCt() with { Probabilities = [new ClassProbability("covid-19", p)] };

        var ex = Assert.Throws<ArgumentException>(() => ExplanationBundleBuilder.Build(result));

        Assert.Contains("covid-19", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_InvalidInput_ThrowsClearErrorsWithoutPatientId()
    {
        var good = SampleResults.CovidCt();
        var cases = new (AiExplanationResult Result, string Expected)[]
        {
            (good with { StudyInstanceUid = "1.2.03" }, "1.2.03"),
            (good with { Heatmaps = [new HeatmapInstance(SampleResults.StudyUid, "x", "2.25.1", "1.2.3")] }, "'x'"),
            (good with { Probabilities = [new ClassProbability("a", 0.5), new ClassProbability("a", 0.5)] }, "unique"),
            (good with { Method = " " }, "Method"),
            (good with { Algorithm = good.Algorithm with { DeviceUid = "" } }, "DeviceUid"),
            (good with { RenderedPng = new RenderedImage() }, "RenderedPng"),
            (good with { Probabilities = [] }, "probabilities"),
        };

        foreach (var (result, expected) in cases)
        {
            var ex = Assert.ThrowsAny<Exception>(() => ExplanationBundleBuilder.Build(result));
            Assert.True(ex is ArgumentException or FhirFormatException, ex.GetType().Name);
            Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("PAT-0001", ex.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("PAT-0001", good.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void DeterministicUuid_KnownNamespaceAndName_MatchesRfc9562Version5()
    {
        // RFC 9562 appendix A.4: DNS namespace, "www.example.com".
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

        Assert.Equal(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"), DeterministicUuid.Create(dns, "www.example.com"));
    }

    private static T Single<T>(Bundle bundle)
        where T : Resource => bundle.Entry!.Select(e => e.Resource).OfType<T>().Single();

    private static (string, string) Pair(Identifier identifier) => (identifier.System!.Value.Value, identifier.Value!);

    private static IReadOnlyList<Identifier> IdentifiersOf(Resource resource) => resource switch
    {
        Device d => d.Identifier!,
        Media m => m.Identifier!,
        Observation o => o.Identifier!,
        DiagnosticReport r => r.Identifier!,
        _ => [],
    };

    private static IEnumerable<string> Identifiers(Bundle bundle) =>
        bundle.Entry!.SelectMany(e => IdentifiersOf(e.Resource!)).Select(i => i.Value!);
}

internal static class JsonNodeExtensions
{
    public static IEnumerable<string> DescendantsNamed(this JsonNode node, string name)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == name && value is JsonValue v && v.TryGetValue<string>(out var s))
                    {
                        yield return s;
                    }
                    else if (value is not null)
                    {
                        foreach (var inner in value.DescendantsNamed(name))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        foreach (var inner in item.DescendantsNamed(name))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
            default:
                break;
        }
    }
}
