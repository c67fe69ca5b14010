using System.Text.Json;
using System.Text.Json.Nodes;
using MedCam.Fhir.Model;
using MedCam.Fhir.Primitives;
using MedCam.Fhir.Results;
using MedCam.Fhir.Serialization;
using MedCam.Fhir.Tests.Support;

namespace MedCam.Fhir.Tests;

public sealed class FhirJsonTests
{
    [Fact]
    public void Serialize_BuiltBundle_ResourceTypeIsFirstPropertyOfEveryResource()
    {
        var json = FhirJson.Serialize(ExplanationBundleBuilder.Build(SampleResults.LungUltrasound()));

        using var document = JsonDocument.Parse(json);
        Assert.Equal("resourceType", document.RootElement.EnumerateObject().First().Name);
        foreach (var entry in document.RootElement.GetProperty("entry").EnumerateArray())
        {
            var first = entry.GetProperty("resource").EnumerateObject().First();
            Assert.Equal("resourceType", first.Name);
        }
    }

    [Fact]
    public void Serialize_NullsAndEmptyLists_AreLeftOut()
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = CodeableConcept.FromText("x"),
            Category = [],
            Component = [],
            DerivedFrom = null,
        };

        var json = FhirJson.Serialize(observation);

        Assert.Equal("""{"resourceType":"Observation","status":"final","code":{"text":"x"}}""", json);
        using var document = JsonDocument.Parse(FhirJson.Serialize(ExplanationBundleBuilder.Build(SampleResults.BladderHistology())));
        Assert.Empty(FhirRules.FindEmptyElements(document.RootElement));
    }

    [Fact]
    public void Serialize_EmptyCodeableConceptOrBlankString_ThrowsNamingThePath()
    {
        var observation = new Observation { Status = ObservationStatus.Final, Code = new CodeableConcept(), ValueString = " " };

        var ex = Assert.Throws<FhirValidationException>(() => FhirJson.Serialize(observation));

        Assert.Contains("$.code is an empty object", ex.Problems);
        Assert.Contains("$.valueString is an empty or blank string", ex.Problems);
    }

    [Fact]
    public void Serialize_TwoValuesOnOneObservation_ThrowsChoiceTypeProblem()
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = CodeableConcept.FromText("x"),
            ValueString = "a",
            ValueQuantity = Quantity.Dimensionless(0.5m),
        };

        var ex = Assert.Throws<FhirValidationException>(() => FhirJson.Serialize(observation));

        Assert.Contains(ex.Problems, p => p.Contains("value[x] is a choice", StringComparison.Ordinal));
    }

    [Fact]
    public void Serialize_TransactionEntryWithoutRequest_Throws()
    {
        var bundle = new Bundle
        {
            Type = BundleType.Transaction,
            Entry = [new BundleEntry { FullUrl = FhirUri.FromUuid(Guid.NewGuid()), Resource = new Device() }],
        };

        var ex = Assert.Throws<FhirValidationException>(() => FhirJson.Serialize(bundle));

        Assert.Contains(ex.Problems, p => p.Contains("needs a request", StringComparison.Ordinal));
    }

    [Fact]
    public void Serialize_Decimal_KeepsWrittenPrecisionAsJsonNumber()
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = CodeableConcept.FromText("p"),
            ValueQuantity = Quantity.Dimensionless(0.8700m),
        };

        var json = FhirJson.Serialize(observation);
        var back = FhirJson.Deserialize<Observation>(json);

        Assert.Contains("\"value\":0.8700,", json, StringComparison.Ordinal);
        Assert.Equal("0.8700", back.ValueQuantity!.Value!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("1", back.ValueQuantity.Unit);
        Assert.Equal("http://unitsofmeasure.org", back.ValueQuantity.System!.Value.Value);
    }

    [Theory]
    [InlineData(2024, 3, 6, 9, 15, 30, 250, 0, "2024-03-06T09:15:30.25Z")]
    [InlineData(2024, 3, 6, 9, 15, 30, 0, 0, "2024-03-06T09:15:30Z")]
    [InlineData(2024, 3, 6, 9, 15, 30, 0, 90, "2024-03-06T09:15:30+01:30")]
    [InlineData(2024, 3, 6, 9, 15, 30, 5, -300, "2024-03-06T09:15:30.005-05:00")]
    public void FormatInstant_AnyOffset_WritesFhirInstantWithZone(int y, int mo, int d, int h, int mi, int s, int ms, int offsetMinutes, string expected)
    {
        var value = new DateTimeOffset(y, mo, d, h, mi, s, ms, TimeSpan.FromMinutes(offsetMinutes));

        Assert.Equal(expected, FhirInstant.Format(value));
        Assert.Equal(value, FhirInstant.Parse(expected));
    }

    [Theory]
    [InlineData("2024")]
    [InlineData("2024-03")]
    [InlineData("2024-03-05")]
    [InlineData("2024-03-05T10:00:00Z")]
    [InlineData("2024-02-29T23:59:59.123+14:00")]
    public void FhirDateTime_ValidForms_AreAccepted(string text) => Assert.Equal(text, new FhirDateTime(text).Value);

    [Theory]
    [InlineData("2024-02-30")]
    [InlineData("2023-02-29")]
    [InlineData("2024-13-01")]
    [InlineData("2024-03-05T10:00:00")]
    [InlineData("05.03.2024")]
    [InlineData("2024-3-5")]
    [InlineData("")]
    public void FhirDateTime_InvalidForms_ThrowFhirFormatException(string text)
    {
        var ex = Assert.Throws<FhirFormatException>(() => new FhirDateTime(text));
        Assert.Contains("dateTime", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2024-03-06T09:15:30")]
    [InlineData("2024-03-06")]
    [InlineData("2024-03-06T25:15:30Z")]
    public void ParseInstant_WithoutZoneOrInvalid_Throws(string text) =>
        Assert.Throws<FhirFormatException>(() => FhirInstant.Parse(text));

    [Fact]
    public void Primitives_InvalidLexicalForms_Throw()
    {
        Assert.Throws<FhirFormatException>(() => new FhirId(new string('a', 65)));
        Assert.Throws<FhirFormatException>(() => new FhirId("a b"));
        Assert.Throws<FhirFormatException>(() => new FhirId("pat_1"));
        Assert.Throws<FhirFormatException>(() => new FhirCode(" 18748-4"));
        Assert.Throws<FhirFormatException>(() => new FhirCode("a  b"));
        Assert.Throws<FhirFormatException>(() => new FhirUri("http://a b"));
        Assert.Throws<FhirFormatException>(() => FhirUri.FromDicomUid("1.02.3"));
        Assert.Throws<FhirFormatException>(() => FhirUri.FromDicomUid("1.2.abc"));
        Assert.Throws<FhirFormatException>(() => FhirUri.FromDicomUid("1." + new string('1', 64)));
        Assert.Equal("urn:oid:1.2.840.10008.5.1.4.1.1.7", FhirUri.FromDicomUid("1.2.840.10008.5.1.4.1.1.7").Value);
        Assert.Equal(new string('a', 64), new FhirId(new string('a', 64)).Value);
    }

    [Theory]
    [InlineData("nbsp\u00A0gap", "nbsp gap")]
    [InlineData("  tab\tand\r\nlines  ", "tab and lines")]
    [InlineData("bell\u0007 \u3000 x\uFEFF", "bell x")]
    [InlineData("肺 émoji🫁", "肺 émoji🫁")]
    public void Normalize_OddWhitespaceAndControls_BecomesValidFhirString(string raw, string expected)
    {
        Assert.Equal(expected, FhirText.Normalize(raw));
        Assert.True(FhirText.IsValidString(expected));
    }

    [Fact]
    public void Serialize_StringWithNonBreakingSpace_IsRefusedLikeTheR4Schema()
    {
        var observation = new Observation { Status = ObservationStatus.Final, Code = CodeableConcept.FromText("a\u00A0b") };

        var ex = Assert.Throws<FhirValidationException>(() => FhirJson.Serialize(observation));

        Assert.Contains(ex.Problems, p => p.StartsWith("$.code.text holds", StringComparison.Ordinal));
        Assert.Throws<FhirFormatException>(() => new FhirCode("a\u00A0b"));
        Assert.Throws<FhirFormatException>(() => new FhirUri("urn:x\u3000y"));
    }

    [Fact]
    public void Serialize_DefaultPrimitive_ThrowsInsteadOfWritingNull()
    {
        var coding = new Coding { Code = default(FhirCode) };
        var concept = new CodeableConcept { Coding = [coding] };

        Assert.Throws<JsonException>(() => FhirJson.Serialize(new Observation { Status = ObservationStatus.Final, Code = concept }));
    }

    [Fact]
    public void Deserialize_SerializedBundle_RoundTripsToIdenticalJson()
    {
        foreach (var (_, result) in SampleResults.All())
        {
            var json = FhirJson.Serialize(ExplanationBundleBuilder.Build(result));

            var back = FhirJson.Deserialize<Bundle>(json);

            Assert.Equal(json, FhirJson.Serialize(back));
            Assert.All(back.Entry!, e => Assert.NotNull(e.Resource));
        }
    }

    [Fact]
    public void Deserialize_ResourceTypeNotFirst_IsAccepted()
    {
        var back = FhirJson.Deserialize("""{"status":"final","code":{"text":"x"},"resourceType":"Observation","issued":"2024-03-06T09:15:30+01:00"}""");

        var observation = Assert.IsType<Observation>(back);
        Assert.Equal(new DateTimeOffset(2024, 3, 6, 9, 15, 30, TimeSpan.FromHours(1)), observation.Issued);
    }

    [Theory]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"effectiveDateTime":"2024-02-30"}""", "2024-02-30")]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"issued":"2024-03-06T09:15:30"}""", "instant")]
    [InlineData("""{"resourceType":"Observation","status":"done","code":{"text":"x"}}""", "status")]
    [InlineData("""{"resourceType":"Patient","id":"1"}""", "Patient")]
    [InlineData("""{"resourceType":"Observation","status":2,"code":{"text":"x"}}""", "status")]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"coding":[{"code":" x"}]}}""", "code")]
    public void Deserialize_InvalidFhir_ThrowsJsonExceptionNamingTheProblem(string json, string named)
    {
        var ex = Assert.ThrowsAny<JsonException>(() => FhirJson.Deserialize(json));

        Assert.Contains(named, ex.Message + ex.InnerException?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_OperationOutcome_DescribesIssues()
    {
        var outcome = FhirJson.Deserialize<OperationOutcome>("""
            {"resourceType":"OperationOutcome","issue":[
              {"severity":"error","code":"required","diagnostics":"Observation.status: minimum required = 1","expression":["Bundle.entry[2].resource.status"]},
              {"severity":"warning","code":"code-invalid","details":{"text":"Unknown code 'XYZ'"}}]}
            """);

        var text = outcome.Describe();

        Assert.Contains("ERROR required: Observation.status: minimum required = 1: at Bundle.entry[2].resource.status", text, StringComparison.Ordinal);
        Assert.Contains("WARNING code-invalid: Unknown code 'XYZ'", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_AttachmentData_IsBase64()
    {
        var json = JsonNode.Parse(FhirJson.Serialize(ExplanationBundleBuilder.Build(SampleResults.LungUltrasound())))!;
        var png = json["entry"]!.AsArray().Select(e => e!["resource"]!)
            .Single(r => (string?)r["content"]?["contentType"] == "image/png");

        Assert.Equal("iVBORw0KGgo=", (string?)png["content"]!["data"]);
    }
}
