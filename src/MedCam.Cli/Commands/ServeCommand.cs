using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using MedCam.Worker;
using MedCam.Worker.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MedCam.Cli.Commands;

/// <summary>
/// <c>medcam serve</c>: the PACS-routed worker (see docs/worker.md). Flags override appsettings.json and MEDCAM__*
/// environment variables; a flag left out keeps their value. <c>medcam serve run-job job.json</c> (hidden) is the
/// child process each study runs in.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var aet = new Option<string?>("--aet") { Description = "Our AE title (default MEDCAM)." };
        var port = new Option<int?>("--port") { Description = "DICOM port (default 11112; 0 picks a free one)." };
        var destination = new Option<string[]>("--destination") { Description = "Where results go, AE@host:port (repeatable; append ?tls for DICOM TLS).", AllowMultipleArgumentsPerToken = true };
        var fhir = new Option<string?>("--fhir") { Description = "FHIR R4 base URL for the report bundle (token: MEDCAM__FHIRTOKEN)." };
        var data = new Option<string?>("--data") { Description = "Data folder: received studies, outputs, ledger.db (default ./medcam-data)." };
        var routing = new Option<string?>("--routing") { Description = "Routing rules YAML (default pipelines/routing.yaml)." };
        var allow = new Option<string[]>("--allow-aet") { Description = "Calling AE titles allowed to send (default: any).", AllowMultipleArgumentsPerToken = true };
        var quiet = new Option<double?>("--quiet-seconds") { Description = "A study is complete after this many seconds without a new instance (default 30)." };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "PKCS#12 (.pfx) certificate: serve DICOM TLS." };
        var tlsPassword = new Option<string?>("--tls-password") { Description = "Password of the .pfx (prefer MEDCAM__TLSCERTIFICATEPASSWORD)." };
        var tlsTrust = new Option<string?>("--tls-trust") { Description = "Certificate (PEM/DER) of the TLS destinations to trust besides the platform's CAs." };
        var health = new Option<int?>("--health-port") { Description = "Loopback port of /health and /metrics (default 8081; 0 free; -1 off)." };
        var minFree = new Option<long?>("--min-free-mb") { Description = "Refuse C-STORE (0xA700) below this much free disk (default 512)." };
        var journal = new Option<long?>("--journal-mb") { Description = "Receive journal made at start-up (MiB, default 512): a burst this big is acknowledged at the journal's speed." };
        var parallel = new Option<int?>("--max-parallel") { Description = "Studies processed at once (default 1)." };
        var settings = new Option<string?>("--settings") { Description = "appsettings.json to read (default ./appsettings.json if present)." };
        var logFormat = new Option<string>("--log-format") { Description = "Log lines: simple or json.", DefaultValueFactory = _ => "simple" };
        var verbose = new Option<bool>("--verbose") { Description = "Debug-level logs." };

        var command = new Command("serve", "Run the PACS-routed worker: receive studies (C-STORE SCP), explain them, send results to the PACS and the FHIR server.");
        foreach (var option in new Option[] { aet, port, destination, fhir, data, routing, allow, quiet, tlsCert, tlsPassword, tlsTrust, health, minFree, journal, parallel, settings, logFormat, verbose })
        {
            command.Options.Add(option);
        }

        command.Subcommands.Add(ServeRunJobCommand.Create());
        command.SetAction(async (parse, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>(StringComparer.Ordinal);
            void Set(string key, string? value)
            {
                if (value is not null)
                {
                    overrides[key] = value;
                }
            }

            void SetList(string key, string[]? values)
            {
                for (var i = 0; values is not null && i < values.Length; i++)
                {
                    overrides[string.Create(CultureInfo.InvariantCulture, $"{key}:{i}")] = values[i];
                }
            }

            Set("AeTitle", parse.GetValue(aet));
            Set("Port", parse.GetValue(port)?.ToString(CultureInfo.InvariantCulture));
            SetList("Destinations", parse.GetValue(destination));
            Set("FhirBaseUrl", parse.GetValue(fhir));
            Set("DataFolder", parse.GetValue(data));
            Set("RoutingFile", parse.GetValue(routing));
            SetList("AllowedCallers", parse.GetValue(allow));
            Set("QuietTime", parse.GetValue(quiet) is { } q ? TimeSpan.FromSeconds(q).ToString("c", CultureInfo.InvariantCulture) : null);
            Set("TlsCertificate", parse.GetValue(tlsCert));
            Set("TlsCertificatePassword", parse.GetValue(tlsPassword));
            Set("TlsTrustedCertificate", parse.GetValue(tlsTrust));
            Set("HealthPort", parse.GetValue(health)?.ToString(CultureInfo.InvariantCulture));
            Set("MinimumFreeBytes", parse.GetValue(minFree) is { } mb ? (mb * 1024 * 1024).ToString(CultureInfo.InvariantCulture) : null);
            Set("JournalMegabytes", parse.GetValue(journal)?.ToString(CultureInfo.InvariantCulture));
            Set("MaxParallelJobs", parse.GetValue(parallel)?.ToString(CultureInfo.InvariantCulture));
            var json = string.Equals(parse.GetValue(logFormat), "json", StringComparison.OrdinalIgnoreCase);
            var level = parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Information;

            IHost host;
            try
            {
                host = WorkerHost.Build(overrides, parse.GetValue(settings), logging =>
                {
                    if (json)
                    {
                        logging.AddJsonConsole(c => c.UseUtcTimestamp = true);
                    }
                    else
                    {
                        logging.AddSimpleConsole(c =>
                        {
                            c.SingleLine = true;
                            c.UseUtcTimestamp = true;
                            c.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                        });
                    }

                    logging.SetMinimumLevel(level);
                });
            }
            catch (Exception error) when (error is ArgumentException or IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"medcam serve: {error.Message}");
                return 2;
            }

            // SIGTERM (docker stop, systemd) and SIGINT stop the host gracefully: the job in flight gets its grace period.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
            {
                c.Cancel = true;
                stop.Cancel();
            });
            using (host)
            {
                try
                {
                    await host.StartAsync(stop.Token).ConfigureAwait(false);
                }
                catch (Exception error) when (error is IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException or System.Net.HttpListenerException)
                {
                    Console.Error.WriteLine($"medcam serve: cannot start: {error.Message}");
                    return 2;
                }

                var status = host.Services.GetRequiredService<WorkerStatus>();
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"medcam serve: {status.AeTitle} listening on DICOM port {status.DicomPort}, health port {status.HealthPort}"));
                try
                {
                    await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Shutting down.
                }

                await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}
