namespace MedCam.Imaging.Fonts;

/// <summary>
/// A fixed-pitch bitmap font for burned-in annotations: printable ASCII (32..126), 5 x 9 glyph cells (7 rows above the
/// baseline, 2 descender rows), 1 column of spacing, drawn at an integer scale. Other characters draw as '?'.
/// </summary>
public sealed class BitmapFont
{
    private const int FirstCode = 32;
    private const int LastCode = 126;

    // One byte per glyph row, bit 4 = leftmost column.
    private readonly byte[] _rows;

    private BitmapFont(byte[] rows) => _rows = rows;

    /// <summary>MedCam's built-in 5 x 9 font.</summary>
    public static BitmapFont Default { get; } = Build();

    /// <summary>Ink columns per glyph.</summary>
    public int GlyphWidth => 5;

    /// <summary>Rows per glyph including descenders.</summary>
    public int GlyphHeight => 9;

    /// <summary>Rows above the baseline (capital height).</summary>
    public int CapHeight => 7;

    /// <summary>Horizontal advance per character, in unscaled pixels.</summary>
    public int Advance => 6;

    /// <summary>Vertical advance per line, in unscaled pixels.</summary>
    public int LineHeight => 11;

    /// <summary>Width in pixels of <paramref name="text"/> drawn at <paramref name="scale"/> (no trailing gap).</summary>
    public int MeasureWidth(string text, int scale)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        return text.Length == 0 ? 0 : ((text.Length * Advance) - 1) * scale;
    }

    /// <summary>Height in pixels of one line at <paramref name="scale"/> (including descenders).</summary>
    public int MeasureHeight(int scale) => GlyphHeight * scale;

    /// <summary>True when the glyph of <paramref name="c"/> has ink at (<paramref name="column"/>, <paramref name="row"/>).</summary>
    public bool HasInk(char c, int column, int row)
    {
        if ((uint)column >= (uint)GlyphWidth || (uint)row >= (uint)GlyphHeight)
        {
            return false;
        }

        return (GlyphRows(c)[row] & (1 << (GlyphWidth - 1 - column))) != 0;
    }

    /// <summary>The 9 row masks of a glyph (bit 4 = leftmost column).</summary>
    internal ReadOnlySpan<byte> GlyphRows(char c)
    {
        var code = c is >= (char)FirstCode and <= (char)LastCode ? c : '?';
        return _rows.AsSpan((code - FirstCode) * GlyphHeightConst, GlyphHeightConst);
    }

    private const int GlyphHeightConst = 9;

    private static BitmapFont Build()
    {
        var rows = new byte[(LastCode - FirstCode + 1) * GlyphHeightConst];
        var defined = new bool[LastCode - FirstCode + 1];
        foreach (var (code, text) in BitmapFontGlyphs.Definitions)
        {
            var lines = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (lines.Length > GlyphHeightConst || lines.Any(l => l.Length != 5 || l.Any(ch => ch is not ('#' or '.'))))
            {
                throw new InvalidOperationException($"Glyph '{code}' is malformed.");
            }

            for (var r = 0; r < lines.Length; r++)
            {
                byte mask = 0;
                for (var col = 0; col < 5; col++)
                {
                    if (lines[r][col] == '#')
                    {
                        mask |= (byte)(1 << (4 - col));
                    }
                }

                rows[((code - FirstCode) * GlyphHeightConst) + r] = mask;
            }

            defined[code - FirstCode] = true;
        }

        var missing = Enumerable.Range(0, defined.Length).Where(i => !defined[i]).Select(i => (char)(i + FirstCode)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException($"Font lacks glyphs for '{new string(missing)}'.");
        }

        return new BitmapFont(rows);
    }
}
