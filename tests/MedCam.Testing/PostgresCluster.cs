using System.Globalization;

namespace MedCam.Testing;

/// <summary>
/// A throw-away PostgreSQL cluster (Debian's postgresql, /usr/lib/postgresql/&lt;version&gt;/bin) on a free loopback
/// port: initdb into a temp folder, pg_ctl start, trust authentication for the superuser "postgres". initdb refuses
/// to run as root, so when the tests run as root the server tools run as the "postgres" user (runuser) in a folder it
/// owns. Dispose stops the cluster (immediate) and deletes the folder. Each test takes its own database.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string binaries;
    private readonly string folder;
    private readonly bool asPostgresUser;
    private int databases;

    private PostgresCluster(string binaries, string folder, bool asPostgresUser, int port)
    {
        this.binaries = binaries;
        this.folder = folder;
        this.asPostgresUser = asPostgresUser;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The server binaries: the newest /usr/lib/postgresql/N/bin holding initdb.</summary>
    public static string FindBinaries() =>
        (Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [])
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0)
            .FirstOrDefault()
        ?? throw new InvalidOperationException("PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin: apt-get install postgresql; this test needs them.");

    public static async Task<PostgresCluster> StartAsync()
    {
        var binaries = FindBinaries();
        var asPostgresUser = Environment.UserName == "root" || (await Peers.RunAsync("id", ["-u"])).Output.Trim() == "0";
        var folder = Path.Combine(Path.GetTempPath(), $"medcam-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var port = Peers.FreePort();
        var cluster = new PostgresCluster(binaries, folder, asPostgresUser, port);
        try
        {
            if (asPostgresUser)
            {
                await cluster.RunCheckedAsync("chown", ["postgres:postgres", folder], asServerUser: false);
            }

            await cluster.RunCheckedAsync(Path.Combine(binaries, "initdb"), ["-D", cluster.DataFolder, "-A", "trust", "-U", "postgres", "--locale=C", "-E", "UTF8", "--no-sync"]);
            await cluster.RunCheckedAsync(Path.Combine(binaries, "pg_ctl"),
            [
                "-D", cluster.DataFolder, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60",
                "-o", $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
                "start",
            ]);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private string DataFolder => Path.Combine(folder, "data");

    /// <summary>Creates an empty database and returns its Npgsql connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"medcam_test_{Interlocked.Increment(ref databases)}_{Guid.NewGuid():N}"[..40];
        await RunCheckedAsync(Path.Combine(binaries, "createdb"), ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", name]);
        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name};Pooling=true;Maximum Pool Size=20";
    }

    /// <summary>The server's log so far (for failure messages).</summary>
    public string ServerLog()
    {
        try
        {
            return File.ReadAllText(Path.Combine(folder, "server.log"));
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Directory.Exists(Path.Combine(DataFolder, "global")))
        {
            await RunAsync(Path.Combine(binaries, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "stop"], asServerUser: asPostgresUser);
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task RunCheckedAsync(string tool, IReadOnlyList<string> arguments, bool? asServerUser = null)
    {
        var (code, output) = await RunAsync(tool, arguments, asServerUser ?? asPostgresUser);
        if (code != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(tool)} {string.Join(' ', arguments)} failed ({code}):\n{output}\n{ServerLog()}");
        }
    }

    private static Task<(int ExitCode, string Output)> RunAsync(string tool, IReadOnlyList<string> arguments, bool asServerUser) =>
        asServerUser
            ? Peers.RunAsync("runuser", new[] { "-u", "postgres", "--", tool }.Concat(arguments), TimeSpan.FromSeconds(120), workingDirectory: "/")
            : Peers.RunAsync(tool, arguments, TimeSpan.FromSeconds(120));
}
