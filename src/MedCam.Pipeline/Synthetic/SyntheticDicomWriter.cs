using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedCam.Dicom;
using MedCam.Imaging.NumPy;
using MedCam.Imaging.Png;

namespace MedCam.Pipeline.Synthetic;

/// <summary>
/// Writes a synthetic cohort as DICOM Part 10 studies, one folder per case: a CT Image Storage series, a US
/// Multi-frame cine, or a VL Whole Slide Microscopy pyramid plus its level-0 tissue tiles as PNG. The ground truth
/// (class, lesion masks as .npy on the image grid) goes next to the images and into labels.csv / labels.json.
/// </summary>
public sealed class SyntheticDicomWriter
{
    private readonly string _directory;
    private readonly SyntheticCohortRequest _request;
    private readonly SyntheticLabels _labels;

    public SyntheticDicomWriter(string directory, SyntheticCohortRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        _directory = directory;
        _request = request;
        _labels = new SyntheticLabels(directory, request, "dicom", "folder", "lesion_mask");
        Directory.CreateDirectory(directory);
    }

    /// <summary>Writes one case; returns the DICOM files written (relative to the output folder).</summary>
    public IReadOnlyList<string> Write(SyntheticCase @case)
    {
        ArgumentNullException.ThrowIfNull(@case);
        var folder = Path.Combine(_directory, @case.Id);
        Directory.CreateDirectory(folder);
        var context = new SyntheticDicomContext(_request.Task, _request.Seed, @case.CaseIndex, @case.Id);
        var entry = new JsonObject
        {
            ["case_id"] = @case.Id,
            ["case_index"] = @case.CaseIndex,
            ["label"] = @case.Label,
            ["class_name"] = @case.ClassName,
            ["folder"] = @case.Id,
            ["study_instance_uid"] = context.Uid("study").Value,
        };
        IEnumerable<(string Name, DicomFile File)> objects;
        string mask = Path.Combine(@case.Id, "lesion_mask.npy");
        switch (@case.Phantom)
        {
            case ChestCtVolume ct:
                objects = SyntheticCtDicom.Build(ct, context);
                NpyFile.Write(Path.Combine(_directory, mask), NpyArray.FromUInt8(ct.LesionMask, ct.Shape));
                entry["mask_layout"] = "[slice, row, column] in InstanceNumber order (inferior to superior)";
                break;
            case LungUltrasoundCine us:
                objects = SyntheticUltrasoundDicom.Build(us, context);
                NpyFile.Write(Path.Combine(_directory, mask), NpyArray.FromUInt8(us.LesionMask, us.Shape));
                entry["mask_layout"] = "[frame, row, column]";
                break;
            case HistologySlide slide:
                objects = SyntheticWholeSlideDicom.Build(slide, context);
                NpyFile.Write(Path.Combine(_directory, mask), NpyArray.FromUInt8(slide.LesionMask, slide.Height, slide.Width));
                NpyFile.Write(Path.Combine(folder, "tissue_mask.npy"), NpyArray.FromUInt8(slide.TissueMask, slide.Height, slide.Width));
                entry["mask_layout"] = "[row, column] of the level-0 total pixel matrix";
                entry["tiles"] = WriteTiles(slide, folder);
                break;
            default:
                throw new ArgumentException($"Unknown phantom type {@case.Phantom.GetType().Name}.", nameof(@case));
        }

        var files = new List<string>();
        foreach (var (name, file) in objects)
        {
            using (file)
            {
                file.Save(Path.Combine(folder, name), DicomTransferSyntax.ExplicitVRLittleEndian);
            }

            files.Add(Path.Combine(@case.Id, name));
        }

        entry["lesion_mask"] = mask;
        entry["dicom_files"] = new JsonArray([.. files.Select(f => (JsonNode?)JsonValue.Create(f))]);
        _labels.Add(@case, entry, @case.Id, mask);
        return files;
    }

    public void Complete() => _labels.Complete();

    /// <summary>Single level-0 tiles with tissue as PNG (what tile classifiers and many datasets use), with their grade.</summary>
    private static JsonArray WriteTiles(HistologySlide slide, string folder)
    {
        var tiles = new JsonArray();
        var tileFolder = Path.Combine(folder, "tiles");
        Directory.CreateDirectory(tileFolder);
        var level = slide.Levels[0];
        for (var ty = 0; ty < level.TilesDown(slide.TileSize); ty++)
        {
            for (var tx = 0; tx < level.TilesAcross(slide.TileSize); tx++)
            {
                if (slide.TissueFraction(tx, ty) < 0.25)
                {
                    continue;
                }

                var name = string.Create(CultureInfo.InvariantCulture, $"tile_r{ty}_c{tx}.png");
                File.WriteAllBytes(Path.Combine(tileFolder, name), PngEncoder.EncodeRgb8(level.Tile(slide.TileSize, tx, ty), slide.TileSize, slide.TileSize));
                tiles.Add(new JsonObject
                {
                    ["file"] = "tiles/" + name,
                    ["row"] = ty,
                    ["column"] = tx,
                    ["grade"] = SyntheticTasks.ClassNames(SyntheticTask.BladderHisto)[(int)slide.TileGrade(tx, ty)],
                    ["lesion_fraction"] = Math.Round(slide.LesionFraction(tx, ty), 4),
                });
            }
        }

        return tiles;
    }
}
