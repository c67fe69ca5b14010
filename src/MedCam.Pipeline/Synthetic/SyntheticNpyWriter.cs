using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedCam.Imaging.NumPy;

namespace MedCam.Pipeline.Synthetic;

/// <summary>
/// Writes a synthetic cohort as NumPy files for training: per case <c>&lt;id&gt;_image.npy</c> and
/// <c>&lt;id&gt;_mask.npy</c> (plus modality extras), and <c>labels.csv</c> / <c>labels.json</c> with the class and
/// the geometry of every case. Layouts: CT int16 HU [D, H, W]; US uint8 [T, H, W]; histology uint8 RGB [H, W, 3].
/// </summary>
public sealed class SyntheticNpyWriter
{
    private readonly string _directory;
    private readonly SyntheticCohortRequest _request;
    private readonly SyntheticLabels _labels;

    public SyntheticNpyWriter(string directory, SyntheticCohortRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        _directory = directory;
        _request = request;
        _labels = new SyntheticLabels(directory, request, "npy", "image", "mask");
        Directory.CreateDirectory(directory);
    }

    public void Write(SyntheticCase @case)
    {
        ArgumentNullException.ThrowIfNull(@case);
        var image = @case.Id + "_image.npy";
        var mask = @case.Id + "_mask.npy";
        var entry = new JsonObject
        {
            ["case_id"] = @case.Id,
            ["case_index"] = @case.CaseIndex,
            ["label"] = @case.Label,
            ["class_name"] = @case.ClassName,
            ["image"] = image,
            ["mask"] = mask,
        };
        switch (@case.Phantom)
        {
            case ChestCtVolume ct:
                Save(image, new NpyArray(NpyDataType.Int16, ct.Shape, MemoryMarshal.AsBytes(ct.Hu.AsSpan()).ToArray()));
                Save(mask, NpyArray.FromUInt8(ct.LesionMask, ct.Shape));
                Save(@case.Id + "_lungs.npy", NpyArray.FromUInt8(ct.LungMask, ct.Shape));
                entry["lung_mask"] = @case.Id + "_lungs.npy";
                entry["layout"] = "HU int16 [slice, row, column], slices inferior to superior";
                entry["pixel_spacing_mm"] = Array(ct.PixelSpacingMm);
                entry["slice_spacing_mm"] = ct.SliceSpacingMm;
                entry["origin_mm"] = Array(ct.Origin);
                entry["orientation"] = Array(ct.Orientation);
                break;
            case LungUltrasoundCine us:
                Save(image, NpyArray.FromUInt8(us.Pixels, us.Shape));
                Save(mask, NpyArray.FromUInt8(us.LesionMask, us.Shape));
                entry["layout"] = "uint8 [frame, row, column]";
                entry["frame_time_ms"] = us.FrameTimeMs;
                entry["pixel_spacing_mm"] = Array(us.PixelSpacingMm);
                entry["depth_mm"] = us.DepthMm;
                entry["pleura_depth_mm"] = us.PleuraDepthMm;
                break;
            case HistologySlide slide:
                var level0 = slide.Levels[0];
                Save(image, NpyArray.FromUInt8(level0.Rgb, level0.Height, level0.Width, 3));
                Save(mask, NpyArray.FromUInt8(slide.LesionMask, level0.Height, level0.Width));
                Save(@case.Id + "_tissue.npy", NpyArray.FromUInt8(slide.TissueMask, level0.Height, level0.Width));
                entry["tissue_mask"] = @case.Id + "_tissue.npy";
                var levels = new JsonArray();
                for (var l = 1; l < slide.Levels.Count; l++)
                {
                    var level = slide.Levels[l];
                    var name = string.Create(CultureInfo.InvariantCulture, $"{@case.Id}_level{l}.npy");
                    Save(name, NpyArray.FromUInt8(level.Rgb, level.Height, level.Width, 3));
                    levels.Add(new JsonObject { ["file"] = name, ["downsample"] = level.Downsample, ["pixel_spacing_mm"] = level.PixelSpacingMm });
                }

                entry["layout"] = "uint8 RGB [row, column, channel] at level 0";
                entry["pixel_spacing_mm"] = level0.PixelSpacingMm;
                entry["tile_size"] = slide.TileSize;
                entry["levels"] = levels;
                var tiles = new JsonArray();
                for (var ty = 0; ty < level0.TilesDown(slide.TileSize); ty++)
                {
                    for (var tx = 0; tx < level0.TilesAcross(slide.TileSize); tx++)
                    {
                        tiles.Add(new JsonObject
                        {
                            ["column"] = tx,
                            ["row"] = ty,
                            ["tissue_fraction"] = Math.Round(slide.TissueFraction(tx, ty), 4),
                            ["lesion_fraction"] = Math.Round(slide.LesionFraction(tx, ty), 4),
                            ["label"] = (int)slide.TileGrade(tx, ty),
                        });
                    }
                }

                entry["tiles"] = tiles;
                break;
            default:
                throw new ArgumentException($"Unknown phantom type {@case.Phantom.GetType().Name}.", nameof(@case));
        }

        _labels.Add(@case, entry, image, mask);
    }

    /// <summary>Writes labels.csv and labels.json for everything written so far.</summary>
    public void Complete() => _labels.Complete();

    private void Save(string name, NpyArray array) => NpyFile.Write(Path.Combine(_directory, name), array);

    private static JsonArray Array(double[] values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
}
