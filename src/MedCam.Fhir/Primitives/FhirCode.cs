using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using MedCam.Fhir.Serialization;

namespace MedCam.Fhir.Primitives;

/// <summary>FHIR <c>code</c>: no leading or trailing whitespace, single spaces inside (R4 datatypes, "code").</summary>
[JsonConverter(typeof(FhirCodeJsonConverter))]
public readonly partial record struct FhirCode
{
    public FhirCode(string value)
    {
        if (value is null || !Pattern().IsMatch(value))
        {
            throw FhirFormatException.For("code", value,
                "non-empty, no leading/trailing whitespace, at most single spaces between words");
        }

        Value = value;
    }

    public string Value { get; }

    public override string ToString() => Value;

    [GeneratedRegex(@"^[^\s]+( [^\s]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
