namespace MedCam.Pipeline.Synthetic;

/// <summary>What to generate: task, cohort size, seed and per-modality geometry.</summary>
public sealed record SyntheticCohortRequest
{
    public required SyntheticTask Task { get; init; }

    public int Count { get; init; } = 3;

    public long Seed { get; init; } = 1;

    /// <summary>Index of the first case (cohorts can be generated in parts); case i has class i mod 3.</summary>
    public int FirstIndex { get; init; }

    public ChestCtOptions Ct { get; init; } = new();

    public LungUltrasoundOptions Ultrasound { get; init; } = new();

    public HistologyOptions Histology { get; init; } = new();

    /// <summary>The case identifier: task, seed and index, so files from different cohorts never collide.</summary>
    public string CaseId(int caseIndex) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{SyntheticTasks.Name(Task)}-s{Seed}-{caseIndex:D4}");
}

/// <summary>One generated case of any modality.</summary>
public sealed record SyntheticCase(string Id, int CaseIndex, int Label, string ClassName, object Phantom)
{
    public ChestCtVolume? Ct => Phantom as ChestCtVolume;

    public LungUltrasoundCine? Ultrasound => Phantom as LungUltrasoundCine;

    public HistologySlide? Slide => Phantom as HistologySlide;
}

/// <summary>Generates the cases of a cohort, lazily, one at a time (volumes are large).</summary>
public static class SyntheticCohort
{
    public static IEnumerable<SyntheticCase> Generate(SyntheticCohortRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Count < 0 || request.FirstIndex < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(request), "Count and first index must not be negative.");
        }

        for (var i = request.FirstIndex; i < request.FirstIndex + request.Count; i++)
        {
            yield return GenerateCase(request, i);
        }
    }

    public static SyntheticCase GenerateCase(SyntheticCohortRequest request, int caseIndex)
    {
        ArgumentNullException.ThrowIfNull(request);
        var label = SyntheticTasks.ClassOfCase(request.Task, caseIndex);
        var name = SyntheticTasks.ClassNames(request.Task)[label];
        object phantom = request.Task switch
        {
            SyntheticTask.CovidCt => ChestCtPhantom.Generate((ChestCtFinding)label, request.Seed, caseIndex, request.Ct),
            SyntheticTask.LungUs => LungUltrasoundPhantom.Generate((LungUltrasoundFinding)label, request.Seed, caseIndex, request.Ultrasound),
            SyntheticTask.BladderHisto => BladderHistologyPhantom.Generate((BladderHistologyGrade)label, request.Seed, caseIndex, request.Histology),
            _ => throw new ArgumentOutOfRangeException(nameof(request), request.Task, "Unknown task."),
        };
        return new SyntheticCase(request.CaseId(caseIndex), caseIndex, label, name, phantom);
    }
}
