using MedCam.Pipeline.Synthetic;
using MedCam.Torch;

namespace MedCam.Pipeline.Tests;

/// <summary>
/// The committed reference models (sample-data/models) load in MedCam's libtorch binding, their cards match the
/// synthetic tasks, and, with the preprocessing the card states done here in C#, they classify the sample phantoms
/// (seed 2026, cases 0-2: the committed sample studies) correctly.
/// </summary>
public class SyntheticReferenceModelTests
{
    [Theory]
    [InlineData("covid-ct-3d", "covid-ct", "CT")]
    [InlineData("lung-us-frames", "lung-us", "US")]
    [InlineData("bladder-histo", "bladder-histo", "SM")]
    public void Package_Card_DescribesTaskAndIsNotClinical(string model, string task, string modality)
    {
        var package = ModelPackage.Open(ModelFolder(model));
        var card = package.Card;
        Assert.True(package.HasCard);
        Assert.Equal(model, card.Name);
        Assert.Equal(modality, card.Modality);
        Assert.Equal(SyntheticTasks.ClassNames(SyntheticTasks.Parse(task)), card.ClassNames);
        Assert.Equal(["features"], card.TargetLayers);
        Assert.Contains("NOT a clinical model", card.IntendedUse, StringComparison.Ordinal);
        Assert.Contains("medcam synth", card.TrainingData, StringComparison.Ordinal);
        Assert.Contains(card.Metrics, m => m.Key.Contains("accuracy", StringComparison.Ordinal) && m.Value >= 0.9);
        Assert.Contains(card.Metrics.Keys, k => k == "gradcam_energy_in_lesion");
        Assert.True(new FileInfo(package.ModelPath).Length < 2 * 1024 * 1024, "model.pt stays small");
    }

    [Fact]
    public void CovidCt_SamplePhantoms_ClassifiedCorrectly()
    {
        using var model = ModelPackage.Open(ModelFolder("covid-ct-3d")).Load();
        Assert.Contains("features", model.TargetLayers);
        for (var label = 0; label < 3; label++)
        {
            var v = ChestCtPhantom.Generate((ChestCtFinding)label, 2026, label, new ChestCtOptions { Matrix = 128 });
            // Card: window centre -300 width 1400 -> [0, 1]; trilinear resize 64x128x128 -> 32x64x64 (align_corners
            // = false at an exact factor of 2 is the mean of each 2x2x2 block).
            var scaled = v.Hu.Select(h => (Math.Clamp(h, -1000f, 400f) + 1000f) / 1400f).ToArray();
            var input = HalveBlocks(scaled, [v.Slices, v.Rows, v.Columns]);
            var logits = model.Forward(new Tensor(input, 1, 1, v.Slices / 2, v.Rows / 2, v.Columns / 2));
            Assert.Equal(label, ArgMax(logits.Data));
        }
    }

    [Fact]
    public void LungUs_SampleCines_VideoClassFromMeanFrameProbability()
    {
        using var model = ModelPackage.Open(ModelFolder("lung-us-frames")).Load();
        for (var label = 0; label < 3; label++)
        {
            var cine = LungUltrasoundPhantom.Generate((LungUltrasoundFinding)label, 2026, label);
            var frame = cine.Rows * cine.Columns;
            var batch = new List<float>();
            for (var f = 0; f < cine.Frames; f += 3)
            {
                var scaled = cine.Pixels.AsSpan(f * frame, frame).ToArray().Select(p => p / 255f).ToArray();
                batch.AddRange(HalveBlocks(scaled, [cine.Rows, cine.Columns]));
            }

            var frames = batch.Count / (frame / 4);
            var logits = model.Forward(new Tensor([.. batch], frames, 1, cine.Rows / 2, cine.Columns / 2));
            var mean = new double[3];
            for (var n = 0; n < frames; n++)
            {
                var p = Softmax(logits.Data.AsSpan(n * 3, 3));
                for (var k = 0; k < 3; k++)
                {
                    mean[k] += p[k] / frames;
                }
            }

            Assert.Equal(label, ArgMax(mean.Select(m => (float)m).ToArray()));
        }
    }

    [Fact]
    public void BladderHisto_LesionTiles_GradedAsTheirSlide()
    {
        using var package = new DisposableModel(ModelPackage.Open(ModelFolder("bladder-histo")));
        var card = package.Package.Card;
        var mean = card.Preprocessing.Normalisation!.Mean;
        var std = card.Preprocessing.Normalisation.Std;
        for (var grade = 0; grade < 3; grade++)
        {
            var slide = BladderHistologyPhantom.Generate((BladderHistologyGrade)grade, 2026, grade, new HistologyOptions { TilesAcross = 3, TilesDown = 3 });
            var tileSize = slide.TileSize;
            var correct = 0;
            var tiles = 0;
            for (var ty = 0; ty < 3; ty++)
            {
                for (var tx = 0; tx < 3; tx++)
                {
                    if (slide.TissueFraction(tx, ty) < 0.25)
                    {
                        continue;
                    }

                    var rgb = slide.Levels[0].Tile(tileSize, tx, ty);
                    var input = new float[3 * tileSize * tileSize];
                    for (var c = 0; c < 3; c++)
                    {
                        for (var i = 0; i < tileSize * tileSize; i++)
                        {
                            input[c * tileSize * tileSize + i] = (float)((rgb[3 * i + c] / 255.0 - mean[c]) / std[c]);
                        }
                    }

                    var logits = package.Model.Forward(new Tensor(input, 1, 3, tileSize, tileSize));
                    tiles++;
                    correct += ArgMax(logits.Data) == (int)slide.TileGrade(tx, ty) ? 1 : 0;
                }
            }

            Assert.True(correct >= tiles - 1, $"grade {grade}: {correct} of {tiles} tiles right");
        }
    }

    private static string ModelFolder(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "sample-data", "models", name);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"sample-data/models/{name} not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>Mean of each 2x2 (2D) or 2x2x2 (3D) block: torch's linear resize to half size with align_corners=false.</summary>
    private static float[] HalveBlocks(float[] data, int[] shape)
    {
        if (shape.Length == 2)
        {
            return HalveBlocks(data, [1, shape[0], shape[1]], depthToo: false);
        }

        return HalveBlocks(data, shape, depthToo: true);
    }

    private static float[] HalveBlocks(float[] data, int[] shape, bool depthToo)
    {
        int d = shape[0], h = shape[1], w = shape[2];
        int od = depthToo ? d / 2 : d, oh = h / 2, ow = w / 2;
        var dz = depthToo ? 2 : 1;
        var result = new float[od * oh * ow];
        for (var k = 0; k < od; k++)
        {
            for (var i = 0; i < oh; i++)
            {
                for (var j = 0; j < ow; j++)
                {
                    var sum = 0f;
                    for (var a = 0; a < dz; a++)
                    {
                        for (var b = 0; b < 2; b++)
                        {
                            for (var c = 0; c < 2; c++)
                            {
                                sum += data[((k * dz + a) * h + 2 * i + b) * w + 2 * j + c];
                            }
                        }
                    }

                    result[(k * oh + i) * ow + j] = sum / (dz * 4);
                }
            }
        }

        return result;
    }

    private static double[] Softmax(ReadOnlySpan<float> logits)
    {
        var max = double.NegativeInfinity;
        foreach (var l in logits)
        {
            max = Math.Max(max, l);
        }

        var e = new double[logits.Length];
        double sum = 0;
        for (var i = 0; i < e.Length; i++)
        {
            e[i] = Math.Exp(logits[i] - max);
            sum += e[i];
        }

        return [.. e.Select(x => x / sum)];
    }

    private static int ArgMax(float[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private sealed class DisposableModel(ModelPackage package) : IDisposable
    {
        public ModelPackage Package { get; } = package;

        public TorchModel Model { get; } = package.Load();

        public void Dispose() => Model.Dispose();
    }
}
