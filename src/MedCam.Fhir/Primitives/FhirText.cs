namespace MedCam.Fhir.Primitives;

/// <summary>
/// Character rules of the R4 string-like primitives. The R4 regexes use <c>\s</c>/<c>\S</c> in their ECMAScript
/// meaning (the official JSON schema is evaluated by JavaScript), which differs from .NET's <c>\s</c>, so the set
/// is spelled out here.
/// </summary>
public static class FhirText
{
    /// <summary>ECMAScript WhiteSpace and LineTerminator (ECMA-262 12.2, 12.3), i.e. what <c>\s</c> matches there.</summary>
    public static bool IsWhitespace(char c) => c switch
    {
        '\t' or '\n' or '\v' or '\f' or '\r' or ' ' or '\u00A0' or '\u1680' or '\u2028' or '\u2029' or '\u202F'
            or '\u205F' or '\u3000' or '\uFEFF' => true,
        >= '\u2000' and <= '\u200A' => true,
        _ => false,
    };

    /// <summary>
    /// R4 <c>string</c>: <c>[ \r\n\t\S]+</c>, so no whitespace other than space, CR, LF and tab; control characters
    /// below U+0020 other than those SHOULD not appear either (R4 datatypes, "string"), so they are refused too.
    /// </summary>
    public static bool IsValidString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                continue;
            }

            if (c < ' ' || IsWhitespace(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Human-readable text made safe for a FHIR <c>string</c>: any whitespace run (including non-breaking and
    /// ideographic spaces) and any control character becomes one space, then the ends are trimmed.
    /// </summary>
    public static string Normalize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new System.Text.StringBuilder(value.Length);
        var pendingSpace = false;
        foreach (var c in value)
        {
            if (c < ' ' || c == '\u007F' || IsWhitespace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
