using MedCam.Fhir.Primitives;

namespace MedCam.Fhir.Model;

/// <summary>R4 ImagingStudy. MedCam usually references the PACS's study by identifier rather than creating one.</summary>
public sealed record ImagingStudy : Resource
{
    public IReadOnlyList<Identifier>? Identifier { get; init; }

    public required ImagingStudyStatus Status { get; init; }

    public IReadOnlyList<Coding>? Modality { get; init; }

    public required ResourceReference Subject { get; init; }

    public FhirDateTime? Started { get; init; }

    public IReadOnlyList<ResourceReference>? Endpoint { get; init; }

    public uint? NumberOfSeries { get; init; }

    public uint? NumberOfInstances { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<ImagingStudySeries>? Series { get; init; }
}

/// <summary>R4 ImagingStudy.series.</summary>
public sealed record ImagingStudySeries
{
    /// <summary>The DICOM Series Instance UID (a FHIR <c>id</c>: DICOM UIDs fit its pattern).</summary>
    public required FhirId Uid { get; init; }

    public uint? Number { get; init; }

    public required Coding Modality { get; init; }

    public string? Description { get; init; }

    public uint? NumberOfInstances { get; init; }

    public IReadOnlyList<ResourceReference>? Endpoint { get; init; }

    public Coding? BodySite { get; init; }

    public IReadOnlyList<ImagingStudyInstance>? Instance { get; init; }
}

/// <summary>R4 ImagingStudy.series.instance.</summary>
public sealed record ImagingStudyInstance
{
    public required FhirId Uid { get; init; }

    /// <summary><c>{system: urn:ietf:rfc:3986, code: urn:oid:&lt;SOP Class UID&gt;}</c>.</summary>
    public required Coding SopClass { get; init; }

    public uint? Number { get; init; }

    public string? Title { get; init; }
}
