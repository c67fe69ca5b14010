using System.Net;
using System.Security.Cryptography.X509Certificates;
using MedCam.Dicom.Network.Association;
using MedCam.Dicom.Network.Security;
using Microsoft.Extensions.Logging;

namespace MedCam.Dicom.Network.Server;

/// <summary>
/// Fluent construction of a <see cref="DicomServer"/>:
/// <code>
/// await using var scp = new DicomServerBuilder().ListenOn(IPAddress.Any, 11112).WithAeTitle("MEDCAM")
///     .AllowCallingAeTitles("PACS").UseStore(new DicomFileStore(new DicomFileStoreOptions { Root = dir })).Build();
/// await scp.StartAsync(ct);
/// </code>
/// </summary>
public sealed class DicomServerBuilder
{
    private DicomServerOptions options = new();
    private DicomServiceProviders providers = new();
    private ILoggerFactory? loggerFactory;

    public DicomServerBuilder ListenOn(IPAddress address, int port)
    {
        options = options with { BindAddress = address, Port = port };
        return this;
    }

    public DicomServerBuilder WithAeTitle(string aeTitle, bool requireCalledAeTitle = true)
    {
        options = options with { AeTitle = ValidateAeTitle(aeTitle), RequireCalledAeTitle = requireCalledAeTitle };
        return this;
    }

    public DicomServerBuilder AllowCallingAeTitles(params string[] aeTitles)
    {
        options = options with { AllowedCallingAeTitles = aeTitles.Select(ValidateAeTitle).ToHashSet(StringComparer.Ordinal) };
        return this;
    }

    public DicomServerBuilder AllowHosts(params IPNetwork[] networks)
    {
        options = options with { AllowedHosts = networks };
        return this;
    }

    public DicomServerBuilder WithMaxAssociations(int maxAssociations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAssociations, 1);
        options = options with { MaxAssociations = maxAssociations };
        return this;
    }

    public DicomServerBuilder WithMaxPduLength(uint maxPduLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPduLength, 1024u);
        options = options with { MaxPduLength = maxPduLength };
        return this;
    }

    public DicomServerBuilder PreferTransferSyntaxes(params string[] transferSyntaxUids)
    {
        options = options with { PreferredTransferSyntaxes = transferSyntaxUids };
        return this;
    }

    public DicomServerBuilder AcceptTransferSyntaxes(Func<string, bool> predicate)
    {
        options = options with { AcceptTransferSyntax = predicate };
        return this;
    }

    public DicomServerBuilder AcceptStorageSopClasses(Func<string, bool> predicate)
    {
        options = options with { AcceptStorageSopClass = predicate };
        return this;
    }

    public DicomServerBuilder WithTimeouts(AssociationTimeouts timeouts)
    {
        options = options with { Timeouts = timeouts };
        return this;
    }

    public DicomServerBuilder WithTls(X509Certificate2 certificate, bool requireClientCertificate = false)
    {
        options = options with { Tls = new DicomTlsServerOptions { Certificate = certificate, RequireClientCertificate = requireClientCertificate } };
        return this;
    }

    public DicomServerBuilder WithTls(DicomTlsServerOptions tls)
    {
        options = options with { Tls = tls };
        return this;
    }

    /// <summary>Replaces every option at once (e.g. bound from configuration).</summary>
    public DicomServerBuilder WithOptions(DicomServerOptions serverOptions)
    {
        options = serverOptions;
        return this;
    }

    public DicomServerBuilder UseEcho(ICEchoProvider? provider)
    {
        providers = providers with { Echo = provider };
        return this;
    }

    public DicomServerBuilder UseStore(ICStoreProvider provider)
    {
        providers = providers with { Store = provider };
        return this;
    }

    public DicomServerBuilder UseObserver(IAssociationObserver observer)
    {
        providers = providers with { Observer = observer };
        return this;
    }

    public DicomServerBuilder WithLogging(ILoggerFactory factory)
    {
        loggerFactory = factory;
        return this;
    }

    public DicomServer Build() => new(options, providers, loggerFactory);

    /// <summary>AE titles: 1-16 characters of the default repertoire, no backslash or control characters (PS3.5 6.2).</summary>
    public static string ValidateAeTitle(string aeTitle)
    {
        ArgumentNullException.ThrowIfNull(aeTitle);
        var trimmed = aeTitle.Trim();
        if (trimmed.Length is 0 or > 16 || trimmed.Any(c => c < 0x20 || c > 0x7E || c == '\\'))
        {
            throw new ArgumentException($"'{aeTitle}' is not a valid AE title (1-16 printable ASCII characters, no backslash).", nameof(aeTitle));
        }

        return trimmed;
    }
}
