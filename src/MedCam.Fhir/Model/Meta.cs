using MedCam.Fhir.Primitives;

namespace MedCam.Fhir.Model;

/// <summary>R4 Meta: version, profiles, security labels and tags of a resource.</summary>
public sealed record Meta
{
    public FhirId? VersionId { get; init; }

    public DateTimeOffset? LastUpdated { get; init; }

    public FhirUri? Source { get; init; }

    public IReadOnlyList<FhirUri>? Profile { get; init; }

    public IReadOnlyList<Coding>? Security { get; init; }

    public IReadOnlyList<Coding>? Tag { get; init; }
}
