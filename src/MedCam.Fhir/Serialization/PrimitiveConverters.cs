using System.Text.Json;
using System.Text.Json.Serialization;
using MedCam.Fhir.Primitives;

namespace MedCam.Fhir.Serialization;

/// <summary>Shared shape of the converters for string-valued FHIR primitives: validate on read, refuse defaults on write.</summary>
public abstract class FhirStringPrimitiveConverter<T> : JsonConverter<T>
    where T : struct
{
    protected abstract string TypeName { get; }

    protected abstract T Create(string value);

    protected abstract string? GetValue(T value);

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"A FHIR {TypeName} must be a JSON string, found {reader.TokenType}.");
        }

        try
        {
            return Create(reader.GetString()!);
        }
        catch (FhirFormatException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var text = GetValue(value)
            ?? throw new JsonException($"An uninitialised (default) FHIR {TypeName} cannot be written.");
        writer.WriteStringValue(text);
    }
}

public sealed class FhirIdJsonConverter : FhirStringPrimitiveConverter<FhirId>
{
    protected override string TypeName => "id";

    protected override FhirId Create(string value) => new(value);

    protected override string? GetValue(FhirId value) => value.Value;
}

public sealed class FhirCodeJsonConverter : FhirStringPrimitiveConverter<FhirCode>
{
    protected override string TypeName => "code";

    protected override FhirCode Create(string value) => new(value);

    protected override string? GetValue(FhirCode value) => value.Value;
}

public sealed class FhirUriJsonConverter : FhirStringPrimitiveConverter<FhirUri>
{
    protected override string TypeName => "uri";

    protected override FhirUri Create(string value) => new(value);

    protected override string? GetValue(FhirUri value) => value.Value;
}

public sealed class FhirDateTimeJsonConverter : FhirStringPrimitiveConverter<FhirDateTime>
{
    protected override string TypeName => "dateTime";

    protected override FhirDateTime Create(string value) => new(value);

    protected override string? GetValue(FhirDateTime value) => value.Value;
}

/// <summary>FHIR <c>instant</c> as <see cref="DateTimeOffset"/> (see <see cref="FhirInstant"/>).</summary>
public sealed class FhirInstantJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"A FHIR instant must be a JSON string, found {reader.TokenType}.");
        }

        try
        {
            return FhirInstant.Parse(reader.GetString()!);
        }
        catch (FhirFormatException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(FhirInstant.Format(value));
    }
}
