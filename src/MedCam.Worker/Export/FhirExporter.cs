using MedCam.Fhir.Client;
using MedCam.Fhir.Model;
using MedCam.Fhir.Serialization;
using MedCam.Worker.Processing;

namespace MedCam.Worker.Export;

/// <summary>
/// Posts a study's FHIR transaction bundle (conditional creates: a resend creates nothing new) through
/// <see cref="FhirClient"/>, which retries 5xx/429/timeouts with backoff inside one attempt.
/// </summary>
public sealed class FhirExporter : IResultExporter
{
    private readonly IFhirTransactionClient client;

    public FhirExporter(IFhirTransactionClient client, Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        this.client = client;
        Target = "fhir:" + baseUrl.GetLeftPart(UriPartial.Path);
    }

    public string Target { get; }

    public bool Applies(StudyProcessingResult result) => result?.FhirBundle is not null;

    public async Task ExportAsync(string studyKey, StudyProcessingResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var bundle = FhirJson.Deserialize<Bundle>(await File.ReadAllBytesAsync(result.FhirBundle!, cancellationToken).ConfigureAwait(false));
        try
        {
            await client.PostTransactionAsync(bundle, cancellationToken).ConfigureAwait(false);
        }
        catch (FhirServerException ex)
        {
            throw new ExportException($"{Target} answered {(int)ex.StatusCode} after {ex.Attempts} attempts.", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException)
        {
            throw new ExportException($"{Target} unreachable: {ex.Message}", ex);
        }
    }
}
