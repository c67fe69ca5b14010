namespace MedCam.Worker.Configuration;

/// <summary>
/// Everything <c>medcam serve</c> is configured with; bound from the "MedCam" section of appsettings.json, from
/// MEDCAM__* environment variables and from command-line flags (in that order of precedence, flags last).
/// </summary>
public sealed class WorkerOptions
{
    public const string SectionName = "MedCam";

    /// <summary>Our AE title.</summary>
    public string AeTitle { get; set; } = "MEDCAM";

    /// <summary>DICOM port; 0 picks a free one (logged and shown by /health).</summary>
    public int Port { get; set; } = 11112;

    /// <summary>Address the SCP listens on.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>Calling AE titles allowed to send; empty allows any (not recommended next to a PACS).</summary>
    public List<string> AllowedCallers { get; set; } = [];

    /// <summary>Serve DICOM TLS with this PKCS#12 certificate; empty for plain TCP.</summary>
    public string? TlsCertificate { get; set; }

    public string? TlsCertificatePassword { get; set; }

    /// <summary>
    /// Certificate (PEM or DER) of the TLS destinations ("?tls"), trusted besides the platform's CAs: a site's
    /// self-signed PACS certificate. Empty: only the platform's trusted CAs.
    /// </summary>
    public string? TlsTrustedCertificate { get; set; }

    /// <summary>Where results go: "AE@host:port" (TLS destinations: "AE@host:port?tls").</summary>
    public List<string> Destinations { get; set; } = [];

    /// <summary>FHIR R4 base URL for the report bundle; empty disables FHIR export.</summary>
    public string? FhirBaseUrl { get; set; }

    /// <summary>Bearer token for the FHIR server (prefer the MEDCAM__FHIRTOKEN environment variable over a flag).</summary>
    public string? FhirToken { get; set; }

    /// <summary>Routing rules file (YAML); the packaged pipelines/routing.yaml when empty.</summary>
    public string? RoutingFile { get; set; }

    /// <summary>
    /// PostgreSQL connection string (Npgsql syntax) of a ledger shared by several workers; empty for the embedded
    /// SQLite ledger (ledger.db in <see cref="DataFolder"/>). Prefer the MEDCAM__LEDGERCONNECTIONSTRING variable.
    /// </summary>
    public string? LedgerConnectionString { get; set; }

    /// <summary>
    /// This worker's identity in a shared ledger (it owns the studies it claims); the same after a restart. Default:
    /// host name and full data folder.
    /// </summary>
    public string? WorkerId { get; set; }

    /// <summary>Folder for received instances, outputs and the ledger.</summary>
    public string DataFolder { get; set; } = "medcam-data";

    /// <summary>A study is complete when no instance arrived for this long.</summary>
    public TimeSpan QuietTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Quiet time per calling AE title (a modality that pauses between series needs more).</summary>
    public Dictionary<string, TimeSpan> QuietTimePerCaller { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Below this many free bytes on the data volume C-STORE is refused with 0xA700.</summary>
    public long MinimumFreeBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>
    /// Size of the receive journal made at start-up (MiB): a burst this big is acknowledged at the journal's speed
    /// and its files written from the journal once the sender pauses.
    /// </summary>
    public long JournalMegabytes { get; set; } = 512;

    /// <summary>Attempts of one study (processing or export) before it is quarantined.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>First retry delay; doubles per attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A processing job running longer than this is killed and counted as a failed attempt.</summary>
    public TimeSpan JobTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>Studies processed at once (each in its own child process).</summary>
    public int MaxParallelJobs { get; set; } = 1;

    /// <summary>Loopback HTTP port for /health and /metrics; 0 picks a free one, -1 disables.</summary>
    public int HealthPort { get; set; } = 8081;

    /// <summary>
    /// The command that runs one job out of process: the executable and the arguments before the job file. Empty:
    /// this very <c>medcam</c> (same executable, or <c>dotnet medcam.dll</c>) with <c>serve run-job</c>.
    /// </summary>
    public List<string> ProcessorCommand { get; set; } = [];

    /// <summary>Time the worker gives a running job on shutdown before abandoning it (it is resumed on restart).</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often the scheduler looks for studies whose quiet time has passed.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan QuietTimeFor(string callingAeTitle) =>
        QuietTimePerCaller.TryGetValue(callingAeTitle, out var quiet) ? quiet : QuietTime;

    /// <summary>Checks the values and throws naming the first wrong one.</summary>
    public void Validate()
    {
        MedCam.Dicom.Network.Server.DicomServerBuilder.ValidateAeTitle(AeTitle);
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException($"Port {Port} is not a TCP port (0-65535).");
        }

        if (HealthPort is < -1 or > 65535)
        {
            throw new ArgumentException($"HealthPort {HealthPort} is not a TCP port (0-65535, or -1 to disable).");
        }

        if (JournalMegabytes < 8)
        {
            throw new ArgumentException($"JournalMegabytes {JournalMegabytes} is below the minimum of 8.");
        }

        foreach (var caller in AllowedCallers)
        {
            MedCam.Dicom.Network.Server.DicomServerBuilder.ValidateAeTitle(caller);
        }

        foreach (var destination in Destinations)
        {
            _ = DicomDestination.Parse(destination);
        }

        if (!string.IsNullOrWhiteSpace(FhirBaseUrl) && !Uri.TryCreate(FhirBaseUrl, UriKind.Absolute, out _))
        {
            throw new ArgumentException($"FhirBaseUrl '{FhirBaseUrl}' is not an absolute URL.");
        }

        if (QuietTime < TimeSpan.Zero || MaxAttempts < 1 || MaxParallelJobs < 1)
        {
            throw new ArgumentException("QuietTime must be >= 0, MaxAttempts >= 1 and MaxParallelJobs >= 1.");
        }

        if (string.IsNullOrWhiteSpace(DataFolder))
        {
            throw new ArgumentException("DataFolder is empty.");
        }
    }
}
