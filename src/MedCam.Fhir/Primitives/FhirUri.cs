using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using MedCam.Fhir.Serialization;

namespace MedCam.Fhir.Primitives;

/// <summary>
/// FHIR <c>uri</c> (also used here for <c>url</c>, <c>canonical</c>, <c>oid</c> and <c>uuid</c>, which share its JSON
/// form): a non-empty string without whitespace (R4 datatypes, "uri"). Relative references are allowed by FHIR.
/// </summary>
[JsonConverter(typeof(FhirUriJsonConverter))]
public readonly partial record struct FhirUri
{
    public FhirUri(string value)
    {
        if (value is null || value.Length == 0 || value.Any(c => c < ' ' || FhirText.IsWhitespace(c)))
        {
            throw FhirFormatException.For("uri", value, "non-empty and without whitespace");
        }

        Value = value;
    }

    public string Value { get; }

    /// <summary><c>urn:oid:</c> form of a DICOM UID (PS3.5 9.1: digits and dots, components without leading zeros).</summary>
    public static FhirUri FromDicomUid(string uid)
    {
        if (uid is null || uid.Length > 64 || !DicomUidPattern().IsMatch(uid))
        {
            throw FhirFormatException.For("oid", uid, "a DICOM UID of at most 64 characters, e.g. 1.2.840.10008.5.1.4.1.1.7");
        }

        return new FhirUri("urn:oid:" + uid);
    }

    /// <summary><c>urn:uuid:</c> form of a UUID, lower case as RFC 4122 asks.</summary>
    public static FhirUri FromUuid(Guid uuid) => new("urn:uuid:" + uuid.ToString("D"));

    public override string ToString() => Value;

    [GeneratedRegex(@"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+$", RegexOptions.CultureInvariant)]
    private static partial Regex DicomUidPattern();
}
