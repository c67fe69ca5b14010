using System.Security.Cryptography.X509Certificates;
using MedCam.Fhir.Client;
using MedCam.Worker.Configuration;
using MedCam.Worker.Export;
using MedCam.Worker.Ledger;
using MedCam.Worker.Operations;
using MedCam.Worker.Processing;
using MedCam.Worker.Receiving;
using MedCam.Worker.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace MedCam.Worker;

/// <summary>
/// Builds the <c>medcam serve</c> host: configuration (appsettings.json in the working folder, then environment
/// variables such as MEDCAM__AETITLE or MEDCAM__DESTINATIONS__0, then the flags given as <paramref name="overrides"/>),
/// the ledger, the SCP, the scheduler, the exporters, metrics and the health endpoint.
/// </summary>
public static class WorkerHost
{
    /// <param name="overrides">Configuration keys under "MedCam" set by flags (e.g. "AeTitle", "Destinations:0").</param>
    /// <param name="configureLogging">Replaces the default console logging (tests capture logs here).</param>
    /// <param name="configureServices">Last word on services, e.g. another <see cref="IStudyProcessor"/>.</param>
    public static IHost Build(
        IReadOnlyDictionary<string, string?> overrides,
        string? settingsFile = null,
        Action<ILoggingBuilder>? configureLogging = null,
        Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Configuration.AddJsonFile(Path.GetFullPath(settingsFile ?? "appsettings.json"), optional: settingsFile is null);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddInMemoryCollection(overrides.Select(o => new KeyValuePair<string, string?>($"{WorkerOptions.SectionName}:{o.Key}", o.Value)));

        var options = new WorkerOptions();
        builder.Configuration.GetSection(WorkerOptions.SectionName).Bind(options);
        options.Validate();
        Directory.CreateDirectory(options.DataFolder);

        if (configureLogging is null)
        {
            builder.Logging.AddSimpleConsole(c =>
            {
                c.SingleLine = true;
                c.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                c.UseUtcTimestamp = true;
            });
            builder.Logging.SetMinimumLevel(LogLevel.Information);
        }
        else
        {
            configureLogging(builder.Logging);
        }

        var services = builder.Services;
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ =>
        {
            var ledger = CreateLedger(options);
            ledger.Open(DateTimeOffset.UtcNow);
            return ledger;
        });
        services.AddSingleton(_ => RoutingRules.Load(ResolveRoutingFile(options)));
        services.AddSingleton<WorkerStatus>();
        services.AddSingleton<WorkerMetrics>();
        services.AddSingleton<PrometheusSnapshot>();
        services.AddSingleton<MetricReader>(sp => new BaseExportingMetricReader(sp.GetRequiredService<PrometheusSnapshot>()));
        services.AddSingleton(sp =>
        {
            _ = sp.GetRequiredService<WorkerMetrics>();
            return Sdk.CreateMeterProviderBuilder().AddMeter(WorkerMetrics.MeterName).AddReader(sp.GetRequiredService<MetricReader>()).Build();
        });
        services.AddSingleton<IStudyProcessor>(sp => new ChildProcessStudyProcessor(
            options.ProcessorCommand.Count > 0 ? options.ProcessorCommand : ChildProcessStudyProcessor.CurrentProgram(),
            options.JobTimeout,
            sp.GetRequiredService<ILogger<ChildProcessStudyProcessor>>()));
        var trusted = string.IsNullOrWhiteSpace(options.TlsTrustedCertificate) ? null : LoadCertificate(options.TlsTrustedCertificate);
        foreach (var destination in options.Destinations.Select(DicomDestination.Parse))
        {
            services.AddSingleton<IResultExporter>(sp => new DicomExporter(destination, options.AeTitle, sp.GetRequiredService<ILoggerFactory>(), trusted));
        }

        if (!string.IsNullOrWhiteSpace(options.FhirBaseUrl))
        {
            var baseUrl = new Uri(options.FhirBaseUrl);
            services.AddSingleton<IResultExporter>(_ =>
            {
#pragma warning disable CA2000 // The HttpClient lives as long as the host (singleton).
                var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
#pragma warning restore CA2000
                return new FhirExporter(new FhirClient(http, new FhirClientOptions { BaseUrl = baseUrl, BearerToken = options.FhirToken }), baseUrl);
            });
        }

        // Order matters: the ledger and meter exist first; the SCP starts before the scheduler and the health endpoint.
        services.AddHostedService(sp =>
        {
            _ = sp.GetRequiredService<MeterProvider>();
            return new DicomReceiverService(
                sp.GetRequiredService<IOptions<WorkerOptions>>(), sp.GetRequiredService<IJobLedger>(), sp.GetRequiredService<WorkerMetrics>(),
                sp.GetRequiredService<WorkerStatus>(), sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>());
        });
        services.AddHostedService<StudyWorkerService>();
        services.AddHostedService<HealthEndpoint>();
        services.Configure<HostOptions>(h => h.ShutdownTimeout = options.ShutdownGrace + TimeSpan.FromSeconds(15));
        configureServices?.Invoke(services);
        return builder.Build();
    }

    /// <summary>
    /// The ledger the options select: PostgreSQL when <see cref="WorkerOptions.LedgerConnectionString"/> is set (claims
    /// leased for <see cref="WorkerOptions.JobTimeout"/> plus a margin), else SQLite in the data folder.
    /// </summary>
    public static IJobLedger CreateLedger(WorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.LedgerConnectionString))
        {
            return new SqliteJobLedger(Path.Combine(Path.GetFullPath(options.DataFolder), "ledger.db"));
        }

        var workerId = string.IsNullOrWhiteSpace(options.WorkerId) ? $"{Environment.MachineName}:{Path.GetFullPath(options.DataFolder)}" : options.WorkerId;
        return new PostgresJobLedger(options.LedgerConnectionString, workerId, options.JobTimeout + TimeSpan.FromMinutes(5));
    }

    /// <summary>A certificate from a PEM or DER file.</summary>
    private static X509Certificate2 LoadCertificate(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var text = System.Text.Encoding.ASCII.GetString(bytes);
        return text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)
            ? X509Certificate2.CreateFromPem(text)
            : X509CertificateLoader.LoadCertificate(bytes);
    }

    /// <summary>The configured rules file, else pipelines/routing.yaml next to the program or in the working folder.</summary>
    public static string ResolveRoutingFile(WorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.RoutingFile))
        {
            return options.RoutingFile;
        }

        var candidates = new[]
        {
            Path.Combine(AppContext.BaseDirectory, "pipelines", "routing.yaml"),
            Path.Combine(Directory.GetCurrentDirectory(), "pipelines", "routing.yaml"),
        };
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"No routing rules: pass --routing or put pipelines/routing.yaml in {string.Join(" or ", candidates)}.");
    }
}
