using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MedCam.Dicom.Network.Tests.Infrastructure;

/// <summary>Orthanc started as a mini-PACS on free loopback ports with a generated configuration.</summary>
internal sealed class OrthancPeer : IAsyncDisposable
{
    public const string AeTitle = "ORTHANC";

    private readonly PeerProcess process;
    private readonly TempDir temp;

    private OrthancPeer(PeerProcess process, TempDir temp, int httpPort, int dicomPort)
    {
        this.process = process;
        this.temp = temp;
        DicomPort = dicomPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public int DicomPort { get; }

    public HttpClient Http { get; }

    public string Output => process.Output;

    public static async Task<OrthancPeer> StartAsync(int medcamPort)
    {
        var temp = new TempDir("medcam-orthanc");
        var httpPort = Peers.FreePort();
        var dicomPort = Peers.FreePort();
        var config = new JsonObject
        {
            ["Name"] = "medcam-test",
            ["StorageDirectory"] = temp.Sub("storage"),
            ["IndexDirectory"] = temp.Sub("index"),
            ["HttpPort"] = httpPort,
            ["DicomPort"] = dicomPort,
            ["DicomAet"] = AeTitle,
            ["RemoteAccessAllowed"] = false,
            ["AuthenticationEnabled"] = false,
            ["DicomModalities"] = new JsonObject { ["medcam"] = new JsonArray("MEDCAM", "127.0.0.1", medcamPort) },
            ["Plugins"] = new JsonArray(),
            ["StableAge"] = 1,
        };
        var configDir = temp.Sub("config");
        await File.WriteAllTextAsync(Path.Combine(configDir, "orthanc.json"), config.ToJsonString());
        var process = Peers.Start("Orthanc", [configDir]);
        var peer = new OrthancPeer(process, temp, httpPort, dicomPort);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Orthanc exited at start-up:\n{process.Output}");
            }

            try
            {
                using var response = await peer.Http.GetAsync("system");
                if (response.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Orthanc did not answer on HTTP port {httpPort}:\n{process.Output}");
            }

            await Task.Delay(100);
        }

        await Peers.WaitForPortAsync(dicomPort, process);
        return peer;
    }

    public async Task<string[]> InstanceIdsAsync() =>
        (await Http.GetFromJsonAsync<string[]>("instances"))!;

    public async Task<string> UploadAsync(string path)
    {
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(path));
        using var response = await Http.PostAsync("instances", content);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("ID").GetString()!;
    }

    public async Task<byte[]> FileAsync(string instanceId) => await Http.GetByteArrayAsync($"instances/{instanceId}/file");

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await process.DisposeAsync();
        temp.Dispose();
    }
}
