using System.Net;
using MedCam.Fhir.Model;

namespace MedCam.Fhir.Client;

/// <summary>A delivered transaction: the server's status, its transaction-response Bundle (when it sent one) and
/// how many attempts delivery took.</summary>
public sealed record FhirTransactionResult(HttpStatusCode StatusCode, Bundle? Response, int Attempts);
