using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace MedCam.Fhir.Tests.Support;

/// <summary>What tools/fhir-validate/validate.js said about one file.</summary>
public sealed record ValidatorVerdict(
    string File,
    bool Valid,
    bool FhirJsValid,
    IReadOnlyList<string> FhirJsErrors,
    bool SchemaValid,
    IReadOnlyList<string> SchemaErrors)
{
    public override string ToString() =>
        $"{Path.GetFileName(File)}: FHIR.js {(FhirJsValid ? "valid" : "INVALID")} [{string.Join("; ", FhirJsErrors)}], " +
        $"JSON schema {(SchemaValid ? "valid" : "INVALID")} [{string.Join("; ", SchemaErrors)}]";
}

/// <summary>
/// Runs the real third-party validators (FHIR.js and the official R4 JSON schema under ajv 8) through
/// tools/fhir-validate. Installs their npm packages with <c>npm ci</c> once when node_modules is missing, under a
/// machine-wide lock so parallel test runs do not install over each other.
/// </summary>
public sealed class NodeFhirValidator : IDisposable
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    public NodeFhirValidator()
    {
        ToolDirectory = Path.Combine(RepositoryRoot(), "tools", "fhir-validate");
        Node = FindOnPath("node") ?? throw new InvalidOperationException(
            "node is not on PATH: the FHIR validators (tools/fhir-validate) need Node.js 18+. Install nodejs and npm.");
        EnsureInstalled();
        WorkDirectory = Directory.CreateTempSubdirectory("medcam-fhir-validate-").FullName;

        // One validator process for the whole test run: compiling the R4 schema costs seconds, validating costs ms.
        var start = new ProcessStartInfo(Node)
        {
            WorkingDirectory = ToolDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = new UTF8Encoding(false),
        };
        start.ArgumentList.Add(Path.Combine(ToolDirectory, "validate.js"));
        start.ArgumentList.Add("--serve");
        _server = Process.Start(start) ?? throw new InvalidOperationException("Could not start node validate.js --serve.");
        _stderr = _server.StandardError.ReadToEndAsync();
        var ready = ReadLine(TimeSpan.FromMinutes(2));
        if (!ready.Contains("\"ready\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"validate.js --serve did not start: {ready}");
        }
    }

    private readonly Process _server;
    private readonly Task<string> _stderr;
    private readonly Lock _gate = new();

    public string ToolDirectory { get; }

    public void Dispose()
    {
        _server.StandardInput.Close();
        if (!_server.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            _server.Kill(entireProcessTree: true);
        }

        _server.Dispose();
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    public string Node { get; }

    public string WorkDirectory { get; }

    /// <summary>Validates each JSON text as one file; verdicts come back in the same order.</summary>
    public IReadOnlyList<ValidatorVerdict> Validate(IReadOnlyList<(string Name, string Json)> resources)
    {
        var files = new List<string>();
        foreach (var (name, json) in resources)
        {
            var file = Path.Combine(WorkDirectory, name + ".json");
            File.WriteAllText(file, json, new UTF8Encoding(false));
            files.Add(file);
        }

        string answer;
        lock (_gate)
        {
            _server.StandardInput.WriteLine(JsonSerializer.Serialize(files));
            _server.StandardInput.Flush();
            answer = ReadLine(TimeSpan.FromMinutes(2));
        }

        using var document = JsonDocument.Parse(answer);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidOperationException($"validate.js answered with an error: {answer}");
        }

        var verdicts = document.RootElement.EnumerateArray().Select(e => new ValidatorVerdict(
            e.GetProperty("file").GetString()!,
            e.GetProperty("valid").GetBoolean(),
            e.GetProperty("fhirjs").GetProperty("valid").GetBoolean(),
            Strings(e.GetProperty("fhirjs").GetProperty("errors")),
            e.GetProperty("schema").GetProperty("valid").GetBoolean(),
            Strings(e.GetProperty("schema").GetProperty("errors")))).ToList();
        Assert.Equal(files.Count, verdicts.Count);
        return verdicts;
    }

    private string ReadLine(TimeSpan timeout)
    {
        var line = _server.StandardOutput.ReadLineAsync();
        if (!line.Wait(timeout))
        {
            throw new TimeoutException($"validate.js did not answer within {timeout}.");
        }

        return line.Result ?? throw new InvalidOperationException(
            $"validate.js exited (code {(_server.HasExited ? _server.ExitCode : -1)}): {(_stderr.IsCompleted ? _stderr.Result : string.Empty)}");
    }

    private static List<string> Strings(JsonElement array) =>
        array.EnumerateArray().Select(s => s.GetString()!).ToList();

    private void EnsureInstalled()
    {
        if (IsInstalled())
        {
            return;
        }

        InstallGate.Wait();
        try
        {
            // Another process (a second test run) may install at the same time: serialise on a lock file.
            var lockPath = Path.Combine(Path.GetTempPath(), "medcam-fhir-validate-npm-ci.lock");
            using var fileLock = AcquireFileLock(lockPath, TimeSpan.FromMinutes(5));
            if (IsInstalled())
            {
                return;
            }

            var npm = FindOnPath("npm") ?? throw new InvalidOperationException(
                "npm is not on PATH: it is needed once to install tools/fhir-validate (npm ci).");
            var (exit, stdout, stderr) = Run(npm, ["ci", "--no-audit", "--no-fund"], ToolDirectory, TimeSpan.FromMinutes(5));
            if (exit != 0 || !IsInstalled())
            {
                throw new InvalidOperationException(
                    $"'npm ci' in {ToolDirectory} failed (exit {exit}); the FHIR validators are not installed.\n{stdout}\n{stderr}");
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private bool IsInstalled() =>
        File.Exists(Path.Combine(ToolDirectory, "node_modules", "fhir", "package.json"))
        && File.Exists(Path.Combine(ToolDirectory, "node_modules", "ajv", "package.json"))
        && File.Exists(Path.Combine(ToolDirectory, "node_modules", "@asymmetrik", "fhir-json-schema-validator", "fhir.schema.json"));

    private static FileStream AcquireFileLock(string path, TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }

    internal static (int Exit, string Stdout, string Stderr) Run(string file, IEnumerable<string> args,
        string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} ran longer than {timeout}.");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, name);
            if (dir.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MedCam.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"MedCam.sln not found above {AppContext.BaseDirectory}.");
    }
}

[CollectionDefinition(Name)]
public sealed class FhirValidatorCollection : ICollectionFixture<NodeFhirValidator>
{
    public const string Name = "FHIR validators (node)";
}
