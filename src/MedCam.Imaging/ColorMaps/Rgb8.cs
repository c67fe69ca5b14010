namespace MedCam.Imaging.ColorMaps;

/// <summary>One 8-bit RGB colour, as stored in an interleaved frame (R, G, B bytes).</summary>
public readonly record struct Rgb8(byte R, byte G, byte B)
{
    public static Rgb8 Black => new(0, 0, 0);

    public static Rgb8 White => new(255, 255, 255);

    /// <summary>Parses "#rrggbb" or "rrggbb".</summary>
    public static Rgb8 Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var s = hex.StartsWith('#') ? hex.AsSpan(1) : hex.AsSpan();
        if (s.Length != 6 || !uint.TryParse(s, System.Globalization.NumberStyles.HexNumber, null, out var v))
        {
            throw new FormatException($"Colour '{hex}' is not of the form #rrggbb.");
        }

        return new Rgb8((byte)(v >> 16), (byte)(v >> 8), (byte)v);
    }

    public override string ToString() => $"#{R:x2}{G:x2}{B:x2}";
}
