using MedCam.Explain.Metrics;
using MedCam.Explain.Models;
using MedCam.Explain.Targets;
using MedCam.Torch;

namespace MedCam.Explain.Tests;

/// <summary>Metrics on small hand-computed examples.</summary>
public class MetricsTests
{
    // logits = [Σ x]; the target "probability" is that sum (a function target's probability is its value).
    private static readonly CamTarget Sum = CamTarget.Function(y => y[0], name: "sum");

    [Fact]
    public void NormalisedAuc_ThreePoints_Trapezoid()
    {
        Assert.Equal(0.5, FaithfulnessMetrics.NormalisedAuc([1, 0.5, 0]), 12);
        Assert.Equal(1.0, FaithfulnessMetrics.NormalisedAuc([1, 1, 1, 1]), 12);
    }

    [Fact]
    public void Deletion_HandComputedCurve()
    {
        // x = [4, 3, 2, 1], saliency order: 1, 2, 3, 0. Zeros substrate, 4 steps:
        // p = [10, 7, 5, 4, 0] -> AUC = (26 − 10/2 − 0/2) / 4 = 5.25.
        var sample = new Tensor([4, 3, 2, 1], 1, 1, 1, 4);
        var result = FaithfulnessMetrics.Deletion(new SumModel(), sample, [0.1f, 0.9f, 0.5f, 0.2f], Sum, steps: 4);
        Assert.Equal(new double[] { 10, 7, 5, 4, 0 }, result.Probabilities);
        Assert.Equal(5.25, result.Auc, 6);
    }

    [Fact]
    public void Insertion_ConstantInput_BlurredStartIsInputSoFlatCurve()
    {
        var sample = new Tensor(Enumerable.Repeat(2f, 16).ToArray(), 1, 1, 4, 4);
        var map = Enumerable.Range(0, 16).Select(i => (float)i).ToArray();
        var result = FaithfulnessMetrics.Insertion(new SumModel(), sample, map, Sum, steps: 4);
        Assert.All(result.Probabilities, p => Assert.Equal(32, p, 3));
    }

    [Fact]
    public void AverageDropIncrease_HandComputed()
    {
        // A: x=[1,1], L=[1,0]: Y=2, O=1 -> drop 0.5. B: x=[1,1], L=[1,1]: O=Y -> 0. C: x=[2,-1], L=[1,0]: Y=1, O=2 -> increase.
        var input = new Tensor([1, 1, 1, 1, 2, -1], 3, 1, 2);
        var maps = new Tensor([1, 0, 1, 1, 1, 0], 3, 2);
        var (drop, increase) = FaithfulnessMetrics.AverageDropIncrease(new SumModel(), input, maps, [Sum]);
        Assert.Equal(50.0 / 3, drop, 6);
        Assert.Equal(100.0 / 3, increase, 6);
    }

    [Fact]
    public void PointingGame_ToleranceInMillimetres_UsesSpacing()
    {
        var map = new float[10];
        map[5] = 1;
        var mask = new bool[10];
        mask[9] = true;

        // 4 px away at 2 mm per px along the second axis = 8 mm.
        Assert.False(LocalisationMetrics.PointingGame(map, mask, [1, 10], toleranceMm: 7.9, spacingMm: [1.0, 2.0]));
        Assert.True(LocalisationMetrics.PointingGame(map, mask, [1, 10], toleranceMm: 8.0, spacingMm: [1.0, 2.0]));
        mask[5] = true;
        Assert.True(LocalisationMetrics.PointingGame(map, mask, [1, 10], toleranceMm: 0));
    }

    [Fact]
    public void EnergyPointingGame_ShareInsideMask()
    {
        Assert.Equal(0.7, LocalisationMetrics.EnergyPointingGame([1, 2, 3, 4], [false, false, true, true]), 12);
        Assert.Equal(0, LocalisationMetrics.EnergyPointingGame([0, 0], [true, false]));
    }

    [Fact]
    public void OtsuOverlap_HandComputed()
    {
        // Binarised map B = {2, 3, 4}, mask M = {3, 4, 5}: IoU = 2/4, IoA = |B ∩ M| / |M| = 2/3.
        var (iou, ioa, _) = LocalisationMetrics.OtsuOverlap([0, 0, 1, 1, 1, 0], [false, false, false, true, true, true]);
        Assert.Equal(0.5, iou, 12);
        Assert.Equal(2.0 / 3, ioa, 12);
    }

    [Theory]
    [InlineData(new[] { 12, 12 })]
    [InlineData(new[] { 8, 8, 8 })]
    public void NoisyLinearImputation_LinearRamp_RecoveredWithinNoise(int[] shape)
    {
        // A linear function satisfies the symmetric weighted-mean equations, so the solution is the ramp itself.
        var n = shape.Aggregate(1, (a, b) => a * b);
        var data = new float[n];
        var removed = new bool[n];
        var index = new int[shape.Length];
        for (var i = 0; i < n; i++)
        {
            var rem = i;
            for (var a = shape.Length - 1; a >= 0; a--)
            {
                index[a] = rem % shape[a];
                rem /= shape[a];
            }

            data[i] = index.Select((v, a) => v * (a + 1f)).Sum();
            removed[i] = index.All(v => v is >= 2 and <= 5);
        }

        var imputed = NoisyLinearImputation.Impute(data, 1, shape, removed, seed: 3);
        for (var i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(imputed[i] - data[i]) < 0.06, $"{i}: {imputed[i]} vs {data[i]}");
        }

        Assert.Contains(Enumerable.Range(0, n), i => removed[i] && imputed[i] != data[i]);
    }

    [Fact]
    public void Road_MorfAndLerf_ReportChangesFromOriginal()
    {
        var sample = new Tensor(Enumerable.Range(0, 36).Select(i => (float)(i % 6)).ToArray(), 1, 1, 6, 6);
        var map = Enumerable.Range(0, 36).Select(i => (float)(i % 6)).ToArray();
        var morf = FaithfulnessMetrics.Road(new SumModel(), sample, map, Sum, [0, 50], mostRelevantFirst: true);
        Assert.Equal(sample.Data.Sum(), morf.OriginalProbability, 3);
        Assert.Equal(0, morf.Changes[0], 3);
        Assert.Equal(morf.Probabilities[1] - morf.OriginalProbability, morf.Changes[1], 6);
        Assert.True(morf.Changes[1] < 0);
    }

    /// <summary>logits = [Σ x] per sample.</summary>
    private sealed class SumModel : IExplainableModel
    {
        public IReadOnlyList<string> TargetLayers { get; } = ["features"];

        public Tensor Forward(Tensor input)
        {
            var n = input.Shape[0];
            return new Tensor(Enumerable.Range(0, n).Select(s => input.SampleSpan(s).ToArray().Sum()).ToArray(), n, 1);
        }

        public Tensor ForwardBatched(Tensor inputs, int maxBatch) => Forward(inputs);

        public ExplainResult Explain(Tensor input, IReadOnlyList<string> layers, Tensor targetWeights) => throw new NotSupportedException();

        public ExplainResult Explain(Tensor input, IReadOnlyList<string> layers, ReadOnlySpan<int> targetClasses) => throw new NotSupportedException();

        public Tensor Head(string layer, Tensor activations) => throw new NotSupportedException();
    }
}
