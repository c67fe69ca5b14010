using MedCam.Fhir.Primitives;

namespace MedCam.Fhir.Model;

/// <summary>R4 Identifier: a business identifier (system + value).</summary>
public sealed record Identifier
{
    public IdentifierUse? Use { get; init; }

    public CodeableConcept? Type { get; init; }

    public FhirUri? System { get; init; }

    public string? Value { get; init; }

    public static Identifier Of(FhirUri system, string value) => new() { System = system, Value = value };
}
