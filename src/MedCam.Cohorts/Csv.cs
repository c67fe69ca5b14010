using System.Text;

namespace MedCam.Cohorts;

/// <summary>
/// RFC 4180 CSV, the part a cohort needs: comma separated, fields quoted with "" when they contain a comma, quote or
/// line break (quotes doubled inside), CRLF or LF line ends, a UTF-8 byte order mark ignored.
/// </summary>
public static class Csv
{
    /// <summary>Every record of <paramref name="text"/>, each with the 1-based line it starts on; blank lines are skipped.</summary>
    /// <exception cref="FormatException">A quoted field is not closed, or text follows a closing quote.</exception>
    public static IEnumerable<(int Line, string[] Fields)> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        var line = 1;
        var fields = new List<string>();
        var field = new StringBuilder();
        var recordLine = 1;
        var fieldStarted = false;
        while (i <= text.Length)
        {
            if (i == text.Length || text[i] is '\n' or '\r')
            {
                if (fieldStarted || fields.Count > 0)
                {
                    fields.Add(field.ToString());
                    yield return (recordLine, fields.ToArray());
                }

                fields.Clear();
                field.Clear();
                fieldStarted = false;
                if (i < text.Length - 1 && text[i] == '\r' && text[i + 1] == '\n')
                {
                    i++;
                }

                i++;
                line++;
                recordLine = line;
                continue;
            }

            var c = text[i];
            if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                fieldStarted = true;
                i++;
            }
            else if (c == '"' && field.Length == 0)
            {
                fieldStarted = true;
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new FormatException($"line {recordLine}: a quoted field is not closed.");
                    }

                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    if (text[i] == '\n')
                    {
                        line++;
                    }

                    field.Append(text[i++]);
                }

                if (i < text.Length && text[i] is not (',' or '\n' or '\r'))
                {
                    throw new FormatException($"line {recordLine}: text after a closing quote.");
                }
            }
            else
            {
                fieldStarted = true;
                field.Append(c);
                i++;
            }
        }
    }

    /// <summary>One record as a line (without the line end), quoting where RFC 4180 needs it.</summary>
    public static string Line(IEnumerable<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return string.Join(',', fields.Select(f => f.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + f.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : f));
    }
}
