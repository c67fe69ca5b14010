using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MedCam.Dicom.Network.Server;

/// <summary>
/// A DICOM upper-layer listener: accepts connections and runs one <see cref="ServerAssociation"/> per connection,
/// each on its own task, so a slow or hostile peer never holds up the others.
/// </summary>
public sealed class DicomServer : IAsyncDisposable
{
    private readonly DicomServerOptions options;
    private readonly DicomServiceProviders providers;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<long, Task> associations = new();
    private readonly CancellationTokenSource stopping = new();
    private Socket? listener;
    private Task? acceptLoop;
    private long nextId;
    private int active;

    public DicomServer(DicomServerOptions options, DicomServiceProviders providers, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(providers);
        this.options = options;
        this.providers = providers;
        logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<DicomServer>();
    }

    /// <summary>The bound address and port once started (the real port when <see cref="DicomServerOptions.Port"/> is 0).</summary>
    public IPEndPoint LocalEndPoint => listener?.LocalEndPoint as IPEndPoint ?? throw new InvalidOperationException("The server is not started.");

    /// <summary>Associations currently open.</summary>
    public int ActiveAssociations => Volatile.Read(ref active);

    public DicomServerOptions Options => options;

    /// <summary>Binds and starts accepting; returns once the port is listening.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (listener is not null)
        {
            throw new InvalidOperationException("The server is already started.");
        }

        var socket = new Socket(options.BindAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (options.BindAddress.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(options.BindAddress, options.Port));
            socket.Listen(512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        listener = socket;
        logger.LogInformation("DICOM SCP {AeTitle} listening on {EndPoint}{Tls}", options.AeTitle, socket.LocalEndPoint, options.Tls is null ? string.Empty : " (TLS)");
        acceptLoop = Task.Run(() => AcceptLoopAsync(stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Stops accepting, aborts open associations and waits for them to finish.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (listener is null)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        listener.Dispose();
        if (acceptLoop is not null)
        {
            await acceptLoop.ConfigureAwait(false);
        }

        await Task.WhenAll(associations.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        stopping.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener!.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex)
            {
                // E.g. a connection reset while still in the backlog: keep serving.
                logger.LogDebug("Accept failed: {Problem}", ex.Message);
                continue;
            }

            var id = Interlocked.Increment(ref nextId);
            var overLimit = Interlocked.Increment(ref active) > options.MaxAssociations;
            var association = new ServerAssociation(client, id, overLimit, options, providers, logger);
            var task = Task.Run(
                async () =>
                {
                    try
                    {
                        await association.RunAsync(cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref active);
                        associations.TryRemove(id, out _);
                    }
                },
                CancellationToken.None);
            associations[id] = task;
        }
    }
}
