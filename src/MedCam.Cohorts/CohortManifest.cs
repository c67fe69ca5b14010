using System.Globalization;

namespace MedCam.Cohorts;

/// <summary>One case of a cohort: its study folder, and where known its true class and lesion mask.</summary>
/// <param name="Id">Case identifier (a folder name under the output's cases/).</param>
/// <param name="Folder">The study folder (or one DICOM file), absolute.</param>
/// <param name="Label">The true class index in the model's class order, when the manifest gives one.</param>
/// <param name="ClassName">The true class name, when the manifest gives one.</param>
/// <param name="LesionMask">A .npy mask on the source grid (frames x rows x columns), absolute; null when none.</param>
public sealed record CohortCase(string Id, string Folder, int? Label, string? ClassName, string? LesionMask);

/// <summary>
/// Reads the cases of a cohort: a manifest CSV (what <c>medcam synth</c> writes as labels.csv, or one a research group
/// writes for its own data), or every sub-folder of a root folder.
/// </summary>
public static class CohortManifest
{
    private static readonly string[] IdColumns = ["case_id", "case", "id"];
    private static readonly string[] FolderColumns = ["folder", "path", "study"];
    private static readonly string[] LabelColumns = ["label", "label_index"];
    private static readonly string[] ClassColumns = ["class_name", "class", "diagnosis"];
    private static readonly string[] MaskColumns = ["lesion_mask", "mask"];

    public static IReadOnlyList<CohortCase> Read(CohortDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return definition.Manifest is { } manifest ? ReadCsv(manifest) : ReadRoot(definition.Root!);
    }

    /// <summary>Reads a manifest; relative folders and masks are resolved against the manifest's folder.</summary>
    /// <exception cref="CohortDefinitionException">A column or value is missing or wrong; the message names the line.</exception>
    public static IReadOnlyList<CohortCase> ReadCsv(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        List<(int Line, string[] Fields)> records;
        try
        {
            records = Csv.Parse(File.ReadAllText(path)).ToList();
        }
        catch (FormatException ex)
        {
            throw new CohortDefinitionException($"{path}: {ex.Message}", ex);
        }

        if (records.Count == 0)
        {
            throw new CohortDefinitionException($"{path}: the manifest is empty (expected a header with case_id and folder).");
        }

        var header = records[0].Fields.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        int? Column(string[] names) => names.Select(n => Array.IndexOf(header, n)).Where(i => i >= 0).Select(i => (int?)i).FirstOrDefault();
        var idColumn = Column(IdColumns) ?? throw new CohortDefinitionException($"{path}: no case id column (one of {string.Join(", ", IdColumns)}).");
        var folderColumn = Column(FolderColumns) ?? throw new CohortDefinitionException($"{path}: no study folder column (one of {string.Join(", ", FolderColumns)}).");
        var labelColumn = Column(LabelColumns);
        var classColumn = Column(ClassColumns);
        var maskColumn = Column(MaskColumns);

        var cases = new List<CohortCase>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (line, fields) in records.Skip(1))
        {
            string? Field(int? column) => column is { } c && c < fields.Length && fields[c].Trim() is { Length: > 0 } v ? v : null;
            var id = Field(idColumn) ?? throw new CohortDefinitionException($"{path}: line {line}: empty case id.");
            if (id.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || id is "." or "..")
            {
                throw new CohortDefinitionException($"{path}: line {line}: case id '{id}' cannot be a folder name.");
            }

            if (!seen.Add(id))
            {
                throw new CohortDefinitionException($"{path}: line {line}: case id '{id}' appears twice.");
            }

            var studyFolder = Field(folderColumn) ?? throw new CohortDefinitionException($"{path}: line {line}: case '{id}' has no study folder.");
            int? label = null;
            if (Field(labelColumn) is { } labelText)
            {
                label = int.TryParse(labelText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) && l >= 0
                    ? l
                    : throw new CohortDefinitionException($"{path}: line {line}: label '{labelText}' of case '{id}' is not a class index.");
            }

            var mask = Field(maskColumn);
            cases.Add(new CohortCase(
                id,
                Path.GetFullPath(studyFolder, folder),
                label,
                Field(classColumn),
                mask is null ? null : Path.GetFullPath(mask, folder)));
        }

        return cases;
    }

    /// <summary>Every sub-folder of <paramref name="root"/> (sorted by name) is a case without labels or masks.</summary>
    public static IReadOnlyList<CohortCase> ReadRoot(string root) =>
        Directory.EnumerateDirectories(root)
            .Order(StringComparer.Ordinal)
            .Select(d => new CohortCase(Path.GetFileName(d), d, null, null, null))
            .ToList();
}
