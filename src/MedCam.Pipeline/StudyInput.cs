namespace MedCam.Pipeline;

/// <summary>
/// What the pipeline explains: a study folder, one or more DICOM files, or a folder of series (the load stage reads
/// every file and groups them by series). Paths are kept as given so errors can name them.
/// </summary>
public sealed record StudyInput
{
    public StudyInput(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
        {
            throw new ArgumentException("No input path was given.", nameof(paths));
        }

        Paths = paths;
    }

    public IReadOnlyList<string> Paths { get; }

    public static StudyInput FromPath(string path) => new([path]);

    /// <summary>Every file the paths name (folders recursively, in ordinal order); throws naming a missing path.</summary>
    public IReadOnlyList<string> EnumerateFiles()
    {
        var files = new List<string>();
        foreach (var path in Paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new PipelineException(path, "no such file or folder");
            }
        }

        return files;
    }
}
