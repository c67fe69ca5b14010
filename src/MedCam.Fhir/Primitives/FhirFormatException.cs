namespace MedCam.Fhir.Primitives;

/// <summary>A value does not have the lexical form its FHIR primitive type requires (R4 §2.1.28 "Primitive Types").</summary>
public sealed class FhirFormatException : FormatException
{
    public FhirFormatException()
    {
    }

    public FhirFormatException(string message)
        : base(message)
    {
    }

    public FhirFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static FhirFormatException For(string type, string? value, string rule) =>
        new($"'{value}' is not a valid FHIR {type}: {rule}.");
}
