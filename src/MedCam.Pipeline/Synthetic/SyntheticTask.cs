namespace MedCam.Pipeline.Synthetic;

/// <summary>The three clinical tasks MedCam ships synthetic data and reference models for.</summary>
public enum SyntheticTask
{
    /// <summary>Chest CT volume: COVID-19 / other pneumonia / normal.</summary>
    CovidCt,

    /// <summary>Lung ultrasound cine: COVID-19 / pneumonia / healthy.</summary>
    LungUs,

    /// <summary>Bladder histology (H&amp;E): non-tumour / mild / infiltrative.</summary>
    BladderHisto,
}

/// <summary>Names and class lists of <see cref="SyntheticTask"/>; class indices are the model cards' class indices.</summary>
public static class SyntheticTasks
{
    private static readonly string[] CtClasses = ["covid-19", "other-pneumonia", "normal"];
    private static readonly string[] UsClasses = ["covid-19", "pneumonia", "healthy"];
    private static readonly string[] HistoClasses = ["non-tumour", "mild", "infiltrative"];

    public static string Name(SyntheticTask task) => task switch
    {
        SyntheticTask.CovidCt => "covid-ct",
        SyntheticTask.LungUs => "lung-us",
        SyntheticTask.BladderHisto => "bladder-histo",
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "Unknown task."),
    };

    public static SyntheticTask Parse(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "covid-ct" => SyntheticTask.CovidCt,
        "lung-us" => SyntheticTask.LungUs,
        "bladder-histo" => SyntheticTask.BladderHisto,
        _ => throw new ArgumentException($"Unknown task '{name}': expected covid-ct, lung-us or bladder-histo.", nameof(name)),
    };

    /// <summary>Class names in class-index order.</summary>
    public static IReadOnlyList<string> ClassNames(SyntheticTask task) => task switch
    {
        SyntheticTask.CovidCt => CtClasses,
        SyntheticTask.LungUs => UsClasses,
        SyntheticTask.BladderHisto => HistoClasses,
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "Unknown task."),
    };

    /// <summary>The class of case <paramref name="caseIndex"/> in a cohort: classes cycle so any count is balanced.</summary>
    public static int ClassOfCase(SyntheticTask task, int caseIndex) => caseIndex % ClassNames(task).Count;
}

/// <summary>Chest CT classes (indices match <see cref="SyntheticTasks.ClassNames"/>).</summary>
public enum ChestCtFinding
{
    Covid19 = 0,
    OtherPneumonia = 1,
    Normal = 2,
}

/// <summary>Lung ultrasound classes.</summary>
public enum LungUltrasoundFinding
{
    Covid19 = 0,
    Pneumonia = 1,
    Healthy = 2,
}

/// <summary>Bladder histology grades.</summary>
public enum BladderHistologyGrade
{
    NonTumour = 0,
    Mild = 1,
    Infiltrative = 2,
}
