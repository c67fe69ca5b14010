namespace MedCam.Cohorts;

/// <summary>A proportion with its Wilson score 95 % interval (well behaved for small cohorts and 0 or 1 rates).</summary>
public sealed record Proportion(int Successes, int Trials, double Value, double Lower, double Upper)
{
    public static Proportion Of(int successes, int trials)
    {
        if (trials < 0 || successes < 0 || successes > trials)
        {
            throw new ArgumentOutOfRangeException(nameof(successes), $"{successes} successes in {trials} trials.");
        }

        if (trials == 0)
        {
            return new Proportion(0, 0, double.NaN, double.NaN, double.NaN);
        }

        const double z = 1.959963984540054;
        double n = trials;
        var p = successes / n;
        var denominator = 1 + (z * z / n);
        var centre = (p + (z * z / (2 * n))) / denominator;
        var half = z * Math.Sqrt((p * (1 - p) / n) + (z * z / (4 * n * n))) / denominator;
        return new Proportion(successes, trials, p, Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}

/// <summary>Classification statistics of a cohort: accuracy, balanced accuracy, confusion matrix, one-vs-rest AUC.</summary>
public static class CohortStatistics
{
    /// <summary>Confusion matrix [true class, predicted class] over the cases with a known label.</summary>
    public static int[,] Confusion(IEnumerable<(int Truth, int Predicted)> pairs, int classes)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var matrix = new int[classes, classes];
        foreach (var (truth, predicted) in pairs)
        {
            matrix[truth, predicted]++;
        }

        return matrix;
    }

    /// <summary>Mean recall over the classes that occur (NaN when none does).</summary>
    public static double BalancedAccuracy(int[,] confusion)
    {
        ArgumentNullException.ThrowIfNull(confusion);
        var recalls = new List<double>();
        for (var t = 0; t < confusion.GetLength(0); t++)
        {
            var row = 0;
            for (var p = 0; p < confusion.GetLength(1); p++)
            {
                row += confusion[t, p];
            }

            if (row > 0)
            {
                recalls.Add(confusion[t, t] / (double)row);
            }
        }

        return recalls.Count == 0 ? double.NaN : recalls.Average();
    }

    /// <summary>
    /// Area under the ROC curve of <paramref name="scores"/> for separating positives from negatives, by the
    /// Mann-Whitney U statistic (ties count one half). NaN when either group is empty.
    /// </summary>
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(positive);
        if (scores.Count != positive.Count)
        {
            throw new ArgumentException($"{scores.Count} scores but {positive.Count} labels.", nameof(positive));
        }

        // Average ranks over ties, then U = R+ - n+(n+ + 1)/2.
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        var ranks = new double[scores.Count];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]])
            {
                j++;
            }

            var rank = ((i + j) / 2.0) + 1;
            for (var k = i; k <= j; k++)
            {
                ranks[order[k]] = rank;
            }

            i = j + 1;
        }

        double positives = positive.Count(p => p);
        double negatives = positive.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        var rankSum = 0.0;
        for (var i = 0; i < ranks.Length; i++)
        {
            if (positive[i])
            {
                rankSum += ranks[i];
            }
        }

        return (rankSum - (positives * (positives + 1) / 2)) / (positives * negatives);
    }
}
