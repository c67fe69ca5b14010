using System.Text.Json.Serialization;
using MedCam.Fhir.Serialization;

namespace MedCam.Fhir.Primitives;

/// <summary>FHIR <c>code</c>: no leading or trailing whitespace, single spaces inside (R4 datatypes, "code").</summary>
[JsonConverter(typeof(FhirCodeJsonConverter))]
public readonly record struct FhirCode
{
    public FhirCode(string value)
    {
        if (value is null || !IsValid(value))
        {
            throw FhirFormatException.For("code", value,
                "non-empty, no leading/trailing whitespace, at most single spaces between words");
        }

        Value = value;
    }

    public string Value { get; }

    public override string ToString() => Value;

    // R4: [^\s]+(\s[^\s]+)* with ECMAScript \s; MedCam only writes a plain space between words.
    private static bool IsValid(string value)
    {
        if (value.Length == 0 || value[0] == ' ' || value[^1] == ' ')
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if ((c != ' ' && FhirText.IsWhitespace(c)) || c < ' ' || (c == ' ' && value[i - 1] == ' '))
            {
                return false;
            }
        }

        return true;
    }
}
