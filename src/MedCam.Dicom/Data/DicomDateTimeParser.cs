using System.Globalization;

namespace MedCam.Dicom;

/// <summary>Parses DA, TM and DT values (PS3.5 6.2), including partial times and the legacy "YYYY.MM.DD" / "HH:MM:SS" forms.</summary>
public static class DicomDateTimeParser
{
    public static DateOnly ParseDate(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var s = value.Trim().Replace(".", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        return s.Length == 8 && DateOnly.TryParseExact(s, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new DicomFormatException($"'{value}' is not a DICOM date (YYYYMMDD).");
    }

    public static TimeOnly ParseTime(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var s = value.Trim().Replace(":", string.Empty, StringComparison.Ordinal);
        var fraction = 0L;
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            var digits = s[(dot + 1)..];
            if (digits.Length is 0 or > 6 || !digits.All(char.IsAsciiDigit))
            {
                throw new DicomFormatException($"'{value}' is not a DICOM time (bad fraction).");
            }

            fraction = long.Parse(digits.PadRight(7, '0'), CultureInfo.InvariantCulture);
            s = s[..dot];
        }

        if (s.Length is not (2 or 4 or 6) || !s.All(char.IsAsciiDigit))
        {
            throw new DicomFormatException($"'{value}' is not a DICOM time (HHMMSS.FFFFFF).");
        }

        var hour = int.Parse(s[..2], CultureInfo.InvariantCulture);
        var minute = s.Length >= 4 ? int.Parse(s[2..4], CultureInfo.InvariantCulture) : 0;
        var second = s.Length >= 6 ? int.Parse(s[4..6], CultureInfo.InvariantCulture) : 0;
        if (second == 60)
        {
            second = 59; // leap second is allowed by PS3.5 but not by TimeOnly
        }

        if (hour > 23 || minute > 59 || second > 59)
        {
            throw new DicomFormatException($"'{value}' is not a DICOM time (out of range).");
        }

        return new TimeOnly(new TimeOnly(hour, minute, second).Ticks + fraction);
    }

    /// <summary>Parses DT "YYYY[MM[DD[HH[MM[SS[.F]]]]]][&amp;ZZXX]" (the offset is ignored) or a DA value.</summary>
    public static DateTime ParseDateTime(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var s = value.Trim();
        var offsetAt = s.IndexOfAny(['+', '-'], 4);
        if (offsetAt > 0)
        {
            s = s[..offsetAt];
        }

        if (s.Length < 4 || !s[..4].All(char.IsAsciiDigit))
        {
            throw new DicomFormatException($"'{value}' is not a DICOM date-time.");
        }

        var year = int.Parse(s[..4], CultureInfo.InvariantCulture);
        var month = s.Length >= 6 ? int.Parse(s[4..6], CultureInfo.InvariantCulture) : 1;
        var day = s.Length >= 8 ? int.Parse(s[6..8], CultureInfo.InvariantCulture) : 1;
        DateOnly date;
        try
        {
            date = new DateOnly(year, month, day);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new DicomFormatException($"'{value}' is not a DICOM date-time.", ex);
        }

        var time = s.Length > 8 ? ParseTime(s[8..]) : TimeOnly.MinValue;
        return date.ToDateTime(time);
    }
}
