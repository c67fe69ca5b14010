namespace MedCam.Pipeline.Synthetic;

/// <summary>Size of a synthetic bladder histology slide.</summary>
public sealed record HistologyOptions
{
    /// <summary>Tile edge in pixels (square tiles), as in a TILED_FULL whole-slide image.</summary>
    public int TileSize { get; init; } = 128;

    /// <summary>Tiles across and down at the base level.</summary>
    public int TilesAcross { get; init; } = 4;

    public int TilesDown { get; init; } = 4;

    /// <summary>Base-level pixel spacing (mm): 0.001 mm = 1 µm, about a 10x objective.</summary>
    public double PixelSpacingMm { get; init; } = 0.001;

    /// <summary>Pyramid levels (each halves the previous); at least 2.</summary>
    public int Levels { get; init; } = 2;

    public void Validate()
    {
        if (TileSize is < 32 or > 1024 || TilesAcross is < 1 or > 64 || TilesDown is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(TileSize), "Tile size must be 32-1024 and 1-64 tiles per axis.");
        }

        if (Levels is < 1 or > 6 || PixelSpacingMm <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Levels), "Levels must be 1-6 and the pixel spacing positive.");
        }
    }
}

/// <summary>One pyramid level of a slide: interleaved RGB, row-major.</summary>
public sealed record HistologyLevel(int Width, int Height, int Downsample, double PixelSpacingMm, byte[] Rgb)
{
    public int TilesAcross(int tileSize) => (Width + tileSize - 1) / tileSize;

    public int TilesDown(int tileSize) => (Height + tileSize - 1) / tileSize;

    /// <summary>RGB tile (tileSize x tileSize x 3); pixels beyond the level's edge are white glass.</summary>
    public byte[] Tile(int tileSize, int tileColumn, int tileRow)
    {
        var tile = new byte[tileSize * tileSize * 3];
        tile.AsSpan().Fill(255);
        for (var y = 0; y < tileSize; y++)
        {
            var sy = tileRow * tileSize + y;
            if (sy >= Height)
            {
                break;
            }

            var sx0 = tileColumn * tileSize;
            var count = Math.Min(tileSize, Width - sx0);
            if (count > 0)
            {
                Rgb.AsSpan((sy * Width + sx0) * 3, count * 3).CopyTo(tile.AsSpan(y * tileSize * 3));
            }
        }

        return tile;
    }
}

/// <summary>
/// A synthetic H&amp;E slide of bladder wall: a pyramid of RGB levels (level 0 = full resolution), the tissue mask
/// (tissue vs white glass) and the lesion mask at level 0, and the grade of the slide.
/// </summary>
public sealed class HistologySlide
{
    public required BladderHistologyGrade Grade { get; init; }

    public string ClassName => SyntheticTasks.ClassNames(SyntheticTask.BladderHisto)[(int)Grade];

    public required int TileSize { get; init; }

    public required IReadOnlyList<HistologyLevel> Levels { get; init; }

    /// <summary>1 on tissue, 0 on glass (level 0 grid, row-major).</summary>
    public required byte[] TissueMask { get; init; }

    /// <summary>1 on the graded lesion (thickened urothelium for mild, carcinoma for infiltrative), level 0 grid.</summary>
    public required byte[] LesionMask { get; init; }

    public int Width => Levels[0].Width;

    public int Height => Levels[0].Height;

    /// <summary>Fraction of a base-level tile covered by the lesion mask.</summary>
    public double LesionFraction(int tileColumn, int tileRow) => Fraction(LesionMask, tileColumn, tileRow);

    /// <summary>Fraction of a base-level tile covered by tissue.</summary>
    public double TissueFraction(int tileColumn, int tileRow) => Fraction(TissueMask, tileColumn, tileRow);

    /// <summary>The grade a base-level tile shows: the slide's grade where the lesion covers >= 20% of it, else non-tumour.</summary>
    public BladderHistologyGrade TileGrade(int tileColumn, int tileRow) =>
        LesionFraction(tileColumn, tileRow) >= 0.2 ? Grade : BladderHistologyGrade.NonTumour;

    private double Fraction(byte[] mask, int tileColumn, int tileRow)
    {
        var count = 0;
        for (var y = tileRow * TileSize; y < Math.Min((tileRow + 1) * TileSize, Height); y++)
        {
            for (var x = tileColumn * TileSize; x < Math.Min((tileColumn + 1) * TileSize, Width); x++)
            {
                count += mask[y * Width + x];
            }
        }

        return count / (double)(TileSize * TileSize);
    }
}
