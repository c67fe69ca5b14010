using System.Text.Json;

namespace MedCam.Cohorts.Tests;

public sealed class StatisticsTests
{
    [Fact]
    public async Task Auc_RandomScoresWithTies_EqualsScipyMannWhitney()
    {
        var random = new Random(7);
        // Scores rounded to one decimal so there are many ties between and within the groups.
        var scores = Enumerable.Range(0, 60).Select(_ => Math.Round(random.NextDouble(), 1)).ToList();
        var positive = Enumerable.Range(0, 60).Select(i => random.NextDouble() < 0.4 + (0.3 * scores[i])).ToList();

        var auc = CohortStatistics.Auc(scores, positive);

        var peer = await Python.JsonAsync(
            "import json, sys\nfrom scipy.stats import mannwhitneyu\ns = json.loads(sys.argv[1]); p = json.loads(sys.argv[2])\n" +
            "a = [x for x, y in zip(s, p) if y]; b = [x for x, y in zip(s, p) if not y]\n" +
            "print(json.dumps({'auc': mannwhitneyu(a, b, alternative='two-sided').statistic / (len(a) * len(b))}))\n",
            JsonSerializer.Serialize(scores), JsonSerializer.Serialize(positive));
        Assert.Equal(peer.GetProperty("auc").GetDouble(), auc, 12);
    }

    [Fact]
    public void Auc_OneGroupEmpty_NaN()
    {
        Assert.True(double.IsNaN(CohortStatistics.Auc([0.1, 0.9], [true, true])));
        Assert.Equal(1.0, CohortStatistics.Auc([0.1, 0.9], [false, true]));
        Assert.Equal(0.5, CohortStatistics.Auc([0.5, 0.5], [false, true]));
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(3, 3)]
    [InlineData(7, 20)]
    [InlineData(50, 51)]
    public async Task Proportion_Wilson_EqualsScipyBinomtest(int k, int n)
    {
        var p = Proportion.Of(k, n);

        var peer = await Python.JsonAsync(
            "import json, sys\nfrom scipy.stats import binomtest\nci = binomtest(int(sys.argv[1]), int(sys.argv[2])).proportion_ci(0.95, method='wilson')\n" +
            "print(json.dumps({'low': ci.low, 'high': ci.high}))\n",
            k.ToString(System.Globalization.CultureInfo.InvariantCulture), n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((double)k / n, p.Value, 12);
        Assert.Equal(peer.GetProperty("low").GetDouble(), p.Lower, 9);
        Assert.Equal(peer.GetProperty("high").GetDouble(), p.Upper, 9);
    }

    [Fact]
    public void BalancedAccuracy_SkewedCohort_MeanOfRecalls()
    {
        // 8 of class 0 all right, 2 of class 1 one right: accuracy 0.9, balanced (1 + 0.5) / 2.
        var confusion = CohortStatistics.Confusion([.. Enumerable.Repeat((0, 0), 8), (1, 1), (1, 0)], 3);
        Assert.Equal(0.75, CohortStatistics.BalancedAccuracy(confusion), 12);
        Assert.Equal(8, confusion[0, 0]);
        Assert.Equal(1, confusion[1, 0]);
    }
}
