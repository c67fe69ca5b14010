namespace MedCam.Worker.Tests.Infrastructure;

/// <summary>dcmtk storescp as a result destination: each received instance is a file named after its SOP Instance UID.</summary>
internal sealed class StorescpPeer : IAsyncDisposable
{
    public const string AeTitle = "DEST";

    private readonly PeerProcess process;

    private StorescpPeer(PeerProcess process, string folder, int port)
    {
        this.process = process;
        Folder = folder;
        Port = port;
    }

    public string Folder { get; }

    public int Port { get; }

    public string Destination => $"{AeTitle}@127.0.0.1:{Port}";

    public string Output => process.Output;

    /// <param name="options">Extra storescp options, e.g. TLS: "+tls", key.pem, cert.pem, "-ic".</param>
    public static async Task<StorescpPeer> StartAsync(string folder, int? port = null, IEnumerable<string>? options = null)
    {
        Directory.CreateDirectory(folder);
        var p = port ?? Peers.FreePort();
        var process = Peers.Start("storescp", [.. options ?? [], "-aet", AeTitle, "-od", folder, "-fe", ".dcm", p.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await Peers.WaitForPortAsync(p, process);
        return new StorescpPeer(process, folder, p);
    }

    /// <summary>SOP Instance UIDs received (file names without the modality prefix and extension).</summary>
    public IReadOnlyList<string> ReceivedUids() =>
        Directory.EnumerateFiles(Folder, "*.dcm").Select(f => Path.GetFileNameWithoutExtension(f)).Select(n => n[(n.IndexOf('.', StringComparison.Ordinal) + 1)..]).Order(StringComparer.Ordinal).ToList();

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
