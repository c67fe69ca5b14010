using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MedCam.Worker.Configuration;
using MedCam.Worker.Ledger;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace MedCam.Worker.Operations;

/// <summary>
/// Loopback-only HTTP endpoint (HttpListener, no web stack): <c>GET /health</c> answers JSON with the state counts
/// and ports (200 while the SCP listens), <c>GET /metrics</c> the OpenTelemetry metrics in Prometheus text.
/// </summary>
public sealed class HealthEndpoint : BackgroundService
{
    private readonly WorkerOptions options;
    private readonly IJobLedger ledger;
    private readonly WorkerStatus status;
    private readonly PrometheusSnapshot snapshot;
    private readonly MetricReader reader;
    private readonly ILogger<HealthEndpoint> logger;
    private HttpListener? listener;

    public HealthEndpoint(IOptions<WorkerOptions> options, IJobLedger ledger, WorkerStatus status, PrometheusSnapshot snapshot, MetricReader reader, ILogger<HealthEndpoint> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        this.ledger = ledger;
        this.status = status;
        this.snapshot = snapshot;
        this.reader = reader;
        this.logger = logger;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.HealthPort < 0)
        {
            return Task.CompletedTask;
        }

        var port = options.HealthPort == 0 ? FreeLoopbackPort() : options.HealthPort;
        listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        listener.Start();
        status.HealthPort = port;
        logger.LogInformation("Health and metrics on http://127.0.0.1:{Port}/health and /metrics", port);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        listener?.Stop();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        listener?.Close();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested && listener is { IsListening: true })
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            try
            {
                Answer(context);
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or InvalidOperationException)
            {
                logger.LogDebug(ex, "Health request failed");
            }
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var path = context.Request.Url?.AbsolutePath ?? "/";
        string body;
        string type;
        int code;
        switch (path)
        {
            case "/health":
            case "/healthz":
                var counts = ledger.Counts();
                var listening = status.Ready.IsCompletedSuccessfully;
                code = listening ? 200 : 503;
                type = "application/json";
                body = JsonSerializer.Serialize(new
                {
                    status = listening ? "ok" : "starting",
                    aeTitle = status.AeTitle,
                    dicomPort = status.DicomPort,
                    queueDepth = counts.QueueDepth,
                    studies = Enum.GetValues<StudyState>().ToDictionary(s => s.ToString().ToLowerInvariant(), counts.Count),
                    uptimeSeconds = Math.Round((DateTimeOffset.UtcNow - status.StartedAt).TotalSeconds),
                });
                break;
            case "/metrics":
                code = 200;
                type = "text/plain; version=0.0.4";
                body = snapshot.Scrape(reader);
                break;
            default:
                code = 404;
                type = "text/plain";
                body = "not found: use /health or /metrics\n";
                break;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = code;
        context.Response.ContentType = type;
        context.Response.ContentLength64 = bytes.Length;
        context.Response.OutputStream.Write(bytes);
        context.Response.Close();
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
