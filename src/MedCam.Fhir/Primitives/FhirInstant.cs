using System.Globalization;

namespace MedCam.Fhir.Primitives;

/// <summary>
/// FHIR <c>instant</c> is modelled as <see cref="DateTimeOffset"/>, which always has a zone; this formats it the
/// way R4 requires (seconds always present, fraction only when non-zero, <c>Z</c> for UTC).
/// </summary>
public static class FhirInstant
{
    public static string Format(DateTimeOffset value)
    {
        var text = value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
        if (text.EndsWith('.'))
        {
            text = text[..^1];
        }

        return value.Offset == TimeSpan.Zero
            ? text + "Z"
            : text + value.ToString("zzz", CultureInfo.InvariantCulture);
    }

    public static DateTimeOffset Parse(string text)
    {
        // An instant must be a full date and time with a zone; DateTimeOffset.Parse alone would assume local time.
        if (text is null || text.Length < 20 || !text.Contains('T', StringComparison.Ordinal)
            || !(text.EndsWith('Z') || text[^6] is '+' or '-'))
        {
            throw FhirFormatException.For("instant", text, "YYYY-MM-DDThh:mm:ss[.fff] with Z or an offset");
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            throw FhirFormatException.For("instant", text, "not a real date and time");
        }

        return value;
    }
}
