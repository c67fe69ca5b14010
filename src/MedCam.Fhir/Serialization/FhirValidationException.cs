namespace MedCam.Fhir.Serialization;

/// <summary>A resource breaks a FHIR rule that the types alone cannot express; <see cref="Problems"/> names each one.</summary>
public sealed class FhirValidationException : Exception
{
    public FhirValidationException()
        : this([])
    {
    }

    public FhirValidationException(string message)
        : base(message)
    {
        Problems = [message];
    }

    public FhirValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    public FhirValidationException(IReadOnlyList<string> problems)
        : base("Invalid FHIR resource: " + string.Join("; ", problems))
    {
        Problems = problems;
    }

    public IReadOnlyList<string> Problems { get; }
}
