using MedCam.Fhir.Primitives;

namespace MedCam.Fhir.Model;

/// <summary>R4 DiagnosticReport. In R4 <c>performer</c> cannot point to a Device: the algorithm is named in
/// Observation.device and Provenance.</summary>
public sealed record DiagnosticReport : Resource
{
    public IReadOnlyList<Identifier>? Identifier { get; init; }

    public IReadOnlyList<ResourceReference>? BasedOn { get; init; }

    public required DiagnosticReportStatus Status { get; init; }

    public IReadOnlyList<CodeableConcept>? Category { get; init; }

    public required CodeableConcept Code { get; init; }

    public ResourceReference? Subject { get; init; }

    public FhirDateTime? EffectiveDateTime { get; init; }

    public Period? EffectivePeriod { get; init; }

    public DateTimeOffset? Issued { get; init; }

    public IReadOnlyList<ResourceReference>? Performer { get; init; }

    public IReadOnlyList<ResourceReference>? ResultsInterpreter { get; init; }

    public IReadOnlyList<ResourceReference>? Result { get; init; }

    public IReadOnlyList<ResourceReference>? ImagingStudy { get; init; }

    public IReadOnlyList<DiagnosticReportMedia>? Media { get; init; }

    public string? Conclusion { get; init; }

    public IReadOnlyList<CodeableConcept>? ConclusionCode { get; init; }

    public IReadOnlyList<Attachment>? PresentedForm { get; init; }
}

/// <summary>R4 DiagnosticReport.media: a key image with an optional comment.</summary>
public sealed record DiagnosticReportMedia
{
    public string? Comment { get; init; }

    public required ResourceReference Link { get; init; }
}
