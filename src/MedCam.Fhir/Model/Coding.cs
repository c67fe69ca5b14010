using MedCam.Fhir.Primitives;

namespace MedCam.Fhir.Model;

/// <summary>R4 Coding: a code from a code system.</summary>
public sealed record Coding
{
    public FhirUri? System { get; init; }

    public string? Version { get; init; }

    public FhirCode? Code { get; init; }

    public string? Display { get; init; }

    public static Coding Of(string system, string code, string? display = null) =>
        new() { System = new FhirUri(system), Code = new FhirCode(code), Display = display };
}
