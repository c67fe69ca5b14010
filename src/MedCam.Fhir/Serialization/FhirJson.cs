using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MedCam.Fhir.Model;

namespace MedCam.Fhir.Serialization;

/// <summary>
/// FHIR R4 JSON for the MedCam records: <c>resourceType</c> first, no nulls, no empty arrays, primitives in their
/// R4 lexical forms. Writing runs <see cref="FhirRules"/> and refuses a resource that breaks them.
/// </summary>
public static class FhirJson
{
    private static readonly JsonSerializerOptions Compact = CreateOptions(indented: false);
    private static readonly JsonSerializerOptions Indented = CreateOptions(indented: true);

    /// <summary>Media type for FHIR JSON (R4 http.html#mime).</summary>
    public const string MediaType = "application/fhir+json";

    public static byte[] SerializeToUtf8Bytes(Resource resource, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var problems = new List<string>(FhirRules.Check(resource));
        var options = indented ? Indented : Compact;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(resource, (JsonTypeInfo<Resource>)options.GetTypeInfo(typeof(Resource)));
        using (var document = JsonDocument.Parse(bytes))
        {
            problems.AddRange(FhirRules.FindEmptyElements(document.RootElement));
        }

        return problems.Count == 0 ? bytes : throw new FhirValidationException(problems);
    }

    public static string Serialize(Resource resource, bool indented = false) =>
        System.Text.Encoding.UTF8.GetString(SerializeToUtf8Bytes(resource, indented));

    /// <summary>Reads any supported resource; <c>resourceType</c> picks the record type.</summary>
    /// <exception cref="JsonException">The JSON is malformed, of an unsupported resource type, or has invalid primitives.</exception>
    public static Resource Deserialize(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, (JsonTypeInfo<Resource>)Compact.GetTypeInfo(typeof(Resource)))
        ?? throw new JsonException("FHIR JSON was the literal null, not a resource.");

    public static Resource Deserialize(string json) =>
        Deserialize(System.Text.Encoding.UTF8.GetBytes(json ?? throw new ArgumentNullException(nameof(json))));

    public static T Deserialize<T>(ReadOnlySpan<byte> utf8Json)
        where T : Resource
    {
        var resource = Deserialize(utf8Json);
        return resource as T ?? throw new JsonException(
            $"Expected a FHIR {typeof(T).Name} but the JSON holds a {resource.ResourceType}.");
    }

    public static T Deserialize<T>(string json)
        where T : Resource =>
        Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(json ?? throw new ArgumentNullException(nameof(json))));

    private static JsonSerializerOptions CreateOptions(bool indented)
    {
        var options = new JsonSerializerOptions(FhirJsonContext.Default.Options)
        {
            WriteIndented = indented,
            TypeInfoResolver = FhirJsonContext.Default.WithAddedModifier(LeaveOutEmptyCollections),
        };
        options.MakeReadOnly();
        return options;
    }

    // FHIR forbids empty arrays; an unset list and an empty list mean the same thing, so neither is written.
    private static void LeaveOutEmptyCollections(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in typeInfo.Properties)
        {
            if (property.PropertyType != typeof(string) && property.PropertyType != typeof(byte[])
                && typeof(IEnumerable).IsAssignableFrom(property.PropertyType))
            {
                property.ShouldSerialize = static (_, value) => value is IEnumerable items && HasAny(items);
            }
        }
    }

    private static bool HasAny(IEnumerable items)
    {
        var enumerator = items.GetEnumerator();
        try
        {
            return enumerator.MoveNext();
        }
        finally
        {
            (enumerator as IDisposable)?.Dispose();
        }
    }
}
