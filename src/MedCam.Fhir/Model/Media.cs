using MedCam.Fhir.Primitives;

namespace MedCam.Fhir.Model;

/// <summary>R4 Media: one image (a heatmap Secondary Capture, or a rendered PNG).</summary>
public sealed record Media : Resource
{
    public IReadOnlyList<Identifier>? Identifier { get; init; }

    public IReadOnlyList<ResourceReference>? BasedOn { get; init; }

    public IReadOnlyList<ResourceReference>? PartOf { get; init; }

    public required MediaStatus Status { get; init; }

    public CodeableConcept? Type { get; init; }

    public CodeableConcept? Modality { get; init; }

    public CodeableConcept? View { get; init; }

    public ResourceReference? Subject { get; init; }

    public FhirDateTime? CreatedDateTime { get; init; }

    public DateTimeOffset? Issued { get; init; }

    public IReadOnlyList<CodeableConcept>? ReasonCode { get; init; }

    public CodeableConcept? BodySite { get; init; }

    public string? DeviceName { get; init; }

    public ResourceReference? Device { get; init; }

    public uint? Height { get; init; }

    public uint? Width { get; init; }

    public uint? Frames { get; init; }

    public required Attachment Content { get; init; }
}
