using MedCam.Fhir.Primitives;

namespace MedCam.Fhir.Model;

/// <summary>R4 Attachment: content inline (<see cref="Data"/>, base64 in JSON) or by <see cref="Url"/>.</summary>
public sealed record Attachment
{
    public FhirCode? ContentType { get; init; }

    public FhirCode? Language { get; init; }

    public byte[]? Data { get; init; }

    public FhirUri? Url { get; init; }

    public uint? Size { get; init; }

    public byte[]? Hash { get; init; }

    public string? Title { get; init; }

    public FhirDateTime? Creation { get; init; }
}
