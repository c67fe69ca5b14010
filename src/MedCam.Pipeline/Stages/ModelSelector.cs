using MedCam.Torch;

namespace MedCam.Pipeline.Stages;

/// <summary>
/// Select-model stage: the package given by the option, else the first package (by folder name) under the models
/// folder whose card's modality is the task's, preferring one whose name starts with the task's first word.
/// </summary>
public static class ModelSelector
{
    public static ModelPackage Select(PipelineContext context, string task)
    {
        ArgumentNullException.ThrowIfNull(context);
        var modality = PipelineTasks.Modality(task);
        if (context.Options.Model is { } given)
        {
            var package = Open(given);
            if (package.HasCard && !string.IsNullOrEmpty(package.Card.Modality) && !package.Card.Modality.Equals(modality, StringComparison.OrdinalIgnoreCase))
            {
                throw new PipelineException(given, $"the model card says modality {package.Card.Modality}, but task {task} needs a {modality} model");
            }

            context.Log(PipelineStage.SelectModel, $"model {package.Card.Name} {package.Card.Version} (given: {given})");
            return package;
        }

        var folder = context.ModelsDirectory ?? throw new PipelineException("--model",
            "no model given and no sample-data/models folder was found above the current folder; pass --model <package folder>");
        var candidates = new List<(string Path, ModelCard Card)>();
        foreach (var dir in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
        {
            var cardPath = Path.Combine(dir, ModelPackage.CardFileName);
            if (!File.Exists(cardPath) || !File.Exists(Path.Combine(dir, ModelPackage.ModelFileName)))
            {
                continue;
            }

            try
            {
                candidates.Add((dir, ModelCard.Read(cardPath)));
            }
            catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException or ArgumentException)
            {
                context.Log(PipelineStage.SelectModel, $"skipped {cardPath}: {e.Message}");
            }
        }

        var fitting = candidates.Where(c => c.Card.Modality.Equals(modality, StringComparison.OrdinalIgnoreCase)).ToList();
        if (fitting.Count == 0)
        {
            throw new PipelineException(folder, $"no model package for task {task} (modality {modality}) among {candidates.Count} package(s); pass --model");
        }

        var prefix = task.Split('-')[0];
        var chosen = fitting.FirstOrDefault(c => c.Card.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
        if (chosen.Path is null)
        {
            chosen = fitting[0];
        }

        context.Log(PipelineStage.SelectModel, $"model {chosen.Card.Name} {chosen.Card.Version} from {chosen.Path} (card modality {chosen.Card.Modality}; {fitting.Count} of {candidates.Count} package(s) fit)");
        return Open(chosen.Path);
    }

    private static ModelPackage Open(string path)
    {
        try
        {
            return ModelPackage.Open(path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException or ArgumentException or TorchException)
        {
            throw new PipelineException(path, $"not a usable model package: {e.Message}", e);
        }
    }
}
