using MedCam.Fhir.Primitives;

namespace MedCam.Fhir.Model;

/// <summary>
/// R4 Reference (named so it does not clash with its own <c>reference</c> element): a literal reference
/// (<c>Observation/123</c>, <c>urn:uuid:…</c>) or a logical one by identifier.
/// </summary>
public sealed record ResourceReference
{
    public string? Reference { get; init; }

    public FhirUri? Type { get; init; }

    public Identifier? Identifier { get; init; }

    public string? Display { get; init; }

    public static ResourceReference To(FhirUri fullUrl) => new() { Reference = fullUrl.Value };

    public static ResourceReference ByIdentifier(string resourceType, Identifier identifier) =>
        new() { Type = new FhirUri(resourceType), Identifier = identifier };
}
