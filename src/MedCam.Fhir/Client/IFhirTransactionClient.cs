using MedCam.Fhir.Model;

namespace MedCam.Fhir.Client;

/// <summary>Posts transaction Bundles to a FHIR server.</summary>
public interface IFhirTransactionClient
{
    /// <exception cref="FhirServerException">The server refused the Bundle; the message holds its OperationOutcome.</exception>
    /// <exception cref="TimeoutException">No attempt got an answer in time.</exception>
    /// <exception cref="HttpRequestException">The server could not be reached on any attempt.</exception>
    Task<FhirTransactionResult> PostTransactionAsync(Bundle bundle, CancellationToken cancellationToken = default);
}
