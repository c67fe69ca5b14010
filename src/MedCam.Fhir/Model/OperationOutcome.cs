using MedCam.Fhir.Primitives;

namespace MedCam.Fhir.Model;

/// <summary>R4 OperationOutcome: what a server says about a failed (or partly failed) request.</summary>
public sealed record OperationOutcome : Resource
{
    public required IReadOnlyList<OperationOutcomeIssue> Issue { get; init; }

    /// <summary>One line per issue: severity, code, then details text and diagnostics (what a person can act on).</summary>
    public string Describe() => string.Join(Environment.NewLine, Issue.Select(i => i.Describe()));
}

/// <summary>R4 OperationOutcome.issue.</summary>
public sealed record OperationOutcomeIssue
{
    public required IssueSeverity Severity { get; init; }

    /// <summary>The issue type code (R4 value set issue-type); kept as a code so unknown codes still parse.</summary>
    public required FhirCode Code { get; init; }

    public CodeableConcept? Details { get; init; }

    public string? Diagnostics { get; init; }

    public IReadOnlyList<string>? Expression { get; init; }

    public string Describe()
    {
        var parts = new List<string> { $"{Severity.ToString().ToUpperInvariant()} {Code}" };
        var details = Details?.Text ?? Details?.Coding?.FirstOrDefault()?.Display;
        if (!string.IsNullOrWhiteSpace(details))
        {
            parts.Add(details);
        }

        if (!string.IsNullOrWhiteSpace(Diagnostics))
        {
            parts.Add(Diagnostics);
        }

        if (Expression is { Count: > 0 })
        {
            parts.Add("at " + string.Join(", ", Expression));
        }

        return string.Join(": ", parts);
    }
}
