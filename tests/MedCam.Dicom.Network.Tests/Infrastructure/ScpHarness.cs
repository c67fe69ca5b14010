using System.Net;
using MedCam.Dicom.Network.Association;
using MedCam.Dicom.Network.Server;
using MedCam.Dicom.Network.Storage;
using Microsoft.Extensions.Logging;

namespace MedCam.Dicom.Network.Tests.Infrastructure;

/// <summary>A MedCam storage SCP on a free loopback port, storing into a temp folder; disposed after each test.</summary>
internal sealed class ScpHarness : IAsyncDisposable
{
    public const string AeTitle = "MEDCAM";

    private readonly TempDir temp;

    private ScpHarness(DicomServer server, DicomFileStore store, TempDir temp, string root, CapturingLoggerFactory logs)
    {
        Server = server;
        Store = store;
        this.temp = temp;
        Root = root;
        Logs = logs;
    }

    public DicomServer Server { get; }

    public DicomFileStore Store { get; }

    public string Root { get; }

    public CapturingLoggerFactory Logs { get; }

    public int Port => Server.LocalEndPoint.Port;

    public static async Task<ScpHarness> StartAsync(Action<DicomServerBuilder>? configure = null, Func<DicomFileStoreOptions, DicomFileStoreOptions>? store = null)
    {
        var temp = new TempDir("medcam-scp");
        var root = temp.Sub("store");
        var logs = new CapturingLoggerFactory();
        // Small journal segments: tests send little, and every harness preallocates its own.
        var storeOptions = new DicomFileStoreOptions { Root = root, MinimumFreeBytes = 1024 * 1024, JournalSegmentBytes = 4L << 20 };
        storeOptions = store?.Invoke(storeOptions) ?? storeOptions;
        var fileStore = new DicomFileStore(storeOptions, logs.CreateLogger<DicomFileStore>());
        var builder = new DicomServerBuilder()
            .ListenOn(IPAddress.Loopback, 0)
            .WithAeTitle(AeTitle)
            .WithTimeouts(new AssociationTimeouts { Artim = TimeSpan.FromSeconds(3), Idle = TimeSpan.FromSeconds(5) })
            .UseStore(fileStore)
            .WithLogging(logs);
        configure?.Invoke(builder);
        var server = builder.Build();
        await server.StartAsync();
        return new ScpHarness(server, fileStore, temp, root, logs);
    }

    /// <summary>Every instance acknowledged so far, once at its final path (the journal writes it just after the answer).</summary>
    public string[] ReceivedFiles()
    {
        Store.WhenMaterialisedAsync().Wait(TimeSpan.FromSeconds(30));
        return ListReceived(Root);
    }

    public static string[] ListReceived(string root) => Directory.GetFiles(root, "*.dcm", SearchOption.AllDirectories)
        .Where(p => !p.Contains(Path.DirectorySeparatorChar + ".incoming" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            && !p.Contains(Path.DirectorySeparatorChar + ".journal" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        .ToArray();

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Store.DisposeAsync();
        temp.Dispose();
    }
}
