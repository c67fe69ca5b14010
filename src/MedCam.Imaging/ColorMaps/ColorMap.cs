namespace MedCam.Imaging.ColorMaps;

/// <summary>
/// A 256-entry colour lookup table mapping a value in [0, 1] to RGB, indexed the way matplotlib's
/// <c>Colormap.__call__</c> indexes its table for N = 256 (so the colours match the CAM literature's figures).
/// </summary>
public sealed class ColorMap
{
    /// <summary>Number of entries in every table.</summary>
    public const int Size = 256;

    private readonly byte[] _lut;

    private ColorMap(string name, ReadOnlySpan<byte> lut)
    {
        if (lut.Length != Size * 3)
        {
            throw new ArgumentException($"A colour map needs {Size * 3} bytes (256 RGB entries), got {lut.Length}.", nameof(lut));
        }

        Name = name;
        _lut = lut.ToArray();
    }

    /// <summary>matplotlib's 'jet' (rainbow-like; the map most CAM papers show).</summary>
    public static ColorMap Jet { get; } = new("jet", ColorMapTables.Jet);

    /// <summary>matplotlib's perceptually uniform 'viridis'.</summary>
    public static ColorMap Viridis { get; } = new("viridis", ColorMapTables.Viridis);

    /// <summary>matplotlib's perceptually uniform 'inferno'.</summary>
    public static ColorMap Inferno { get; } = new("inferno", ColorMapTables.Inferno);

    /// <summary>A grey ramp (matplotlib 'gray').</summary>
    public static ColorMap Gray { get; } = new("gray", ColorMapTables.Gray);

    /// <summary>The built-in maps.</summary>
    public static IReadOnlyList<ColorMap> BuiltIn { get; } = [Jet, Viridis, Inferno, Gray];

    /// <summary>The lower-case name ("jet", "viridis", ...).</summary>
    public string Name { get; }

    /// <summary>256 entries of R, G, B.</summary>
    public ReadOnlySpan<byte> Lut => _lut;

    /// <summary>Builds a custom map from 256 interleaved RGB entries.</summary>
    public static ColorMap FromTable(string name, ReadOnlySpan<byte> rgbTable)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new ColorMap(name, rgbTable);
    }

    /// <summary>Finds a built-in map by name, ignoring case.</summary>
    /// <exception cref="ArgumentException">The name is not a built-in map; the message lists the known ones.</exception>
    public static ColorMap FromName(string name)
    {
        if (TryFromName(name, out var map))
        {
            return map;
        }

        throw new ArgumentException(
            $"Unknown colour map '{name}'. Known maps: {string.Join(", ", BuiltIn.Select(m => m.Name))}.", nameof(name));
    }

    public static bool TryFromName(string? name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ColorMap? map)
    {
        map = BuiltIn.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
        return map is not null;
    }

    /// <summary>
    /// The table index for a value: <c>floor(v * 256)</c> clamped to [0, 255] (1.0 maps to 255, values below 0 to
    /// entry 0 and above 1 to entry 255, as matplotlib's default under/over colours). NaN maps to 0; callers that
    /// must treat NaN as "no value" check it before.
    /// </summary>
    public static int IndexOf(float value)
    {
        if (!(value > 0f))
        {
            return 0;
        }

        var scaled = value * Size;
        return scaled >= Size - 1 ? Size - 1 : (int)scaled;
    }

    /// <summary>The colour of a value in [0, 1].</summary>
    public Rgb8 Map(float value)
    {
        var i = IndexOf(value) * 3;
        return new Rgb8(_lut[i], _lut[i + 1], _lut[i + 2]);
    }

    /// <summary>The colour of table entry <paramref name="index"/> (0..255).</summary>
    public Rgb8 this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Size);
            return new Rgb8(_lut[index * 3], _lut[(index * 3) + 1], _lut[(index * 3) + 2]);
        }
    }

    /// <summary>Maps every value to interleaved RGB (<paramref name="rgb"/> holds 3 bytes per value).</summary>
    public void Map(ReadOnlySpan<float> values, Span<byte> rgb)
    {
        if (rgb.Length < values.Length * 3)
        {
            throw new ArgumentException($"Destination holds {rgb.Length} bytes; {values.Length * 3} needed.", nameof(rgb));
        }

        ReadOnlySpan<byte> lut = _lut;
        for (var p = 0; p < values.Length; p++)
        {
            var i = IndexOf(values[p]) * 3;
            rgb[p * 3] = lut[i];
            rgb[(p * 3) + 1] = lut[i + 1];
            rgb[(p * 3) + 2] = lut[i + 2];
        }
    }

    public override string ToString() => Name;
}
