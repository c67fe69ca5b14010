using MedCam.Fhir.Primitives;

namespace MedCam.Fhir.Model;

/// <summary>R4 Observation (the subset MedCam writes and reads). At most one <c>value[x]</c> may be set.</summary>
public sealed record Observation : Resource
{
    public IReadOnlyList<Identifier>? Identifier { get; init; }

    public required ObservationStatus Status { get; init; }

    public IReadOnlyList<CodeableConcept>? Category { get; init; }

    public required CodeableConcept Code { get; init; }

    public ResourceReference? Subject { get; init; }

    public IReadOnlyList<ResourceReference>? Focus { get; init; }

    public FhirDateTime? EffectiveDateTime { get; init; }

    public Period? EffectivePeriod { get; init; }

    public DateTimeOffset? Issued { get; init; }

    public Quantity? ValueQuantity { get; init; }

    public CodeableConcept? ValueCodeableConcept { get; init; }

    public string? ValueString { get; init; }

    public CodeableConcept? DataAbsentReason { get; init; }

    public IReadOnlyList<CodeableConcept>? Interpretation { get; init; }

    public CodeableConcept? BodySite { get; init; }

    public CodeableConcept? Method { get; init; }

    public ResourceReference? Device { get; init; }

    public IReadOnlyList<ResourceReference>? DerivedFrom { get; init; }

    public IReadOnlyList<ObservationComponent>? Component { get; init; }
}

/// <summary>R4 Observation.component. At most one <c>value[x]</c> may be set.</summary>
public sealed record ObservationComponent
{
    public required CodeableConcept Code { get; init; }

    public Quantity? ValueQuantity { get; init; }

    public CodeableConcept? ValueCodeableConcept { get; init; }

    public string? ValueString { get; init; }

    public CodeableConcept? DataAbsentReason { get; init; }

    public IReadOnlyList<CodeableConcept>? Interpretation { get; init; }
}
