using System.Text.Json.Nodes;
using MedCam.Dicom;
using MedCam.Dicom.Geometry;
using MedCam.Explain.Models;
using MedCam.Explain.Targets;
using MedCam.Imaging.ColorMaps;
using MedCam.Imaging.NumPy;
using MedCam.Imaging.Png;
using MedCam.Imaging.Rendering;
using MedCam.Outputs;
using MedCam.Outputs.Sources;
using MedCam.Pipeline.Stages;
using MedCam.Torch;

namespace MedCam.Pipeline.Tasks;

/// <summary>
/// bladder-histo: a VL Whole Slide Microscopy pyramid (TILED_FULL; the level whose pixel spacing is closest to the
/// card's) or single RGB images → tissue detection per tile → tiles with enough tissue, resized to the card's tile
/// size and normalised → per-tile grade → slide grade = the highest grade predicted on at least N tiles (the card's
/// rule) → a CAM per tissue tile for the slide grade → per-tile maps (the DICOM outputs, one frame per tile) and the
/// stitched slide-level heatmap (research files).
/// </summary>
public sealed class BladderHistoTask : IStudyTask
{
    public string Name => PipelineTasks.BladderHisto;

    public ExplainedStudy Run(PipelineContext context, StudyInventory inventory, ModelPackage package)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(package);
        var slide = context.Run(PipelineStage.SelectSeries, () => SelectSlide(context, inventory, package.Card));
        var source = context.Run(PipelineStage.Load, () => Load(slide.SourcePath));
        try
        {
            return Explain(context, source, slide, package);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>Where the tiles come from: one WSM level (tiles = frames) or single images (one tile each).</summary>
    public sealed record SlideLayout(string SourcePath, int TilesDown, int TilesAcross, int TileRows, int TileColumns, int TotalRows, int TotalColumns, bool IsTiled);

    /// <summary>Tiles [n, 3, h, w] on the model grid (/ 255, resized, per-channel normalised) from interleaved RGB tiles.</summary>
    public static Tensor Preprocess(IReadOnlyList<byte[]> tiles, int rows, int columns, ModelCard card, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentNullException.ThrowIfNull(card);
        var size = IntensityPreprocessing.ModelSpatialShape(card, 2, modelPath);
        var plane = size[0] * size[1];
        var data = new float[tiles.Count * 3 * plane];
        var scale = card.Preprocessing.Normalisation?.ScaleToUnit == false ? 1f : 1f / 255f;
        var transform = GridTransform.Resize([rows, columns], size);
        var channel = new float[rows * columns];
        for (var t = 0; t < tiles.Count; t++)
        {
            for (var c = 0; c < 3; c++)
            {
                for (var i = 0; i < channel.Length; i++)
                {
                    channel[i] = tiles[t][(3 * i) + c] * scale;
                }

                var resized = transform.ToModel(channel);
                IntensityPreprocessing.Normalise(resized, card.Preprocessing.Normalisation, c);
                resized.CopyTo(data, ((t * 3) + c) * plane);
            }
        }

        return new Tensor(data, tiles.Count, 3, size[0], size[1]);
    }

    /// <summary>The card's rule: the highest grade above 0 predicted on at least <paramref name="minimumTiles"/> tiles, else 0.</summary>
    public static int SlideGrade(IReadOnlyList<int> tileClasses, int classCount, int minimumTiles)
    {
        ArgumentNullException.ThrowIfNull(tileClasses);
        for (var g = classCount - 1; g > 0; g--)
        {
            if (tileClasses.Count(c => c == g) >= minimumTiles)
            {
                return g;
            }
        }

        return 0;
    }

    private static SourceImageSet Load(string path)
    {
        try
        {
            return SourceImageSet.Load(path);
        }
        catch (DicomException e)
        {
            throw new PipelineException(path, $"the slide cannot be read: {e.Message}", e);
        }
    }

    private static SlideLayout SelectSlide(PipelineContext context, StudyInventory inventory, ModelCard card)
    {
        var candidates = inventory.Series.Where(s => s.Modality == "SM" || s.SopClassUid.StartsWith("1.2.840.10008.5.1.4.1.1.77.1.", StringComparison.Ordinal)).ToList();
        foreach (var s in inventory.Series.Except(candidates))
        {
            context.Log(PipelineStage.SelectSeries, $"skipped series {s.SeriesInstanceUid}: modality {s.Modality}, not slide microscopy");
        }

        var wsm = candidates.FirstOrDefault(s => s.SopClassUid == SopClassNames.WholeSlideMicroscopy);
        if (wsm is not null)
        {
            WholeSlideImage image;
            try
            {
                image = WholeSlideImage.Open(wsm.Files);
            }
            catch (DicomException e)
            {
                throw new PipelineException(wsm.Files[0], e.Message, e);
            }

            var wanted = card.Preprocessing.Spacing is { Count: > 0 } spacing ? spacing[0] : 0;
            var level = wanted > 0
                ? image.Levels.OrderBy(l => l.PixelSpacingMm > 0 ? Math.Abs(Math.Log(l.PixelSpacingMm / wanted)) : double.MaxValue).First()
                : image.Levels[0];
            context.Log(PipelineStage.SelectSeries, $"selected {wsm}; level {Path.GetFileName(level.Path)} of {image.Levels.Count}: {level.TotalColumns}x{level.TotalRows} px at {level.PixelSpacingMm * 1000:0.###} um/px"
                + (wanted > 0 ? $" (closest to the model's {wanted * 1000:0.###} um/px)" : " (largest)") + $", {level.TilesDown}x{level.TilesAcross} tiles of {level.TileRows}x{level.TileColumns}");
            return new SlideLayout(level.Path, level.TilesDown, level.TilesAcross, level.TileRows, level.TileColumns, level.TotalRows, level.TotalColumns, true);
        }

        var single = candidates.FirstOrDefault(s => s.MaxFrames == 1)
            ?? throw new PipelineException(string.Join(", ", context.Input.Paths), "no slide microscopy image (VL Whole Slide Microscopy, or single VL microscopic images) was found");
        var path = SeriesFolder.Create(context, single);
        context.Log(PipelineStage.SelectSeries, $"selected {single}: {single.Instances} single image(s), one tile each");
        return new SlideLayout(path, 1, single.Instances, single.Rows, single.Columns, single.Rows, single.Columns * single.Instances, false);
    }

    private static ExplainedStudy Explain(PipelineContext context, SourceImageSet source, SlideLayout slide, ModelPackage package)
    {
        var card = package.Card;
        var options = context.Options;
        if (source.PixelKind != SourcePixelKind.Rgb8)
        {
            throw new PipelineException(slide.SourcePath, $"the grader takes 8-bit RGB slides; this one is {source.PixelKind}");
        }

        var tiles = Enumerable.Range(0, source.FrameCount).Select(i => source.ReadFrame(i).Bytes.ToArray()).ToList();
        var fractions = tiles.Select(t => TissueDetector.Fraction(t)).ToArray();
        var kept = Enumerable.Range(0, tiles.Count).Where(i => fractions[i] >= options.MinimumTissueFraction).ToArray();
        context.Log(PipelineStage.Preprocess, $"tissue detection: {kept.Length} of {tiles.Count} tiles have >= {options.MinimumTissueFraction:P0} tissue (glass: grey >= {TissueDetector.MaximumGlassGrey} and saturation < {TissueDetector.MinimumSaturation})");
        if (kept.Length == 0)
        {
            throw new PipelineException(slide.SourcePath, "no tile holds enough tissue to grade (the slide looks empty)");
        }

        var input = context.Run(PipelineStage.Preprocess, () => Preprocess(kept.Select(i => tiles[i]).ToList(), source.Rows, source.Columns, card, package.ModelPath));
        context.Log(PipelineStage.Preprocess, $"{kept.Length} tiles of {source.Rows}x{source.Columns} -> {input.Shape[2]}x{input.Shape[3]}, RGB / 255, per-channel (x - mean) / std");

        using var model = new TorchExplainableModel(package.Load(options.Device), card.TargetLayers, ownsModel: true);
        var logits = context.Run(PipelineStage.Classify, () => model.ForwardBatched(input, 16));
        var k = logits.Shape[1];
        var tileProbabilities = Enumerable.Range(0, kept.Length).Select(t => CamStage.Softmax(logits.SampleSpan(t))).ToArray();
        var tileClasses = tileProbabilities.Select(p => Array.IndexOf(p, p.Max())).ToArray();
        var grade = SlideGrade(tileClasses, k, options.MinimumTilesForGrade);
        var mean = Enumerable.Range(0, k).Select(c => tileProbabilities.Average(p => p[c])).ToArray();
        var counts = Enumerable.Range(0, k).Select(c => tileClasses.Count(t => t == c)).ToArray();
        var prediction = new StudyPrediction(PipelineTasks.BladderHisto, card.ClassName(grade), grade, [.. Enumerable.Range(0, k).Select(card.ClassName)], mean);
        context.Log(PipelineStage.Classify, $"tile grades: {string.Join(", ", counts.Select((n, c) => $"{card.ClassName(c)} {n}"))}; slide grade {card.ClassName(grade)} (highest grade on >= {options.MinimumTilesForGrade} tiles); mean tile probabilities {CamStage.Describe(mean, card)}");

        var methods = CamStage.Methods(options.Methods);
        var maps = new List<MethodMap>();
        var plane = source.Rows * source.Columns;
        var back = GridTransform.Resize([source.Rows, source.Columns], [input.Shape[2], input.Shape[3]]);
        foreach (var method in methods)
        {
            var result = context.Run(PipelineStage.Explain, () => CamStage.TryCompute(context, method, model, input, CamTarget.Class(grade), methods.Count > 1));
            if (result is null)
            {
                continue;
            }

            var values = new float[tiles.Count * plane];
            for (var t = 0; t < kept.Length; t++)
            {
                back.ToSource(result.Map(t)).CopyTo(values, kept[t] * plane);
            }

            var map = new CamMap(values, tiles.Count, source.Rows, source.Columns);
            maps.Add(new MethodMap(method.Name, map, new Dictionary<string, string>
            {
                ["layer"] = string.Join("+", result.Layers),
                ["tiles"] = kept.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            })
            {
                WriteExtras = folder => WriteSlideHeatmap(folder, slide, tiles, map),
            });
        }

        context.Log(PipelineStage.Render, $"tile maps resized back to {source.Rows}x{source.Columns} and stitched into a {slide.TotalRows}x{slide.TotalColumns} slide heatmap (glass tiles 0)");
        var details = new JsonObject
        {
            ["tiles"] = tiles.Count,
            ["tissue_tiles"] = CovidCtTask.Json(kept),
            ["tile_grid"] = CovidCtTask.Json([slide.TilesDown, slide.TilesAcross]),
            ["tile_classes"] = CovidCtTask.Json(tileClasses),
            ["tile_class_counts"] = new JsonObject(Enumerable.Range(0, k).Select(c => KeyValuePair.Create(card.ClassName(c), (JsonNode?)counts[c]))),
            ["grade_rule"] = $"highest grade predicted on >= {options.MinimumTilesForGrade} tissue tiles",
        };
        return new ExplainedStudy(source, prediction, CovidCtTask.Identity(package), maps, details);
    }

    /// <summary>The per-tile maps placed on the slide's total pixel matrix (.npy) and blended over the slide (PNG).</summary>
    private static IReadOnlyList<string> WriteSlideHeatmap(string folder, SlideLayout slide, IReadOnlyList<byte[]> tiles, CamMap map)
    {
        var rows = slide.TilesDown * slide.TileRows;
        var columns = slide.TilesAcross * slide.TileColumns;
        var heat = new float[rows * columns];
        var rgb = new byte[rows * columns * 3];
        for (var t = 0; t < tiles.Count; t++)
        {
            var (tr, tc) = Math.DivRem(t, slide.TilesAcross);
            var frame = map.Frame(t);
            for (var y = 0; y < slide.TileRows; y++)
            {
                var row = (((tr * slide.TileRows) + y) * columns) + (tc * slide.TileColumns);
                frame.Slice(y * slide.TileColumns, slide.TileColumns).CopyTo(heat.AsSpan(row));
                tiles[t].AsSpan(y * slide.TileColumns * 3, slide.TileColumns * 3).CopyTo(rgb.AsSpan(row * 3));
            }
        }

        // Crop the padding of edge tiles to the total pixel matrix.
        var h = Math.Min(rows, slide.TotalRows);
        var w = Math.Min(columns, slide.TotalColumns);
        var croppedHeat = new float[h * w];
        var croppedRgb = new byte[h * w * 3];
        for (var y = 0; y < h; y++)
        {
            heat.AsSpan(y * columns, w).CopyTo(croppedHeat.AsSpan(y * w));
            rgb.AsSpan(y * columns * 3, w * 3).CopyTo(croppedRgb.AsSpan(y * w * 3));
        }

        Directory.CreateDirectory(folder);
        var npy = Path.Combine(folder, "slide_heatmap.npy");
        NpyFile.Write(npy, croppedHeat, h, w);
        var blended = new byte[croppedRgb.Length];
        HeatmapBlender.BlendOverRgb(croppedRgb, croppedHeat, blended, new HeatmapStyle { ColorMap = ColorMap.Jet });
        var png = Path.Combine(folder, "slide_heatmap.png");
        PngEncoder.WriteFile(png, blended, w, h, PngPixelFormat.Rgb8);
        return [npy, png];
    }
}
