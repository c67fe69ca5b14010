using MedCam.Fhir.Primitives;

namespace MedCam.Fhir.Model;

/// <summary>R4 Period.</summary>
public sealed record Period
{
    public FhirDateTime? Start { get; init; }

    public FhirDateTime? End { get; init; }
}
