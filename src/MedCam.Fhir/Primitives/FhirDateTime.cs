using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using MedCam.Fhir.Serialization;

namespace MedCam.Fhir.Primitives;

/// <summary>
/// FHIR <c>dateTime</c>: a year, year-month, date, or date and time with a time zone (R4 datatypes, "dateTime").
/// Partial precision matters for DICOM sources, whose Study Date often has no time and no zone.
/// </summary>
[JsonConverter(typeof(FhirDateTimeJsonConverter))]
public readonly partial record struct FhirDateTime
{
    public FhirDateTime(string value)
    {
        if (value is null || !Pattern().IsMatch(value) || !HasValidCalendarDate(value))
        {
            throw FhirFormatException.For("dateTime", value,
                "YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm|-hh:mm)");
        }

        Value = value;
    }

    public string Value { get; }

    /// <summary>Full precision with the offset kept (UTC is written as <c>Z</c>).</summary>
    public static FhirDateTime FromDateTimeOffset(DateTimeOffset value) => new(FhirInstant.Format(value));

    /// <summary>A date without time (FHIR allows dates without a zone).</summary>
    public static FhirDateTime FromDate(DateOnly date) =>
        new(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    public override string ToString() => Value;

    private static bool HasValidCalendarDate(string value)
    {
        // The pattern bounds month and day, but not the month length (2023-02-30).
        if (value.Length < 10)
        {
            return true;
        }

        return DateOnly.TryParseExact(value.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture,
            DateTimeStyles.None, out _);
    }

    // The R4 JSON schema's dateTime pattern; a time always carries a zone.
    [GeneratedRegex(@"^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
