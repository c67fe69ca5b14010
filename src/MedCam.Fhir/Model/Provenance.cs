using MedCam.Fhir.Primitives;

namespace MedCam.Fhir.Model;

/// <summary>R4 Provenance: who (the algorithm) made which resources from what (the source study).</summary>
public sealed record Provenance : Resource
{
    public required IReadOnlyList<ResourceReference> Target { get; init; }

    public Period? OccurredPeriod { get; init; }

    public FhirDateTime? OccurredDateTime { get; init; }

    public required DateTimeOffset Recorded { get; init; }

    public IReadOnlyList<FhirUri>? Policy { get; init; }

    public CodeableConcept? Activity { get; init; }

    public required IReadOnlyList<ProvenanceAgent> Agent { get; init; }

    public IReadOnlyList<ProvenanceEntity>? Entity { get; init; }
}

/// <summary>R4 Provenance.agent.</summary>
public sealed record ProvenanceAgent
{
    public CodeableConcept? Type { get; init; }

    public IReadOnlyList<CodeableConcept>? Role { get; init; }

    public required ResourceReference Who { get; init; }

    public ResourceReference? OnBehalfOf { get; init; }
}

/// <summary>R4 Provenance.entity.</summary>
public sealed record ProvenanceEntity
{
    public required ProvenanceEntityRole Role { get; init; }

    public required ResourceReference What { get; init; }
}
