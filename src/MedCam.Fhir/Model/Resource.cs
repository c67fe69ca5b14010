using System.Text.Json.Serialization;
using MedCam.Fhir.Primitives;

namespace MedCam.Fhir.Model;

/// <summary>
/// R4 Resource. <c>resourceType</c> is the JSON type discriminator, so System.Text.Json writes it first and picks the
/// record type when reading (out-of-order <c>resourceType</c> is accepted on read, see <c>FhirJson</c>).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "resourceType",
    UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(Bundle), nameof(Bundle))]
[JsonDerivedType(typeof(DiagnosticReport), nameof(DiagnosticReport))]
[JsonDerivedType(typeof(Observation), nameof(Observation))]
[JsonDerivedType(typeof(Device), nameof(Device))]
[JsonDerivedType(typeof(Media), nameof(Media))]
[JsonDerivedType(typeof(ImagingStudy), nameof(ImagingStudy))]
[JsonDerivedType(typeof(Provenance), nameof(Provenance))]
[JsonDerivedType(typeof(OperationOutcome), nameof(OperationOutcome))]
public abstract record Resource
{
    /// <summary>The FHIR resource type; every record is named after the R4 resource it models.</summary>
    [JsonIgnore]
    public string ResourceType => GetType().Name;

    [JsonPropertyOrder(-3)]
    public FhirId? Id { get; init; }

    [JsonPropertyOrder(-2)]
    public Meta? Meta { get; init; }

    [JsonPropertyOrder(-1)]
    public FhirUri? ImplicitRules { get; init; }
}
