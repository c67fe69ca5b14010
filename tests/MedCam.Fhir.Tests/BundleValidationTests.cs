using System.Text.Json.Nodes;
using MedCam.Fhir.Model;
using MedCam.Fhir.Results;
using MedCam.Fhir.Serialization;
using MedCam.Fhir.Tests.Support;

namespace MedCam.Fhir.Tests;

/// <summary>Every Bundle the builder makes passes FHIR.js and the official R4 JSON schema; broken ones do not.</summary>
[Collection(FhirValidatorCollection.Name)]
public sealed class BundleValidationTests(NodeFhirValidator validator)
{
    [Fact]
    public void Build_EverySampleResult_IsValidUnderBothValidators()
    {
        var inputs = new List<(string, string)>();
        foreach (var (name, result) in SampleResults.All())
        {
            var bundle = ExplanationBundleBuilder.Build(result);
            inputs.Add(($"bundle-{name}", FhirJson.Serialize(bundle, indented: true)));

            // Each resource alone as well: a failure then names the resource type directly.
            var i = 0;
            foreach (var entry in bundle.Entry!)
            {
                inputs.Add(($"bundle-{name}-entry{i++}-{entry.Resource!.ResourceType}", FhirJson.Serialize(entry.Resource)));
            }
        }

        var verdicts = validator.Validate(inputs);

        Assert.True(verdicts.Count >= 4 * 5);
        Assert.All(verdicts, v => Assert.True(v.Valid, v.ToString()));
    }

    [Fact]
    public void Validate_OperationOutcomeAndImagingStudy_AreValid()
    {
        var study = new ImagingStudy
        {
            Identifier = [Identifier.Of(new Primitives.FhirUri(FhirSystems.DicomUid), "urn:oid:" + SampleResults.StudyUid)],
            Status = ImagingStudyStatus.Available,
            Subject = ResourceReference.ByIdentifier("Patient",
                Identifier.Of(new Primitives.FhirUri(SampleResults.PatientIdentifierSystem), "PAT-0001")),
            Started = new Primitives.FhirDateTime("2024-03-05T10:00:00Z"),
            NumberOfSeries = 1,
            NumberOfInstances = 1,
            Series =
            [
                new ImagingStudySeries
                {
                    Uid = new Primitives.FhirId(SampleResults.ScSeriesUid),
                    Modality = Coding.Of(FhirSystems.Dicom, "OT"),
                    Instance =
                    [
                        new ImagingStudyInstance
                        {
                            Uid = new Primitives.FhirId("2.25.77"),
                            SopClass = Coding.Of(FhirSystems.Rfc3986, "urn:oid:" + SampleResults.SecondaryCaptureSopClass),
                            Number = 1,
                        },
                    ],
                },
            ],
        };
        var outcome = new OperationOutcome
        {
            Issue =
            [
                new OperationOutcomeIssue
                {
                    Severity = IssueSeverity.Error,
                    Code = new Primitives.FhirCode("required"),
                    Diagnostics = "Observation.status: minimum required = 1, but only found 0",
                    Expression = ["Observation.status"],
                },
            ],
        };

        var verdicts = validator.Validate([("imaging-study", FhirJson.Serialize(study)), ("operation-outcome", FhirJson.Serialize(outcome))]);

        Assert.All(verdicts, v => Assert.True(v.Valid, v.ToString()));
    }

    [Fact]
    public void Validate_DeliberatelyBrokenBundles_AreRejected()
    {
        var good = FhirJson.Serialize(ExplanationBundleBuilder.Build(SampleResults.CovidCt()));
        var observationIndex = EntryIndex(good, "Observation");
        var reportIndex = EntryIndex(good, "DiagnosticReport");

        string Broken(Action<JsonObject> breakIt)
        {
            var root = JsonNode.Parse(good)!.AsObject();
            breakIt(root);
            return root.ToJsonString();
        }

        JsonObject Resource(JsonObject root, int index) => root["entry"]![index]!["resource"]!.AsObject();

        var cases = new List<(string Name, string Json)>
        {
            ("control-unchanged", good),
            ("bad-date", Broken(r => Resource(r, observationIndex)["effectiveDateTime"] = "05.03.2024")),
            ("bad-instant-without-zone", Broken(r => Resource(r, reportIndex)["issued"] = "2024-03-06T09:15:30")),
            ("missing-observation-status", Broken(r => Resource(r, observationIndex).Remove("status"))),
            ("missing-report-code", Broken(r => Resource(r, reportIndex).Remove("code"))),
            ("probability-as-string", Broken(r =>
                Resource(r, observationIndex)["component"]![0]!["valueQuantity"]!["value"] = "0.87")),
            ("status-not-in-value-set", Broken(r => Resource(r, observationIndex)["status"] = "done")),
            ("unknown-element", Broken(r => Resource(r, observationIndex)["confidence"] = 0.87)),
            ("bundle-type-wrong", Broken(r => r["type"] = "transactional")),
            ("code-with-leading-space", Broken(r => Resource(r, reportIndex)["code"]!["coding"]![0]!["code"] = " 18748-4")),
        };

        var verdicts = validator.Validate(cases);
        var byName = cases.Select(c => c.Name).Zip(verdicts).ToDictionary(p => p.First, p => p.Second);

        Assert.True(byName["control-unchanged"].Valid, byName["control-unchanged"].ToString());
        foreach (var (name, _) in cases.Skip(1))
        {
            Assert.False(byName[name].Valid, $"{name} was accepted: {byName[name]}");
        }

        // The two validators complement each other (see docs/fhir.md): the schema catches lexical errors that
        // FHIR.js lets through, FHIR.js catches missing required elements that the schema cannot express.
        Assert.False(byName["bad-date"].SchemaValid);
        Assert.Contains(byName["bad-date"].SchemaErrors, e => e.Contains("effectiveDateTime", StringComparison.Ordinal));
        Assert.False(byName["probability-as-string"].SchemaValid);
        Assert.False(byName["missing-observation-status"].FhirJsValid);
        Assert.Contains(byName["missing-observation-status"].FhirJsErrors, e => e.Contains("Observation.status", StringComparison.Ordinal));
        Assert.False(byName["unknown-element"].FhirJsValid);
        Assert.False(byName["unknown-element"].SchemaValid);
    }

    [Fact]
    public void Validate_NumericReference_IsRejectedNotCrashed()
    {
        var json = JsonNode.Parse(FhirJson.Serialize(ExplanationBundleBuilder.Build(SampleResults.CovidCt())))!.AsObject();
        var observation = json["entry"]![EntryIndex(json.ToJsonString(), "Observation")]!["resource"]!.AsObject();
        observation["device"]!["reference"] = 42;

        var verdict = Assert.Single(validator.Validate([("numeric-reference", json.ToJsonString())]));

        Assert.False(verdict.Valid);
        Assert.False(verdict.SchemaValid);
    }

    private static int EntryIndex(string bundleJson, string resourceType)
    {
        var entries = JsonNode.Parse(bundleJson)!["entry"]!.AsArray();
        for (var i = 0; i < entries.Count; i++)
        {
            if ((string?)entries[i]!["resource"]!["resourceType"] == resourceType)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"No {resourceType} entry.");
    }
}
