using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using MedCam.Fhir.Serialization;

namespace MedCam.Fhir.Primitives;

/// <summary>FHIR <c>id</c>: 1 to 64 characters of <c>[A-Za-z0-9\-\.]</c> (R4 datatypes, "id").</summary>
[JsonConverter(typeof(FhirIdJsonConverter))]
public readonly partial record struct FhirId
{
    public FhirId(string value)
    {
        if (value is null || !Pattern().IsMatch(value))
        {
            throw FhirFormatException.For("id", value, "1-64 characters of A-Z, a-z, 0-9, '-' and '.'");
        }

        Value = value;
    }

    public string Value { get; }

    public override string ToString() => Value;

    [GeneratedRegex(@"^[A-Za-z0-9\-\.]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
