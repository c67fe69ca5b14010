using System.Globalization;
using System.Text.Json;
using MedCam.Testing;

namespace MedCam.Cohorts.Tests;

/// <summary>Runs a Python snippet with /usr/bin/python3 (the numerical and CSV peer) and parses its JSON output.</summary>
internal static class Python
{
    public static async Task<JsonElement> JsonAsync(string script, params string[] arguments)
    {
        using var dir = new TempDir("medcam-cohort-py");
        var file = Path.Combine(dir.Path, "peer.py");
        await File.WriteAllTextAsync(file, script);
        var (code, output) = await Peers.RunAsync("/usr/bin/python3", [file, .. arguments], TimeSpan.FromSeconds(120));
        Assert.True(code == 0, $"python3 failed ({code}): {output}");
        var json = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    public static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Samples(string task) => Path.Combine(Root, "sample-data", task);

    private static string FindRoot()
    {
        for (var dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "MedCam.sln")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException("MedCam.sln not found above the test folder.");
    }
}
