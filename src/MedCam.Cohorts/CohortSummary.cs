namespace MedCam.Cohorts;

/// <summary>Localisation of one method over the cases that have a non-empty lesion mask.</summary>
public sealed record MethodSummary(
    string Method,
    int Cases,
    double MeanEnergyInMask,
    double MeanEnergyRatio,
    double MedianEnergyRatio,
    Proportion PointingGame,
    double MeanIou,
    double MeanIoa);

/// <summary>What a cohort run measured: classification against the manifest's labels and localisation per method.</summary>
public sealed record CohortSummary
{
    public required string Name { get; init; }

    public required IReadOnlyList<CaseResult> Cases { get; init; }

    public required IReadOnlyList<string> ClassNames { get; init; }

    public int Done => Cases.Count(c => c.Status == CaseResult.Done);

    public int Failed => Cases.Count(c => c.Status == CaseResult.Failed);

    /// <summary>Done cases with a known true class.</summary>
    public int Labelled { get; init; }

    public required Proportion Accuracy { get; init; }

    public double BalancedAccuracy { get; init; }

    /// <summary>[true class, predicted class] over the labelled cases.</summary>
    public required int[,] Confusion { get; init; }

    /// <summary>One-vs-rest AUC of each class's probability (NaN where a class has no positive or no negative case).</summary>
    public required IReadOnlyList<double> Auc { get; init; }

    public double MacroAuc { get; init; }

    public required IReadOnlyList<MethodSummary> Methods { get; init; }

    /// <summary>Wall time of this run (reused cases cost nothing).</summary>
    public double Seconds { get; init; }

    public static CohortSummary From(CohortDefinition definition, IReadOnlyList<CaseResult> cases, double seconds)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(cases);
        var done = cases.Where(c => c.Status == CaseResult.Done).ToList();
        var classNames = done.Select(c => c.ClassNames).FirstOrDefault(n => n.Count > 0) ?? [];
        var labelled = done.Where(c => c.TrueIndex is not null && c.PredictedIndex is not null && c.ClassNames.SequenceEqual(classNames)).ToList();
        var confusion = CohortStatistics.Confusion(labelled.Select(c => (c.TrueIndex!.Value, c.PredictedIndex!.Value)), classNames.Count);
        var auc = Enumerable.Range(0, classNames.Count)
            .Select(k => CohortStatistics.Auc(labelled.Select(c => c.Probabilities[k]).ToList(), labelled.Select(c => c.TrueIndex == k).ToList()))
            .ToList();
        var defined = auc.Where(double.IsFinite).ToList();
        var methods = done.SelectMany(c => c.Localisation).GroupBy(l => l.Method, StringComparer.Ordinal)
            .Select(g =>
            {
                var list = g.ToList();
                var ratios = list.Select(l => l.EnergyRatio).Order().ToList();
                var median = ratios.Count % 2 == 1 ? ratios[ratios.Count / 2] : (ratios[(ratios.Count / 2) - 1] + ratios[ratios.Count / 2]) / 2;
                return new MethodSummary(
                    g.Key,
                    list.Count,
                    list.Average(l => l.EnergyInMask),
                    list.Average(l => l.EnergyRatio),
                    median,
                    Proportion.Of(list.Count(l => l.PointingHit), list.Count),
                    list.Average(l => l.Iou),
                    list.Average(l => l.Ioa));
            })
            .ToList();

        return new CohortSummary
        {
            Name = definition.Name,
            Cases = cases,
            ClassNames = classNames,
            Labelled = labelled.Count,
            Accuracy = Proportion.Of(labelled.Count(c => c.Correct == true), labelled.Count),
            BalancedAccuracy = CohortStatistics.BalancedAccuracy(confusion),
            Confusion = confusion,
            Auc = auc,
            MacroAuc = defined.Count == 0 ? double.NaN : defined.Average(),
            Methods = methods,
            Seconds = seconds,
        };
    }
}
