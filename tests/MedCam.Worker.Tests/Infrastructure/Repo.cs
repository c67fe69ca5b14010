namespace MedCam.Worker.Tests.Infrastructure;

/// <summary>Paths in the repository the tests run from.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string OverlayRouting => Path.Combine(Root, "pipelines", "routing-overlay-check.yaml");

    /// <summary>medcam.dll built next to the tests' own configuration (the test project builds the CLI).</summary>
    public static string MedcamDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            var path = Path.Combine(Root, "src", "MedCam.Cli", "bin", configuration, "net10.0", "medcam.dll");
            return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build src/MedCam.Cli first (dotnet build tests/MedCam.Worker.Tests does).");
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MedCam.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("MedCam.sln not found above " + AppContext.BaseDirectory);
    }
}
