using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MedCam.Testing;

/// <summary>Where Orthanc keeps its data and listens; the same options start it again on the same study index.</summary>
public sealed record OrthancPeerOptions
{
    /// <summary>Storage, index and configuration; a temporary folder (deleted on dispose) when null.</summary>
    public string? Folder { get; init; }

    /// <summary>Port of the MedCam SCP that Orthanc knows as modality "medcam" (AE MEDCAM, 127.0.0.1); 0: a free port, nobody there.</summary>
    public int MedcamPort { get; init; }

    public string MedcamAeTitle { get; init; } = "MEDCAM";

    /// <summary>Lua scripts Orthanc runs (e.g. docker/orthanc-route-to-medcam.lua with its OnStableStudy rule).</summary>
    public IReadOnlyList<string> LuaScripts { get; init; } = [];

    /// <summary>Seconds without a new instance before Orthanc calls a study stable (OnStableStudy).</summary>
    public int StableAge { get; init; } = 1;

    /// <summary>Free ports when null.</summary>
    public int? HttpPort { get; init; }

    public int? DicomPort { get; init; }
}

/// <summary>One instance Orthanc stored, with its parents (Orthanc ids).</summary>
public sealed record OrthancInstance(string Id, string ParentSeries, string ParentStudy);

/// <summary>
/// Orthanc started as a mini-PACS on free loopback ports with a generated configuration, knowing MedCam as modality
/// "medcam". Dispose stops it (and deletes its folder when the peer made it); <see cref="StopAsync"/> stops it but
/// keeps the data, so that <see cref="StartAsync(OrthancPeerOptions)"/> with <see cref="Options"/> brings the same
/// PACS back on the same ports (a PACS that was down).
/// </summary>
public sealed class OrthancPeer : IAsyncDisposable
{
    public const string AeTitle = "ORTHANC";

    private readonly PeerProcess process;
    private readonly TempDir? temp;

    private OrthancPeer(PeerProcess process, TempDir? temp, OrthancPeerOptions options)
    {
        this.process = process;
        this.temp = temp;
        Options = options;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{options.HttpPort}/"), Timeout = TimeSpan.FromSeconds(120) };
    }

    /// <summary>The options it runs with, ports and folder filled in.</summary>
    public OrthancPeerOptions Options { get; }

    public int DicomPort => Options.DicomPort!.Value;

    public int HttpPort => Options.HttpPort!.Value;

    public HttpClient Http { get; }

    public string Output => process.Output;

    /// <summary>This PACS as a MedCam destination, "ORTHANC@127.0.0.1:port".</summary>
    public string Destination => $"{AeTitle}@127.0.0.1:{DicomPort}";

    public static Task<OrthancPeer> StartAsync(int medcamPort, string? luaScript = null) =>
        StartAsync(new OrthancPeerOptions { MedcamPort = medcamPort, LuaScripts = luaScript is null ? [] : [luaScript] });

    public static async Task<OrthancPeer> StartAsync(OrthancPeerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var temp = options.Folder is null ? new TempDir("medcam-orthanc") : null;
        var folder = options.Folder ?? temp!.Path;
        options = options with { Folder = folder, MedcamPort = options.MedcamPort > 0 ? options.MedcamPort : Peers.FreePort(), HttpPort = options.HttpPort ?? Peers.FreePort(), DicomPort = options.DicomPort ?? Peers.FreePort() };
        var config = new JsonObject
        {
            ["Name"] = "medcam-test",
            ["StorageDirectory"] = Path.Combine(folder, "storage"),
            ["IndexDirectory"] = Path.Combine(folder, "index"),
            ["HttpPort"] = options.HttpPort,
            ["DicomPort"] = options.DicomPort,
            ["DicomAet"] = AeTitle,
            ["RemoteAccessAllowed"] = false,
            ["AuthenticationEnabled"] = false,
            ["DicomModalities"] = new JsonObject { ["medcam"] = new JsonArray(options.MedcamAeTitle, "127.0.0.1", options.MedcamPort) },
            ["Plugins"] = new JsonArray(),
            ["StableAge"] = options.StableAge,
            ["LuaScripts"] = new JsonArray([.. options.LuaScripts.Select(s => JsonValue.Create(s))]),
        };
        var configDir = Path.Combine(folder, "config");
        Directory.CreateDirectory(configDir);
        await File.WriteAllTextAsync(Path.Combine(configDir, "orthanc.json"), config.ToJsonString());
        var process = Peers.Start("Orthanc", [configDir]);
        var peer = new OrthancPeer(process, temp, options);
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
            catch (TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Orthanc did not answer on HTTP port {options.HttpPort}:\n{process.Output}");
            }

            await Task.Delay(100);
        }

        await Peers.WaitForPortAsync(options.DicomPort!.Value, process);
        return peer;
    }

    /// <summary>POST /instances.</summary>
    public async Task<OrthancInstance> UploadAsync(string path)
    {
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(path));
        using var response = await Http.PostAsync("instances", content);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new OrthancInstance(body.GetProperty("ID").GetString()!, body.GetProperty("ParentSeries").GetString()!, body.GetProperty("ParentStudy").GetString()!);
    }

    public async Task<string[]> InstanceIdsAsync() =>
        (await Http.GetFromJsonAsync<string[]>("instances"))!;

    public async Task<byte[]> FileAsync(string instanceId) => await Http.GetByteArrayAsync($"instances/{instanceId}/file");

    public async Task<JsonElement> GetAsync(string path) => await Http.GetFromJsonAsync<JsonElement>(path);

    public async Task<JsonElement> PostAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Orthanc POST {path} answered {(int)response.StatusCode}: {text}\n{Output}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Orthanc's id of the study with this Study Instance UID, or null when Orthanc does not hold it.</summary>
    public async Task<string?> FindStudyAsync(string studyInstanceUid)
    {
        var found = await PostAsync("tools/find", new JsonObject { ["Level"] = "Study", ["Query"] = new JsonObject { ["StudyInstanceUID"] = studyInstanceUid } }.ToJsonString());
        return found.GetArrayLength() == 0 ? null : found[0].GetString();
    }

    /// <summary>
    /// The series of a study as (Modality, SeriesInstanceUID, instance count); empty when Orthanc does not hold the
    /// study. Counting instances per series is how the tests check "exactly once".
    /// </summary>
    public async Task<IReadOnlyList<(string Modality, string SeriesInstanceUid, int Instances)>> SeriesOfStudyAsync(string studyInstanceUid)
    {
        var study = await FindStudyAsync(studyInstanceUid);
        if (study is null)
        {
            return [];
        }

        var series = await GetAsync($"studies/{study}/series");
        return series.EnumerateArray()
            .Select(s => (
                s.GetProperty("MainDicomTags").TryGetProperty("Modality", out var m) ? m.GetString() ?? string.Empty : string.Empty,
                s.GetProperty("MainDicomTags").GetProperty("SeriesInstanceUID").GetString()!,
                s.GetProperty("Instances").GetArrayLength()))
            .OrderBy(s => s.Item1, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Stops Orthanc (REST shutdown, killed if it does not end) and keeps its folder.</summary>
    public async Task StopAsync()
    {
        if (process.HasExited)
        {
            return;
        }

        try
        {
            using var content = new StringContent(string.Empty);
            using var response = await Http.PostAsync("tools/shutdown", content);
        }
        catch (HttpRequestException)
        {
        }

        await process.WaitForExitAsync(TimeSpan.FromSeconds(20));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await process.DisposeAsync();
        temp?.Dispose();
    }
}
