using System.Text.Json.Serialization;

namespace MedCam.Fhir.Serialization;

/// <summary>A required-binding code as a C# enum: written and read as its FHIR code; a JSON number is refused
/// (System.Text.Json's enum converter would accept one, FHIR never does).</summary>
public sealed class FhirCodeEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(namingPolicy: null, allowIntegerValues: false)
    where TEnum : struct, Enum;
