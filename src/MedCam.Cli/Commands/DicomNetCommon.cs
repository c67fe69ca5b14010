using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using MedCam.Dicom.Network.Client;
using MedCam.Dicom.Network.Security;
using Microsoft.Extensions.Logging;

namespace MedCam.Cli.Commands;

/// <summary>Options and console logging shared by <c>medcam dicom echo|send|listen</c>.</summary>
internal static class DicomNetCommon
{
    public static Option<string> CallingAe() => new("--aet") { Description = "Our (calling) AE title.", DefaultValueFactory = _ => "MEDCAM" };

    public static Option<string> CalledAe() => new("--aec") { Description = "The peer's (called) AE title.", DefaultValueFactory = _ => "ANY-SCP" };

    public static Option<bool> Tls() => new("--tls") { Description = "Use DICOM TLS." };

    public static Option<FileInfo?> TlsTrust() => new("--tls-trust") { Description = "PEM/DER certificate of the peer to trust (pinning), e.g. a self-signed PACS certificate." };

    public static Option<bool> Verbose() => new("--verbose", "-v") { Description = "Log association details to stderr." };

    public static DicomTlsClientOptions? ClientTls(bool tls, FileInfo? trust, string host) => tls
        ? new DicomTlsClientOptions
        {
            TargetHost = host,
            TrustedServerCertificate = trust is null ? null : X509CertificateLoader.LoadCertificateFromFile(trust.FullName),
        }
        : null;

    public static ILoggerFactory Logging(bool verbose) => new ConsoleLoggerFactory(verbose ? LogLevel.Debug : LogLevel.Warning);

    public static bool ValidAe(string value, string option, out string error)
    {
        try
        {
            MedCam.Dicom.Network.Server.DicomServerBuilder.ValidateAeTitle(value);
            error = string.Empty;
            return true;
        }
        catch (ArgumentException ex)
        {
            error = $"{option}: {ex.Message}";
            return false;
        }
    }

    public static DicomClientOptions ClientOptions(string host, int port, string aet, string aec, DicomTlsClientOptions? tls, int retries) => new()
    {
        Host = host,
        Port = port,
        CallingAeTitle = aet,
        CalledAeTitle = aec,
        Tls = tls,
        Retry = new DicomRetryOptions { MaxRetryAttempts = retries },
    };

    /// <summary>Writes log lines to stderr; messages carry UIDs and AE titles only, never patient data.</summary>
    private sealed class ConsoleLoggerFactory(LogLevel minimum) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new ConsoleLogger(minimum, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }

    private sealed class ConsoleLogger(LogLevel minimum, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Console.Error.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {logLevel.ToString()[..4].ToUpperInvariant()} {category}: {formatter(state, exception)}");
            }
        }
    }
}
