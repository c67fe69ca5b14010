namespace MedCam.Pipeline.Stages;

/// <summary>
/// The selected series alone, as the output writers take it: the file itself for a one-file series, else a folder of
/// symbolic links under the work folder (the input folder may hold other series).
/// </summary>
public static class SeriesFolder
{
    public static string Create(PipelineContext context, SeriesInfo series)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(series);
        if (series.Files.Count == 1)
        {
            return series.Files[0];
        }

        var folder = Path.Combine(context.WorkDirectory, "series-" + series.SeriesInstanceUid);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        var i = 0;
        foreach (var file in series.Files)
        {
            File.CreateSymbolicLink(Path.Combine(folder, $"{i++:D5}_{Path.GetFileName(file)}"), Path.GetFullPath(file));
        }

        return folder;
    }
}
