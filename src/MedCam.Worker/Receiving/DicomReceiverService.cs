using System.Net;
using System.Security.Cryptography.X509Certificates;
using MedCam.Dicom.Network.Server;
using MedCam.Dicom.Network.Storage;
using MedCam.Worker.Configuration;
using MedCam.Worker.Ledger;
using MedCam.Worker.Operations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedCam.Worker.Receiving;

/// <summary>
/// The C-STORE SCP of <c>medcam serve</c>: instances land durably in <c>data/incoming/&lt;study&gt;/</c> and in the
/// ledger before success is answered; the calling AE allow-list, TLS and the free-disk watermark apply.
/// </summary>
public sealed class DicomReceiverService : IHostedService, IAsyncDisposable
{
    private readonly WorkerOptions options;
    private readonly IJobLedger ledger;
    private readonly WorkerMetrics metrics;
    private readonly WorkerStatus status;
    private readonly ILoggerFactory loggerFactory;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private DicomServer? server;
    private DicomFileStore? store;

    public DicomReceiverService(IOptions<WorkerOptions> options, IJobLedger ledger, WorkerMetrics metrics, WorkerStatus status, ILoggerFactory loggerFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        this.options = options.Value;
        this.ledger = ledger;
        this.metrics = metrics;
        this.status = status;
        this.loggerFactory = loggerFactory;
        this.time = time;
        logger = loggerFactory.CreateLogger<DicomReceiverService>();
    }

    public static string IncomingFolder(WorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Path.Combine(Path.GetFullPath(options.DataFolder), "incoming");
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        store = new DicomFileStore(
            new DicomFileStoreOptions
            {
                Root = IncomingFolder(options),
                MinimumFreeBytes = options.MinimumFreeBytes,
                Notifications = new LedgerNotificationWriter(Record),
            }.WithJournalSize(options.JournalMegabytes),
            loggerFactory.CreateLogger<DicomFileStore>());
        status.ReceivedFilesWritten = store.WhenMaterialisedAsync;
        var builder = new DicomServerBuilder()
            .ListenOn(IPAddress.Parse(options.BindAddress), options.Port)
            .WithAeTitle(options.AeTitle)
            .UseStore(store)
            .WithLogging(loggerFactory);
        if (options.AllowedCallers.Count > 0)
        {
            builder.AllowCallingAeTitles([.. options.AllowedCallers]);
        }

        if (!string.IsNullOrWhiteSpace(options.TlsCertificate))
        {
            builder.WithTls(X509CertificateLoader.LoadPkcs12FromFile(options.TlsCertificate, options.TlsCertificatePassword));
        }

        server = builder.Build();
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        status.AeTitle = options.AeTitle;
        status.DicomPort = server.LocalEndPoint.Port;
        status.MarkReady();
        logger.LogInformation(
            "DICOM SCP {AeTitle} listening on port {Port} ({Tls}); callers allowed: {Callers}",
            options.AeTitle, status.DicomPort, options.TlsCertificate is null ? "plain TCP" : "TLS",
            options.AllowedCallers.Count == 0 ? "any" : string.Join(",", options.AllowedCallers));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (server is not null)
        {
            await server.StopAsync(cancellationToken).ConfigureAwait(false);
            logger.LogInformation("DICOM SCP stopped");
        }

        // A clean stop checkpoints the store's journal: every received file synced, nothing left to replay.
        await DisposeStoreAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        await DisposeStoreAsync().ConfigureAwait(false);
    }

    private async ValueTask DisposeStoreAsync()
    {
        if (Interlocked.Exchange(ref store, null) is { } s)
        {
            await s.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Record(StoredInstance instance)
    {
        var folder = Path.GetDirectoryName(instance.Path)!;
        var studyUid = instance.StudyInstanceUid ?? Path.GetFileName(folder);
        var now = time.GetUtcNow();
        var study = ledger.RecordInstance(studyUid, folder, instance.SopInstanceUid, instance.CallingAeTitle, now, options.QuietTimeFor(instance.CallingAeTitle));
        var opened = study.Sequence == 1 || (study.State == StudyState.Received && study.Sequence == study.ProcessedSequence + 1 && study.Run > 0);
        metrics.InstanceReceived(opened);
        if (opened)
        {
            logger.LogInformation("Study {StudyKey} {Event} by {CallingAe} (association {AssociationId})",
                study.Key, study.Run == 0 ? "opened" : "reopened", instance.CallingAeTitle, instance.AssociationId);
        }
    }
}
