using System.Text.Json.Serialization;
using MedCam.Fhir.Model;

namespace MedCam.Fhir.Serialization;

/// <summary>Source-generated System.Text.Json metadata for the FHIR records (camelCase, nulls left out).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true,
    Converters = [typeof(FhirInstantJsonConverter)])]
[JsonSerializable(typeof(Resource))]
[JsonSerializable(typeof(Bundle))]
[JsonSerializable(typeof(OperationOutcome))]
public sealed partial class FhirJsonContext : JsonSerializerContext;
