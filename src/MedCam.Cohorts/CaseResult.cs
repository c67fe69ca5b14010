using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedCam.Cohorts;

/// <summary>Localisation of one method's map against the case's lesion mask, on the source grid.</summary>
public sealed record MethodLocalisation
{
    public required string Method { get; init; }

    /// <summary>Share of the map's (positive) energy inside the mask (energy-based pointing game).</summary>
    public double EnergyInMask { get; init; }

    /// <summary>Share of the grid the mask covers: the energy a uniform map would put inside.</summary>
    public double MaskFraction { get; init; }

    /// <summary><see cref="EnergyInMask"/> / <see cref="MaskFraction"/>: how many times chance.</summary>
    public double EnergyRatio { get; init; }

    /// <summary>Pointing game: the map's maximum inside the mask or within the tolerance of it.</summary>
    public bool PointingHit { get; init; }

    /// <summary>IoU of the map binarised at its Otsu threshold with the mask.</summary>
    public double Iou { get; init; }

    /// <summary>Intersection over annotation at the same threshold.</summary>
    public double Ioa { get; init; }
}

/// <summary>What the cohort run recorded for one case (cases/&lt;id&gt;/case.json): kept across runs for resuming.</summary>
public sealed record CaseResult
{
    public const string Done = "done";
    public const string Failed = "failed";

    public required string CaseId { get; init; }

    /// <summary><see cref="Done"/> or <see cref="Failed"/>.</summary>
    public required string Status { get; init; }

    /// <summary>Hash of everything that decides this case's result; a rerun reuses the record only when it matches.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Why the case failed, or why its localisation could not be measured.</summary>
    public string? Error { get; init; }

    public string? Task { get; init; }

    public string? Model { get; init; }

    public int? TrueIndex { get; init; }

    public string? TrueClass { get; init; }

    public int? PredictedIndex { get; init; }

    public string? PredictedClass { get; init; }

    public IReadOnlyList<string> ClassNames { get; init; } = [];

    public IReadOnlyList<double> Probabilities { get; init; } = [];

    public bool? Correct => TrueIndex is { } t && PredictedIndex is { } p ? t == p : null;

    public double Seconds { get; init; }

    /// <summary>One entry per method when the case has a non-empty lesion mask; empty otherwise.</summary>
    public IReadOnlyList<MethodLocalisation> Localisation { get; init; } = [];

    /// <summary>Pointing game distances were in millimetres (true) or pixels (false: no spacing known).</summary>
    public bool ToleranceInMillimetres { get; init; }

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Reads a case.json; null when it is missing or unreadable (the case is then simply run again).</summary>
    public static CaseResult? TryLoad(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<CaseResult>(File.ReadAllText(path), Json) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes the record atomically (temporary file, then rename), so a killed run never leaves half a file.</summary>
    public void Save(string path)
    {
        CohortFiles.WriteAtomically(path, JsonSerializer.Serialize(this, Json));
    }
}

internal static class CohortFiles
{
    public static void WriteAtomically(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }
}
