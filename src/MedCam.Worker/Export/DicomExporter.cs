using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MedCam.Dicom.Network;
using MedCam.Dicom.Network.Client;
using MedCam.Dicom.Network.Security;
using MedCam.Worker.Configuration;
using MedCam.Worker.Processing;
using Microsoft.Extensions.Logging;

namespace MedCam.Worker.Export;

/// <summary>C-STORE SCU of a study's DICOM outputs to one destination (retries inside one attempt by the client).</summary>
public sealed class DicomExporter : IResultExporter
{
    private readonly DicomDestination destination;
    private readonly DicomClient client;

    /// <param name="trustedCertificate">For a TLS destination: its certificate, trusted besides the platform's CAs (a site's self-signed PACS).</param>
    public DicomExporter(DicomDestination destination, string callingAeTitle, ILoggerFactory? loggerFactory = null, X509Certificate2? trustedCertificate = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        this.destination = destination;
        client = new DicomClient(
            new DicomClientOptions
            {
                Host = destination.Host,
                Port = destination.Port,
                CallingAeTitle = callingAeTitle,
                CalledAeTitle = destination.AeTitle,
                Tls = destination.Tls ? new DicomTlsClientOptions { TargetHost = destination.Host, TrustedServerCertificate = trustedCertificate } : null,
                Retry = new DicomRetryOptions { MaxRetryAttempts = 2, Delay = TimeSpan.FromMilliseconds(500) },
            },
            loggerFactory);
    }

    public string Target => destination.Name;

    public bool Applies(StudyProcessingResult result) => result?.DicomFiles.Count > 0;

    public async Task ExportAsync(string studyKey, StudyProcessingResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        IReadOnlyList<StoreResult> stored;
        try
        {
            stored = await client.StoreFilesAsync(result.DicomFiles, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTlsTrustFailure(ex))
        {
            throw new ExportException($"{destination.Name}: TLS handshake failed, the destination's certificate is not trusted (set TlsTrustedCertificate): {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is DicomNetworkException or IOException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new ExportException($"{destination.Name} unreachable: {ex.Message}", ex);
        }

        var failed = stored.Where(s => !s.Succeeded).ToList();
        if (failed.Count > 0)
        {
            throw new ExportException(
                $"{destination.Name} refused {failed.Count} of {stored.Count} instances (first: {failed[0].Status?.ToString() ?? failed[0].Error}).");
        }
    }

    /// <summary>The TLS handshake failed (the client wraps it in a network exception).</summary>
    private static bool IsTlsTrustFailure(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }
}
