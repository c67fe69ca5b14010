namespace MedCam.Dicom.Geometry;

/// <summary>One resolution level of a VL Whole Slide Microscopy image: a grid of tiles, one frame per tile.</summary>
public sealed record WholeSlideLevel(string Path, int TotalColumns, int TotalRows, int TileColumns, int TileRows, double PixelSpacingMm)
{
    public int TilesAcross => (TotalColumns + TileColumns - 1) / TileColumns;

    public int TilesDown => (TotalRows + TileRows - 1) / TileRows;

    /// <summary>TILED_FULL (PS3.3 C.8.12.4.1.7): frames run row by row across the total pixel matrix.</summary>
    public int FrameIndex(int tileRow, int tileColumn) =>
        tileRow < 0 || tileRow >= TilesDown || tileColumn < 0 || tileColumn >= TilesAcross
            ? throw new ArgumentOutOfRangeException(nameof(tileRow), $"Tile ({tileRow}, {tileColumn}) is outside {TilesDown} x {TilesAcross}.")
            : (tileRow * TilesAcross) + tileColumn;
}

/// <summary>
/// A whole-slide pyramid from the instances of one series: VOLUME images become levels (largest first); tiles are
/// decoded one frame at a time from memory-mapped files. Only TILED_FULL organisation with one focal plane and one
/// optical path is supported; TILED_SPARSE raises a clear error.
/// </summary>
public sealed class WholeSlideImage
{
    private WholeSlideImage(IReadOnlyList<WholeSlideLevel> levels) => Levels = levels;

    public IReadOnlyList<WholeSlideLevel> Levels { get; }

    public static WholeSlideImage Open(IEnumerable<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var levels = new List<WholeSlideLevel>();
        var headers = DicomReadOptions.Default with { StopBefore = DicomTags.PixelData };
        foreach (var path in files)
        {
            using var file = DicomFile.Open(path, headers);
            var ds = file.Dataset;
            var imageType = ds.GetOrDefault<string[]>(DicomTags.ImageType, []);
            if (imageType.Length > 2 && imageType[2] != "VOLUME")
            {
                continue; // LABEL, OVERVIEW, THUMBNAIL are associated images, not levels
            }

            var organisation = ds.GetOrDefault(DicomTags.DimensionOrganizationType, "TILED_FULL");
            if (organisation != "TILED_FULL")
            {
                throw new DicomException($"{path}: dimension organisation {organisation} is not supported (TILED_FULL only).");
            }

            if (ds.GetOrDefault(DicomTags.TotalPixelMatrixFocalPlanes, 1) > 1 || ds.GetOrDefault(DicomTags.NumberOfOpticalPaths, 1) > 1)
            {
                throw new DicomException($"{path}: several focal planes or optical paths are not supported.");
            }

            var spacing = 0.0;
            if (ds.TryGetSequence(DicomTags.SharedFunctionalGroupsSequence, out var shared) && shared.Items.Count > 0
                && shared.Items[0].TryGetSequence(DicomTags.PixelMeasuresSequence, out var measures) && measures.Items.Count > 0)
            {
                spacing = measures.Items[0].GetOrDefault(DicomTags.PixelSpacing, 0.0);
            }

            levels.Add(new WholeSlideLevel(path, ds.Get<int>(DicomTags.TotalPixelMatrixColumns), ds.Get<int>(DicomTags.TotalPixelMatrixRows),
                ds.Get<int>(DicomTags.Columns), ds.Get<int>(DicomTags.Rows), spacing));
        }

        if (levels.Count == 0)
        {
            throw new DicomException("No VOLUME whole-slide image was found.");
        }

        return new WholeSlideImage(levels.OrderByDescending(l => (long)l.TotalColumns * l.TotalRows).ToArray());
    }

    /// <summary>One tile as interleaved RGB (or grey) bytes, TileRows x TileColumns (x 3).</summary>
    public byte[] ReadTile(int level, int tileRow, int tileColumn, DicomCodecRegistry? codecs = null)
    {
        var l = Levels[level];
        using var file = DicomFile.Open(l.Path);
        return DicomPixelData.Create(file, codecs).GetFrame<byte>(l.FrameIndex(tileRow, tileColumn));
    }
}
