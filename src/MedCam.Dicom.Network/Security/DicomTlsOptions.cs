using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace MedCam.Dicom.Network.Security;

/// <summary>DICOM TLS on the acceptor side (PS3.15 B.1: the TLS secure transport connection profile).</summary>
public sealed record DicomTlsServerOptions
{
    /// <summary>Server certificate with its private key.</summary>
    public required X509Certificate2 Certificate { get; init; }

    /// <summary>Ask for and require a client certificate (mutual TLS).</summary>
    public bool RequireClientCertificate { get; init; }

    /// <summary>Validates client certificates; null uses the platform's chain validation.</summary>
    public RemoteCertificateValidationCallback? ClientCertificateValidation { get; init; }

    /// <summary>None lets the platform choose (TLS 1.2 and 1.3 here).</summary>
    public SslProtocols EnabledProtocols { get; init; } = SslProtocols.None;
}

/// <summary>DICOM TLS on the requestor side.</summary>
public sealed record DicomTlsClientOptions
{
    /// <summary>Name checked against the server certificate; defaults to the host the client connects to.</summary>
    public string? TargetHost { get; init; }

    public X509CertificateCollection? ClientCertificates { get; init; }

    /// <summary>
    /// Trust exactly this certificate (pinning), e.g. a site's self-signed PACS certificate; chain and name errors are
    /// then ignored only when the presented certificate is this one.
    /// </summary>
    public X509Certificate2? TrustedServerCertificate { get; init; }

    /// <summary>Custom validation; takes precedence over <see cref="TrustedServerCertificate"/>.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }

    public SslProtocols EnabledProtocols { get; init; } = SslProtocols.None;

    internal RemoteCertificateValidationCallback? BuildValidation()
    {
        if (ServerCertificateValidation is not null)
        {
            return ServerCertificateValidation;
        }

        if (TrustedServerCertificate is not { } pinned)
        {
            return null;
        }

        return (_, certificate, _, errors) => errors == SslPolicyErrors.None
            || (certificate is not null && certificate.GetCertHashString() == pinned.GetCertHashString());
    }
}
