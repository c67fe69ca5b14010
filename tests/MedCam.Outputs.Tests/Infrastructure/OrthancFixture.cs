using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MedCam.Outputs.Tests.Infrastructure;

/// <summary>
/// Orthanc (with the Web Viewer and DICOMweb plugins) started on free loopback ports with a generated configuration,
/// shared by one test class and stopped afterwards.
/// </summary>
public sealed class OrthancFixture : IAsyncLifetime
{
    private readonly TempDir _temp = new("medcam-orthanc");
    private readonly StringBuilder _log = new();
    private Process? _process;

    public HttpClient Http { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        var orthanc = Tool.Find("Orthanc");
        var httpPort = FreePort();
        var dicomPort = FreePort();
        var plugins = new[] { "/usr/share/orthanc/plugins/libOrthancWebViewer.so", "/usr/share/orthanc/plugins/libOrthancDicomWeb.so" };
        foreach (var plugin in plugins)
        {
            if (!File.Exists(plugin))
            {
                throw new InvalidOperationException($"Orthanc plugin {plugin} is missing: install orthanc-webviewer and orthanc-dicomweb.");
            }
        }

        var config = new JsonObject
        {
            ["Name"] = "medcam-outputs-test",
            ["StorageDirectory"] = _temp.Sub("storage"),
            ["IndexDirectory"] = _temp.Sub("index"),
            ["HttpPort"] = httpPort,
            ["DicomPort"] = dicomPort,
            ["RemoteAccessAllowed"] = false,
            ["AuthenticationEnabled"] = false,
            ["Plugins"] = new JsonArray(plugins.Select(p => (JsonNode)p).ToArray()),
        };
        var configDir = _temp.Sub("config");
        await File.WriteAllTextAsync(Path.Combine(configDir, "orthanc.json"), config.ToJsonString());
        var start = new ProcessStartInfo(orthanc) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(configDir);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Orthanc exited at start-up:\n{Log}");
            }

            try
            {
                using var response = await Http.GetAsync("system");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Orthanc did not answer on port {httpPort}:\n{Log}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>POST /instances; returns Orthanc's answer (ID, ParentStudy, ParentSeries, Status).</summary>
    public async Task<JsonElement> UploadAsync(string path)
    {
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(path));
        content.Headers.ContentType = new("application/dicom");
        using var response = await Http.PostAsync("instances", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Orthanc refused {Path.GetFileName(path)}: {(int)response.StatusCode} {body}\n{Log}");
        return JsonSerializer.Deserialize<JsonElement>(body);
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _temp.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
