using System.Net;
using MedCam.Fhir.Model;

namespace MedCam.Fhir.Client;

/// <summary>The FHIR server refused the request (4xx, or 5xx/429 after all retries); carries its OperationOutcome.</summary>
public sealed class FhirServerException : Exception
{
    public FhirServerException()
    {
    }

    public FhirServerException(string message)
        : base(message)
    {
    }

    public FhirServerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FhirServerException(HttpStatusCode statusCode, OperationOutcome? outcome, string? body, int attempts)
        : base(Describe(statusCode, outcome, body, attempts))
    {
        StatusCode = statusCode;
        Outcome = outcome;
        Attempts = attempts;
    }

    public HttpStatusCode StatusCode { get; }

    /// <summary>The server's OperationOutcome when it sent one.</summary>
    public OperationOutcome? Outcome { get; }

    public int Attempts { get; }

    private static string Describe(HttpStatusCode statusCode, OperationOutcome? outcome, string? body, int attempts)
    {
        var head = $"FHIR server answered {(int)statusCode} {statusCode}" +
            (attempts > 1 ? $" after {attempts} attempts" : string.Empty);
        if (outcome is not null)
        {
            return head + ": " + outcome.Describe();
        }

        if (string.IsNullOrWhiteSpace(body))
        {
            return head + " with no OperationOutcome.";
        }

        const int Shown = 500;
        var text = body.Length > Shown ? body[..Shown] + "…" : body;
        return head + " with no OperationOutcome; body: " + text;
    }
}
