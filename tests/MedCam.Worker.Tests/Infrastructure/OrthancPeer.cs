using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MedCam.Worker.Tests.Infrastructure;

/// <summary>Orthanc as the PACS on free loopback ports, knowing MedCam as modality "medcam"; optionally with Lua rules.</summary>
internal sealed class OrthancPeer : IAsyncDisposable
{
    public const string AeTitle = "ORTHANC";

    private readonly PeerProcess process;

    private OrthancPeer(PeerProcess process, int httpPort, int dicomPort)
    {
        this.process = process;
        DicomPort = dicomPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(120) };
    }

    public int DicomPort { get; }

    public HttpClient Http { get; }

    public string Output => process.Output;

    public string Destination => $"{AeTitle}@127.0.0.1:{DicomPort}";

    public static async Task<OrthancPeer> StartAsync(string folder, int medcamPort, string? luaScript = null)
    {
        var httpPort = Peers.FreePort();
        var dicomPort = Peers.FreePort();
        var config = new JsonObject
        {
            ["Name"] = "medcam-worker-test",
            ["StorageDirectory"] = Path.Combine(folder, "storage"),
            ["IndexDirectory"] = Path.Combine(folder, "index"),
            ["HttpPort"] = httpPort,
            ["DicomPort"] = dicomPort,
            ["DicomAet"] = AeTitle,
            ["RemoteAccessAllowed"] = false,
            ["AuthenticationEnabled"] = false,
            ["DicomModalities"] = new JsonObject { ["medcam"] = new JsonArray("MEDCAM", "127.0.0.1", medcamPort) },
            ["Plugins"] = new JsonArray(),
            ["StableAge"] = 1,
            ["LuaScripts"] = luaScript is null ? new JsonArray() : new JsonArray(luaScript),
        };
        var configDir = Path.Combine(folder, "config");
        Directory.CreateDirectory(configDir);
        await File.WriteAllTextAsync(Path.Combine(configDir, "orthanc.json"), config.ToJsonString());
        var process = Peers.Start("Orthanc", [configDir]);
        var peer = new OrthancPeer(process, httpPort, dicomPort);
        var deadline = DateTime.UtcNow.AddSeconds(60);
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

    /// <summary>POST /instances; returns the Orthanc study id.</summary>
    public async Task<string> UploadAsync(string path)
    {
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(path));
        using var response = await Http.PostAsync("instances", content);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("ParentStudy").GetString()!;
    }

    public async Task<JsonElement> GetAsync(string path) => await Http.GetFromJsonAsync<JsonElement>(path);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await process.DisposeAsync();
    }
}
